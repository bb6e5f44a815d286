import type { SystemInfo } from "../../shared/contract";
import { APP_VERSION } from "../version";
import type { Runtime } from "./config";
import type { EvidenceService } from "./evidenceService";
import type { SettingsService } from "./settingsService";

export class SystemService {
  constructor(
    private readonly settings: SettingsService,
    private readonly evidence: EvidenceService,
    private readonly paths: { readonly dataDir: string; readonly storePath: string },
    private readonly runtime: Runtime,
    private readonly nativeDialogs: boolean,
  ) {}

  async info(): Promise<SystemInfo> {
    const settings = await this.settings.get();
    const summary = await this.evidence.summary();
    // Importing IT's receipt is itself a record; on its own it does not make the laptop "behind".
    const meaningful = summary.lastReceipt ? this.evidence.changesSinceReceipt() : summary.recordsSinceReceipt;
    return {
      appVersion: APP_VERSION,
      storePath: this.paths.storePath,
      dataDir: this.paths.dataDir,
      deviceName: settings.deviceName,
      deviceFingerprint: summary.device.fingerprint,
      runtime: this.runtime,
      nativeDialogs: this.nativeDialogs,
      itSync: {
        state: summary.lastReceipt === null ? "never" : meaningful === 0 ? "synced" : "behind",
        lastReceiptAt: summary.lastReceipt?.cosignedAt ?? null,
        recordsSinceReceipt: meaningful,
      },
    };
  }
}

import type { SystemInfo } from "../../shared/contract";
import { APP_VERSION } from "../version";
import type { Runtime } from "./config";
import type { SettingsService } from "./settingsService";

export class SystemService {
  constructor(
    private readonly settings: SettingsService,
    private readonly paths: { readonly dataDir: string; readonly storePath: string },
    private readonly runtime: Runtime,
  ) {}

  async info(): Promise<SystemInfo> {
    const settings = await this.settings.get();
    return {
      appVersion: APP_VERSION,
      storePath: this.paths.storePath,
      dataDir: this.paths.dataDir,
      deviceName: settings.deviceName,
      runtime: this.runtime,
      itSync: { state: "never", lastReceiptAt: null, recordsSinceReceipt: 0 },
    };
  }
}

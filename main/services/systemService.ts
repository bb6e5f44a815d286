import { writeFileSync } from "node:fs";
import type { ClientCertificateView, SystemInfo } from "../../shared/contract";
import type { ControllerConnector } from "../connectors/port";
import { APP_VERSION } from "../version";
import { AppError } from "../../shared/domain/errors";
import type { FileDialog, FileDialogs, Runtime } from "./config";
import type { EvidenceService } from "./evidenceService";
import type { SettingsService } from "./settingsService";

export interface SystemServiceDeps {
  readonly settings: SettingsService;
  readonly evidence: EvidenceService;
  readonly paths: { readonly dataDir: string; readonly storePath: string };
  readonly runtime: Runtime;
  /** The operating system's file dialogs (desktop app only). */
  readonly dialogs: FileDialogs | undefined;
  readonly connector: () => ControllerConnector;
}

/** What the app tells about itself, and the operating system's file dialogs where there are some. */
export class SystemService {
  constructor(private readonly deps: SystemServiceDeps) {}

  async saveDialog(options: FileDialog): Promise<string | null> {
    return this.nativeDialogs().save(options);
  }

  async openDialog(options: FileDialog): Promise<string | null> {
    return this.nativeDialogs().open(options);
  }

  private nativeDialogs(): FileDialogs {
    if (!this.deps.dialogs) throw new AppError("PRECONDITION_FAILED", "File dialogs are only available in the desktop app. Type the full path instead.");
    return this.deps.dialogs;
  }

  /** The laptop's OPC UA application certificate, which a controller with strict trust must list. */
  async clientCertificate(): Promise<ClientCertificateView> {
    const cert = await this.deps.connector().clientCertificate();
    return { subject: cert.subject, thumbprintSha256: cert.thumbprintSha256, notAfter: cert.notAfter, file: cert.file };
  }

  /** A DER copy of it (what controllers' tools import), to carry to a controller. */
  async exportClientCertificate(path: string): Promise<{ path: string; bytes: number; thumbprintSha256: string }> {
    const cert = await this.deps.connector().clientCertificate();
    try {
      writeFileSync(path, cert.der);
    } catch (error) {
      throw new AppError("IO_ERROR", `Cannot write the certificate to ${path}: ${(error as Error).message}`, { cause: error });
    }
    return { path, bytes: cert.der.length, thumbprintSha256: cert.thumbprintSha256 };
  }

  async info(): Promise<SystemInfo> {
    const settings = await this.deps.settings.get();
    const summary = await this.deps.evidence.summary();
    // Importing IT's receipt is itself a record; on its own it does not make the laptop "behind".
    const meaningful = summary.lastReceipt ? this.deps.evidence.changesSinceReceipt() : summary.recordsSinceReceipt;
    return {
      appVersion: APP_VERSION,
      storePath: this.deps.paths.storePath,
      dataDir: this.deps.paths.dataDir,
      deviceName: settings.deviceName,
      deviceFingerprint: summary.device.fingerprint,
      runtime: this.deps.runtime,
      nativeDialogs: this.deps.dialogs !== undefined,
      itSync: {
        state: summary.lastReceipt === null ? "never" : meaningful === 0 ? "synced" : "behind",
        lastReceiptAt: summary.lastReceipt?.cosignedAt ?? null,
        recordsSinceReceipt: meaningful,
      },
    };
  }
}

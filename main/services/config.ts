import { homedir, hostname } from "node:os";
import { join } from "node:path";
import type { KeyProtector } from "../evidence/protector";
import type { ControllerConnector } from "../connectors/port";
import type { CrashHook } from "./rotation/crashPoint";
import type { SyncTimers } from "./syncService";

export type Runtime = "electron" | "preview" | "test" | "cli";

export interface ServicesConfig {
  /** Folder holding the store and keys. In Electron: app.getPath('userData'). */
  readonly dataDir: string;
  readonly runtime: Runtime;
  /** Clock, injectable for tests. */
  readonly now?: () => Date;
  /** Default device name before the technician sets one. */
  readonly hostname?: string;
  /** How the device key is protected (Electron: safeStorage). Else `passphrase`, else locked. */
  readonly keyProtector?: KeyProtector;
  /** Passphrase for the device key outside Electron (FIELDPROOF_PASSPHRASE, a prompt, a test). */
  readonly passphrase?: string;
  /** Shown when a signing operation finds the key locked: how to unlock in this runtime. */
  readonly lockedHint?: string;
  /** The operating system's file dialogs (desktop app only). */
  readonly dialogs?: FileDialogs;
  /** Per-call timeout towards controllers. */
  readonly controllerTimeoutMs?: number;
  /** A connector to use instead of the OPC UA one (tests of services in isolation). */
  readonly connector?: ControllerConnector;
  /** The crash tests' seam, called at each rotation step; only a test's composition root sets it. */
  readonly crashHook?: CrashHook;
  /** The automatic sync to IT's collector (Settings: collector address). */
  readonly sync?: SyncConfig;
}

export interface SyncConfig {
  /** Probe and sync on a timer once services are made (default: the app and the preview, not the CLI). */
  readonly autoStart?: boolean;
  /** First probe interval and the one after a success (default 15 s). */
  readonly probeMs?: number;
  /** Longest interval after repeated failures (default 5 min). */
  readonly maxProbeMs?: number;
  readonly timers?: SyncTimers;
  readonly random?: () => number;
  /** Bytes of records per upload (default CHUNK_BYTES, 4 MiB; tests shrink it to see chunks). */
  readonly chunkBytes?: number;
}

export interface FileDialog {
  readonly title: string;
  readonly defaultName?: string | undefined;
  readonly filters: readonly { name: string; extensions: string[] }[];
}

export interface FileDialogs {
  save(options: FileDialog): Promise<string | null>;
  open(options: FileDialog): Promise<string | null>;
}

export const STORE_FILE = "fieldproof.sqlite";

/**
 * Where data lives outside Electron: --data-dir, then FIELDPROOF_DATA_DIR, then the same folder
 * Electron uses as userData for "Fieldproof", so the CLI and the desktop app share one store.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (flag) return flag;
  if (env.FIELDPROOF_DATA_DIR) return env.FIELDPROOF_DATA_DIR;
  const home = homedir();
  if (platform === "win32") return join(env.APPDATA ?? join(home, "AppData", "Roaming"), "Fieldproof");
  if (platform === "darwin") return join(home, "Library", "Application Support", "Fieldproof");
  return join(env.XDG_CONFIG_HOME ?? join(home, ".config"), "Fieldproof");
}

export function defaultDeviceName(config: ServicesConfig): string {
  return config.hostname ?? hostname();
}

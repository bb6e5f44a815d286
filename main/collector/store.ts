import { AppError } from "../../shared/domain/errors";
import type { ParsedBundle } from "../evidence/bundleReader";
import { passphraseProtector } from "../evidence/protector";
import { ItService, type BundleImport } from "../services/itService";

/**
 * What the collector needs from IT's store. The embedded default is the IT folder's SQLite store
 * through ItService (the same checks and transaction as `fieldproof import`); PostgreSQL
 * (pgStore.ts) runs the same checks (planImport) inside a transaction holding the device's row lock.
 */
export interface CollectorStore {
  /** Verifies and applies a parsed bundle in one transaction (or refuses with an AppError), returning IT's receipt. */
  importBundle(bundle: ParsedBundle, sha256: string, options: { enrolFingerprint?: string | undefined }): Promise<BundleImport>;
  /** Writes a new bundle's sealed secrets where IT opens them; returns the files. */
  writeSealed(deviceId: string, sealed: ReadonlyMap<string, Buffer>): string[];
  stats(): { devices: number; records: number } | Promise<{ devices: number; records: number }>;
  close(): Promise<void>;
}

/** The IT folder's SQLite store. Checks the passphrase at once, so a wrong one stops `serve` before it listens. */
export function openSqliteStore(itDir: string, passphrase: string): CollectorStore {
  const it = ItService.open(itDir, async () => passphrase);
  try {
    passphraseProtector(passphrase, "IT passphrase").unprotect(it.repo.identity()!.protectedKey);
  } catch (error) {
    void it.close();
    throw new AppError("ACCESS_DENIED", `The IT passphrase does not open IT's key in ${itDir}. Set FIELDPROOF_IT_PASSPHRASE to the passphrase given at \`fieldproof collector init\`.`, { cause: error });
  }
  return {
    importBundle: (bundle, sha256, options) => it.importBundle(bundle, sha256, options),
    writeSealed: (deviceId, sealed) => it.writeSealed(deviceId, sealed),
    stats: () => ({ devices: it.repo.devices().length, records: it.repo.recordCount() }),
    close: () => it.close(),
  };
}

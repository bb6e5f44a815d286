import { AppError } from "../../shared/domain/errors";
import type { ParsedBundle } from "../evidence/bundleReader";
import { passphraseProtector } from "../evidence/protector";
import { ItService, type BundleImport } from "../services/itService";
import { CollectorDoor, type DoorTable } from "./door";

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
  /** Who may upload (pending, approved, revoked devices). */
  readonly door: CollectorDoor;
  /** What IT holds for a device: its tree size and root (0 and null for a device it holds nothing of). */
  held(deviceId: string): Promise<{ treeSize: number; rootHash: string | null }>;
  /** The collector's HTTPS certificate and key from the IT folder (ItService.collectorTls). */
  tls(): Promise<{ certificatePem: string; keyPem: string; sha256: string }>;
  stats(): { devices: number; records: number } | Promise<{ devices: number; records: number }>;
  close(): Promise<void>;
}

/** The door over the IT folder's SQLite store. */
export function sqliteDoor(it: ItService): CollectorDoor {
  const repo = it.repo;
  const table: DoorTable = {
    row: (fingerprint) => repo.doorRow(fingerprint),
    touch: (peer, at) => repo.doorTouch(peer, at),
    decide: (fingerprint, status, at, by, name) => repo.doorDecide(fingerprint, status, at, by, name),
    enrolledByFingerprint: (fingerprint) => repo.deviceByFingerprint(fingerprint),
    enrolledById: (deviceId) => repo.device(deviceId),
    list: () => repo.doorList(),
    quarantine: (upload) => repo.quarantineUpload(upload),
    refused: (refusal) => repo.noteRefusal(refusal),
    refusalRows: () => repo.refusalRows(),
  };
  return new CollectorDoor(table);
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
    door: sqliteDoor(it),
    held: async (deviceId) => {
      const head = it.repo.head(deviceId);
      return { treeSize: head?.treeSize ?? 0, rootHash: head?.rootHash ?? null };
    },
    tls: () => it.collectorTls(),
    stats: () => ({ devices: it.repo.devices().length, records: it.repo.recordCount() }),
    close: () => it.close(),
  };
}

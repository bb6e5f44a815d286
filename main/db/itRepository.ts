import type { Database } from "better-sqlite3";
import { Projector } from "./projections";

export interface ItIdentityRow {
  readonly keyName: string;
  readonly publicKey: string;
  readonly protectedKey: string;
  readonly ageRecipient: string;
  readonly createdAt: string;
}

export interface EnrolledDevice {
  readonly deviceId: string;
  readonly name: string;
  readonly publicKey: string;
  readonly keyId: string;
  readonly fingerprint: string;
  readonly enrolledAt: string;
}

export interface DeviceHead {
  readonly treeSize: number;
  readonly rootHash: string;
  readonly headHash: string;
  readonly peaks: readonly string[];
}

export interface ImportedRecord {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly subject: string;
  readonly payload: Buffer;
  readonly envelope: string;
  readonly leafHash: Buffer;
}

/** IT's store. Imported records are append-only (triggers); everything else derives from them. */
export class ItRepository {
  readonly projector: Projector;

  constructor(readonly db: Database) {
    this.projector = new Projector(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  identity(): ItIdentityRow | undefined {
    const row = this.db
      .prepare<[], { key_name: string; public_key: string; protected_key: string; age_recipient: string; created_at: string }>("SELECT * FROM it_identity")
      .get();
    return row ? { keyName: row.key_name, publicKey: row.public_key, protectedKey: row.protected_key, ageRecipient: row.age_recipient, createdAt: row.created_at } : undefined;
  }

  insertIdentity(row: ItIdentityRow): void {
    this.db
      .prepare("INSERT INTO it_identity (singleton, key_name, public_key, protected_key, age_recipient, created_at) VALUES (1, ?, ?, ?, ?, ?)")
      .run(row.keyName, row.publicKey, row.protectedKey, row.ageRecipient, row.createdAt);
  }

  device(deviceId: string): EnrolledDevice | undefined {
    const row = this.db
      .prepare<[string], { device_id: string; name: string; public_key: string; key_id: string; fingerprint: string; enrolled_at: string }>("SELECT * FROM devices WHERE device_id = ?")
      .get(deviceId);
    return row ? { deviceId: row.device_id, name: row.name, publicKey: row.public_key, keyId: row.key_id, fingerprint: row.fingerprint, enrolledAt: row.enrolled_at } : undefined;
  }

  devices(): EnrolledDevice[] {
    return this.db
      .prepare<[], { device_id: string; name: string; public_key: string; key_id: string; fingerprint: string; enrolled_at: string }>("SELECT * FROM devices ORDER BY enrolled_at")
      .all()
      .map((row) => ({ deviceId: row.device_id, name: row.name, publicKey: row.public_key, keyId: row.key_id, fingerprint: row.fingerprint, enrolledAt: row.enrolled_at }));
  }

  enrol(device: EnrolledDevice): void {
    this.db
      .prepare("INSERT INTO devices (device_id, name, public_key, key_id, fingerprint, enrolled_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(device.deviceId, device.name, device.publicKey, device.keyId, device.fingerprint, device.enrolledAt);
  }

  head(deviceId: string): DeviceHead | undefined {
    const row = this.db
      .prepare<[string], { tree_size: number; root_hash: string; head_hash: string; peaks: string }>("SELECT * FROM device_heads WHERE device_id = ?")
      .get(deviceId);
    return row ? { treeSize: row.tree_size, rootHash: row.root_hash, headHash: row.head_hash, peaks: JSON.parse(row.peaks) as string[] } : undefined;
  }

  setHead(deviceId: string, head: DeviceHead, at: string): void {
    this.db
      .prepare(
        `INSERT INTO device_heads (device_id, tree_size, root_hash, head_hash, peaks, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(device_id) DO UPDATE SET tree_size = excluded.tree_size, root_hash = excluded.root_hash,
           head_hash = excluded.head_hash, peaks = excluded.peaks, updated_at = excluded.updated_at`,
      )
      .run(deviceId, head.treeSize, head.rootHash, head.headHash, JSON.stringify(head.peaks), at);
  }

  bundleBySha(sha256: string): { id: number; deviceId: string; treeSize: number; receipt: string } | undefined {
    const row = this.db
      .prepare<[string], { id: number; device_id: string; tree_size: number; receipt: string }>("SELECT id, device_id, tree_size, receipt FROM bundles WHERE sha256 = ?")
      .get(sha256);
    return row ? { id: row.id, deviceId: row.device_id, treeSize: row.tree_size, receipt: row.receipt } : undefined;
  }

  insertBundle(b: { sha256: string; deviceId: string; firstSeq: number; lastSeq: number; treeSize: number; rootHash: string; receipt: string; importedAt: string }): number {
    return Number(
      this.db
        .prepare("INSERT INTO bundles (sha256, device_id, first_seq, last_seq, tree_size, root_hash, receipt, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        .run(b.sha256, b.deviceId, b.firstSeq, b.lastSeq, b.treeSize, b.rootHash, b.receipt, b.importedAt).lastInsertRowid,
    );
  }

  insertRecords(deviceId: string, bundleId: number, records: readonly ImportedRecord[]): void {
    const stmt = this.db.prepare(
      "INSERT INTO it_records (device_id, seq, kind, recorded_at, subject, payload, envelope, leaf_hash, bundle_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const r of records) stmt.run(deviceId, r.seq, r.kind, r.recordedAt, r.subject, r.payload, r.envelope, r.leafHash, bundleId);
  }

  /** Payload bytes IT holds for seqs in [from, to], for fork detection. */
  payloads(deviceId: string, from: number, to: number): Map<number, Buffer> {
    const rows = this.db
      .prepare<[string, number, number], { seq: number; payload: Buffer }>("SELECT seq, payload FROM it_records WHERE device_id = ? AND seq BETWEEN ? AND ?")
      .all(deviceId, from, to);
    return new Map(rows.map((r) => [r.seq, r.payload]));
  }

  insertSealed(deviceId: string, bundleId: number, file: string, sha256: string, data: Buffer): void {
    this.db
      .prepare("INSERT INTO sealed_secrets (device_id, file, sha256, data, bundle_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT(device_id, file) DO NOTHING")
      .run(deviceId, file, sha256, data, bundleId);
  }

  recordCount(deviceId?: string): number {
    return deviceId
      ? (this.db.prepare<[string], { n: number }>("SELECT COUNT(*) AS n FROM it_records WHERE device_id = ?").get(deviceId)?.n ?? 0)
      : (this.db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM it_records").get()?.n ?? 0);
  }

  /** Co-signer keys known before a bundle: the device's technicians and every approver's (projections). */
  technicianKeys(deviceId: string): string[] {
    return this.db
      .prepare<[string], { public_key: string | null }>("SELECT public_key FROM p_technicians WHERE device_id = ? UNION SELECT public_key FROM p_people")
      .all(deviceId)
      .flatMap((r) => (r.public_key ? [r.public_key] : []));
  }

  dumpProjections(): Record<string, unknown[]> {
    const dump: Record<string, unknown[]> = {};
    for (const table of this.projector.tables()) dump[table] = this.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    return dump;
  }

  /** A fingerprint of the whole store's contents, to show an import changed nothing. */
  contentDigest(): string {
    const tables = this.db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
    const parts = tables.map((t) => JSON.stringify(this.db.prepare(`SELECT * FROM ${t.name} ORDER BY 1, 2`).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString("base64") : v)));
    return parts.join("\n");
  }
}

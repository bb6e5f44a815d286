import type { Database } from "better-sqlite3";
import type { CollectorDevice, DeviceAccess } from "../../shared/contract";
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

  // --- The collector's door (collector_devices, quarantined_uploads); its rules are main/collector/door.ts.

  doorRow(fingerprint: string): { fingerprint: string; deviceId: string | null; name: string; status: DeviceAccess } | undefined {
    const row = this.db
      .prepare<[string], { fingerprint: string; device_id: string | null; name: string; status: DeviceAccess }>("SELECT fingerprint, device_id, name, status FROM collector_devices WHERE fingerprint = ?")
      .get(fingerprint);
    return row ? { fingerprint: row.fingerprint, deviceId: row.device_id, name: row.name, status: row.status } : undefined;
  }

  doorTouch(peer: { fingerprint: string; name: string; deviceId: string | null }, at: string): void {
    this.db
      .prepare(
        `INSERT INTO collector_devices (fingerprint, device_id, name, status, first_seen_at, last_seen_at) VALUES (?, ?, ?, 'pending', ?, ?)
         ON CONFLICT(fingerprint) DO UPDATE SET last_seen_at = excluded.last_seen_at, name = excluded.name, device_id = coalesce(excluded.device_id, device_id)`,
      )
      .run(peer.fingerprint, peer.deviceId, peer.name, at, at);
  }

  doorDecide(fingerprint: string, status: DeviceAccess, at: string, by: string, name: string): void {
    this.db
      .prepare(
        `INSERT INTO collector_devices (fingerprint, name, status, first_seen_at, last_seen_at, decided_at, decided_by) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(fingerprint) DO UPDATE SET status = excluded.status, decided_at = excluded.decided_at, decided_by = excluded.decided_by`,
      )
      .run(fingerprint, name, status, at, at, at, by);
  }

  deviceByFingerprint(fingerprint: string): EnrolledDevice | undefined {
    const id = this.db.prepare<[string], { device_id: string }>("SELECT device_id FROM devices WHERE fingerprint = ?").get(fingerprint)?.device_id;
    return id ? this.device(id) : undefined;
  }

  doorList(): Array<Omit<CollectorDevice, "refusals" | "lastRefusal">> {
    const rows = this.db
      .prepare<
        [],
        {
          fingerprint: string;
          device_id: string | null;
          name: string;
          status: DeviceAccess | null;
          enrolled: number;
          first_seen_at: string | null;
          last_seen_at: string | null;
          decided_at: string | null;
          decided_by: string | null;
          records_held: number | null;
          last_import_at: string | null;
          quarantined: number;
          forks: number;
        }
      >(
        `WITH keys AS (SELECT fingerprint FROM collector_devices UNION SELECT fingerprint FROM devices)
         SELECT k.fingerprint, coalesce(d.device_id, c.device_id) AS device_id, coalesce(d.name, c.name) AS name, c.status,
                d.device_id IS NOT NULL AS enrolled, coalesce(c.first_seen_at, d.enrolled_at) AS first_seen_at, c.last_seen_at,
                c.decided_at, c.decided_by, h.tree_size AS records_held,
                (SELECT max(imported_at) FROM bundles b WHERE b.device_id = d.device_id) AS last_import_at,
                (SELECT count(*) FROM quarantined_uploads q WHERE q.fingerprint = k.fingerprint AND q.reason <> 'fork') AS quarantined,
                (SELECT count(*) FROM quarantined_uploads q WHERE q.fingerprint = k.fingerprint AND q.reason = 'fork') AS forks
         FROM keys k LEFT JOIN collector_devices c ON c.fingerprint = k.fingerprint LEFT JOIN devices d ON d.fingerprint = k.fingerprint
         LEFT JOIN device_heads h ON h.device_id = d.device_id
         ORDER BY first_seen_at, k.fingerprint`,
      )
      .all();
    return rows.map((r) => ({
      fingerprint: r.fingerprint,
      deviceId: r.device_id,
      name: r.name,
      status: r.status ?? "approved",
      enrolled: r.enrolled === 1,
      firstSeenAt: r.first_seen_at,
      lastSeenAt: r.last_seen_at,
      decidedAt: r.decided_at,
      decidedBy: r.decided_by,
      recordsHeld: r.records_held ?? 0,
      lastImportAt: r.last_import_at,
      quarantined: r.quarantined,
      forks: r.forks,
    }));
  }

  quarantineUpload(q: { fingerprint: string; deviceId: string | null; reason: string; sha256: string; data: Buffer; at: string }): void {
    this.db
      .prepare("INSERT INTO quarantined_uploads (fingerprint, device_id, reason, sha256, bytes, data, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(q.fingerprint, q.deviceId, q.reason, q.sha256, q.data.length, q.data, q.at);
  }

  noteRefusal(r: { fingerprint: string; reason: string; message: string; at: string }): void {
    this.db
      .prepare(
        `INSERT INTO upload_refusals (fingerprint, reason, count, first_at, last_at, last_message) VALUES (?, ?, 1, ?, ?, ?)
         ON CONFLICT(fingerprint, reason) DO UPDATE SET count = count + 1, last_at = excluded.last_at, last_message = excluded.last_message`,
      )
      .run(r.fingerprint, r.reason, r.at, r.at, r.message);
  }

  refusalRows(): Array<{ fingerprint: string; reason: string; count: number; lastAt: string; lastMessage: string }> {
    return this.db
      .prepare<[], { fingerprint: string; reason: string; count: number; lastAt: string; lastMessage: string }>(
        "SELECT fingerprint, reason, count, last_at AS lastAt, last_message AS lastMessage FROM upload_refusals ORDER BY fingerprint, reason",
      )
      .all();
  }

  dumpProjections(): Record<string, unknown[]> {
    const dump: Record<string, unknown[]> = {};
    for (const table of this.projector.tables()) dump[table] = this.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    return dump;
  }

  /** A fingerprint of the whole store's contents, to show an import changed nothing. */
  contentDigest(): string {
    // The door's bookkeeping (when a key last knocked, why uploads were refused) is not evidence.
    const tables = this.db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT IN ('collector_devices', 'upload_refusals') ORDER BY name").all();
    const parts = tables.map((t) => JSON.stringify(this.db.prepare(`SELECT * FROM ${t.name} ORDER BY 1, 2`).all(), (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString("base64") : v)));
    return parts.join("\n");
  }

  // --- Reading a device's chain out (`fieldproof collector export`). Read-only.

  /**
   * Everything IT holds for one device, read in one transaction (one snapshot, even while a collector
   * imports into the same file): its head, every record in seq order, each imported bundle's receipt,
   * its sealed secrets, and the payloads that introduce co-signer keys (its technicians, every approver).
   */
  heldChain(deviceId: string): HeldChain {
    return this.db
      .transaction((): HeldChain => {
        const head = this.head(deviceId);
        const records = this.db
          .prepare<[string], { seq: number; envelope: string; payload: Buffer; leaf_hash: Buffer }>("SELECT seq, envelope, payload, leaf_hash FROM it_records WHERE device_id = ? ORDER BY seq")
          .all(deviceId)
          .map((r) => ({ seq: r.seq, envelope: r.envelope, payload: r.payload, leafHash: r.leaf_hash }));
        const receipts = this.db
          .prepare<[string], { tree_size: number; receipt: string; imported_at: string }>("SELECT tree_size, receipt, imported_at FROM bundles WHERE device_id = ? ORDER BY tree_size, id")
          .all(deviceId)
          .map((r) => ({ treeSize: r.tree_size, receipt: r.receipt, importedAt: r.imported_at }));
        const sealed = this.db
          .prepare<[string], { file: string; sha256: string; data: Buffer }>("SELECT file, sha256, data FROM sealed_secrets WHERE device_id = ? ORDER BY file")
          .all(deviceId);
        const coSignerPayloads = this.db
          .prepare<[string], { payload: Buffer }>("SELECT payload FROM it_records WHERE (device_id = ? AND kind = 'technician.set') OR kind = 'person.upserted' ORDER BY device_id, seq")
          .all(deviceId)
          .map((r) => r.payload);
        return { head: head ? { treeSize: head.treeSize, rootHash: head.rootHash } : undefined, records, receipts, sealed, coSignerPayloads };
      })
      .deferred();
  }
}

/** What `heldChain` reads for one device (the collector's export checks it before writing a bundle). */
export interface HeldChain {
  readonly head: { readonly treeSize: number; readonly rootHash: string } | undefined;
  readonly records: readonly { readonly seq: number; readonly envelope: string; readonly payload: Buffer; readonly leafHash: Buffer }[];
  readonly receipts: readonly { readonly treeSize: number; readonly receipt: string; readonly importedAt: string }[];
  readonly sealed: readonly { readonly file: string; readonly sha256: string; readonly data: Buffer }[];
  readonly coSignerPayloads: readonly Buffer[];
}


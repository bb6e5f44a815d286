import type { Database } from "better-sqlite3";
import { Projector, type ProjectionContext } from "./projections";

export interface StoredRecord {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly subject: string;
  readonly payload: Buffer;
  readonly envelope: string;
  readonly payloadHash: string;
  readonly leafHash: Buffer;
}

export interface DeviceRow {
  readonly deviceId: string;
  readonly name: string;
  readonly publicKey: string;
  readonly keyId: string;
  readonly protectedKey: string;
  readonly protector: "safeStorage" | "passphrase";
  readonly createdAt: string;
}

export interface TechnicianKeyRow {
  readonly name: string;
  readonly publicKey: string;
  readonly keyId: string;
  readonly protectedKey: string;
}

export interface ExportRow {
  readonly path: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly treeSize: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly createdAt: string;
}

interface RecordRowSql {
  seq: number;
  kind: string;
  recorded_at: string;
  subject: string;
  payload: Buffer;
  envelope: string;
  payload_hash: string;
  leaf_hash: Buffer;
}

const toRecord = (r: RecordRowSql): StoredRecord => ({
  seq: r.seq,
  kind: r.kind,
  recordedAt: r.recorded_at,
  subject: r.subject,
  payload: r.payload,
  envelope: r.envelope,
  payloadHash: r.payload_hash,
  leafHash: r.leaf_hash,
});

/** The laptop's journal tables. Append-only: the schema's triggers refuse UPDATE and DELETE. */
export class JournalRepository {
  readonly projector: Projector;
  private readonly insertStmt;
  private readonly headStmt;

  constructor(private readonly db: Database) {
    this.projector = new Projector(db);
    this.insertStmt = db.prepare(
      "INSERT INTO records (seq, kind, recorded_at, subject, payload, envelope, payload_hash, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    this.headStmt = db.prepare<[], { seq: number; payload_hash: string }>("SELECT seq, payload_hash FROM records ORDER BY seq DESC LIMIT 1");
  }

  /** Runs `fn` in one IMMEDIATE transaction: the record and its projections commit together or not at all. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  head(): { size: number; lastPayloadHash: string | null } {
    const row = this.headStmt.get();
    return row ? { size: row.seq + 1, lastPayloadHash: row.payload_hash } : { size: 0, lastPayloadHash: null };
  }

  insert(record: StoredRecord): void {
    this.insertStmt.run(record.seq, record.kind, record.recordedAt, record.subject, record.payload, record.envelope, record.payloadHash, record.leafHash);
  }

  project(ctx: ProjectionContext, kind: string, data: unknown): void {
    this.projector.apply(ctx, kind, data);
  }

  get(seq: number): StoredRecord | undefined {
    const row = this.db.prepare<[number], RecordRowSql>("SELECT * FROM records WHERE seq = ?").get(seq);
    return row ? toRecord(row) : undefined;
  }

  /** Records in [fromSeq, toSeq], read a page at a time so no cursor stays open while the caller awaits. */
  *range(fromSeq: number, toSeq: number, pageSize = 2000): Generator<StoredRecord> {
    const stmt = this.db.prepare<[number, number, number], RecordRowSql>("SELECT * FROM records WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?");
    for (let from = fromSeq; from <= toSeq; from += pageSize) {
      for (const row of stmt.all(from, toSeq, pageSize)) yield toRecord(row);
    }
  }

  /** Total bytes of the envelopes in a range plus one newline each (the size of records.jsonl). */
  envelopeBytes(fromSeq: number, toSeq: number): number {
    return (
      this.db.prepare<[number, number], { n: number | null }>("SELECT SUM(length(CAST(envelope AS BLOB)) + 1) AS n FROM records WHERE seq >= ? AND seq <= ?").get(fromSeq, toSeq)
        ?.n ?? 0
    );
  }

  /**
   * The last seq of a chunk that starts at `fromSeq` and whose records' envelopes fit in `maxBytes`
   * (at least `fromSeq` itself, however large that record is); null when the journal ends before it.
   */
  chunkEnd(fromSeq: number, maxBytes: number): number | null {
    let last: number | null = null;
    let bytes = 0;
    for (const row of this.db
      .prepare<[number], { seq: number; n: number }>("SELECT seq, length(CAST(envelope AS BLOB)) + 1 AS n FROM records WHERE seq >= ? ORDER BY seq")
      .iterate(fromSeq)) {
      bytes += row.n;
      if (last !== null && bytes > maxBytes) break;
      last = row.seq;
    }
    return last;
  }

  leafHashes(size: number): Buffer[] {
    return this.db
      .prepare<[number], { leaf_hash: Buffer }>("SELECT leaf_hash FROM records WHERE seq < ? ORDER BY seq")
      .all(size)
      .map((r) => r.leaf_hash);
  }

  list(options: { offset: number; limit: number; kind?: string | undefined }): { total: number; records: StoredRecord[] } {
    const where = options.kind ? "WHERE kind = ?" : "";
    const params = options.kind ? [options.kind] : [];
    const total = this.db.prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM records ${where}`).get(...params)?.n ?? 0;
    const rows = this.db
      .prepare<unknown[], RecordRowSql>(`SELECT * FROM records ${where} ORDER BY seq DESC LIMIT ? OFFSET ?`)
      .all(...params, options.limit, options.offset);
    return { total, records: rows.map(toRecord) };
  }

  /**
   * Every record in seq order, for rebuilding the projections. Read in pages, not with iterate():
   * the caller writes to the same connection while it walks the log.
   */
  *allPayloads(pageSize = 2000): Generator<{ seq: number; kind: string; recordedAt: string; payload: Buffer }> {
    const stmt = this.db.prepare<[number, number], { seq: number; kind: string; recorded_at: string; payload: Buffer }>(
      "SELECT seq, kind, recorded_at, payload FROM records WHERE seq >= ? ORDER BY seq LIMIT ?",
    );
    for (let from = 0; ; ) {
      const rows = stmt.all(from, pageSize);
      for (const row of rows) yield { seq: row.seq, kind: row.kind, recordedAt: row.recorded_at, payload: row.payload };
      if (rows.length < pageSize) return;
      from = rows[rows.length - 1]!.seq + 1;
    }
  }

  device(): DeviceRow | undefined {
    const row = this.db
      .prepare<[], { device_id: string; name: string; public_key: string; key_id: string; protected_key: string; protector: "safeStorage" | "passphrase"; created_at: string }>(
        "SELECT * FROM device WHERE singleton = 1",
      )
      .get();
    return row
      ? { deviceId: row.device_id, name: row.name, publicKey: row.public_key, keyId: row.key_id, protectedKey: row.protected_key, protector: row.protector, createdAt: row.created_at }
      : undefined;
  }

  insertDevice(d: DeviceRow): void {
    this.db
      .prepare("INSERT INTO device (singleton, device_id, name, public_key, key_id, protected_key, protector, created_at) VALUES (1, ?, ?, ?, ?, ?, ?, ?)")
      .run(d.deviceId, d.name, d.publicKey, d.keyId, d.protectedKey, d.protector, d.createdAt);
  }

  renameDevice(name: string): void {
    this.db.prepare("UPDATE device SET name = ? WHERE singleton = 1").run(name);
  }

  technicianKey(): TechnicianKeyRow | undefined {
    const row = this.db
      .prepare<[], { name: string; public_key: string; key_id: string; protected_key: string }>("SELECT * FROM technician_key WHERE singleton = 1")
      .get();
    return row ? { name: row.name, publicKey: row.public_key, keyId: row.key_id, protectedKey: row.protected_key } : undefined;
  }

  setTechnicianKey(row: TechnicianKeyRow | null): void {
    this.db.prepare("DELETE FROM technician_key").run();
    if (row) {
      this.db
        .prepare("INSERT INTO technician_key (singleton, name, public_key, key_id, protected_key) VALUES (1, ?, ?, ?, ?)")
        .run(row.name, row.publicKey, row.keyId, row.protectedKey);
    }
  }

  /** Records from `seq` on that IT does not hold yet, not counting the records of IT's own receipts. */
  countSinceExcludingReceipts(seq: number): number {
    return this.db.prepare<[number], { n: number }>("SELECT COUNT(*) AS n FROM records WHERE seq >= ? AND kind <> 'receipt.imported'").get(seq)?.n ?? 0;
  }

  technicianName(deviceId: string): string | undefined {
    return this.db.prepare<[string], { name: string }>("SELECT name FROM p_technicians WHERE device_id = ?").get(deviceId)?.name;
  }

  insertExport(e: ExportRow): void {
    this.db
      .prepare("INSERT INTO exports (path, first_seq, last_seq, tree_size, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
      .run(e.path, e.firstSeq, e.lastSeq, e.treeSize, e.bytes, e.sha256, e.createdAt);
  }

  lastExport(): ExportRow | undefined {
    const row = this.db
      .prepare<[], { path: string; first_seq: number; last_seq: number; tree_size: number; bytes: number; sha256: string; created_at: string }>(
        "SELECT * FROM exports ORDER BY id DESC LIMIT 1",
      )
      .get();
    return row
      ? { path: row.path, firstSeq: row.first_seq, lastSeq: row.last_seq, treeSize: row.tree_size, bytes: row.bytes, sha256: row.sha256, createdAt: row.created_at }
      : undefined;
  }

  /** Checkpoints IT has cosigned, newest first (projection of receipt.imported). */
  latestReceipt(deviceId: string): { treeSize: number; rootHash: string; itKeyName: string; cosignedAt: string; importedAt: string } | undefined {
    const row = this.db
      .prepare<[string], { tree_size: number; root_hash: string; it_key_name: string; cosigned_at: string; imported_at: string }>(
        "SELECT * FROM p_receipts WHERE device_id = ? ORDER BY tree_size DESC LIMIT 1",
      )
      .get(deviceId);
    return row ? { treeSize: row.tree_size, rootHash: row.root_hash, itKeyName: row.it_key_name, cosignedAt: row.cosigned_at, importedAt: row.imported_at } : undefined;
  }

  itTrust(deviceId: string): { keyName: string; publicKey: string; fingerprint: string; ageRecipient: string; trustedAt: string; collector: { sha256: string; certificate: string } | null } | undefined {
    const row = this.db
      .prepare<
        [string],
        { key_name: string; public_key: string; fingerprint: string; age_recipient: string; trusted_at: string; collector_sha256: string | null; collector_certificate: string | null }
      >("SELECT * FROM p_it_trust WHERE device_id = ? ORDER BY seq DESC LIMIT 1")
      .get(deviceId);
    if (!row) return undefined;
    const collector = row.collector_sha256 && row.collector_certificate ? { sha256: row.collector_sha256, certificate: row.collector_certificate } : null;
    return { keyName: row.key_name, publicKey: row.public_key, fingerprint: row.fingerprint, ageRecipient: row.age_recipient, trustedAt: row.trusted_at, collector };
  }

  /** Snapshot of every projection table, for comparing a rebuild with the live tables. */
  dumpProjections(): Record<string, unknown[]> {
    const dump: Record<string, unknown[]> = {};
    for (const table of this.projector.tables()) dump[table] = this.db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2`).all();
    return dump;
  }
}

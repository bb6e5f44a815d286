import type { KeyObject } from "node:crypto";
import pg from "pg";
import { AppError } from "../../shared/domain/errors";
import { ZERO_HASH } from "../../shared/evidence";
import { PG_LATEST_VERSION, PG_MIGRATIONS } from "../db/migrations/pg";
import type { ParsedBundle } from "../evidence/bundleReader";
import { sha256Hex } from "../evidence/crypto";
import { EMPTY_ROOT } from "../evidence/merkle";
import { passphraseProtector } from "../evidence/protector";
import { addIntroducedKeys, ItService, planImport, type BundleImport, type ImportView } from "../services/itService";
import type { DeviceAccess } from "../../shared/contract";
import { CollectorDoor, type DoorTable } from "./door";
import type { CollectorStore } from "./store";

/** The URL with its password replaced, for logs and messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(a database URL that does not parse)";
  }
}

/** Removes the password (and the URL) from a driver message, in case one ever echoes it. */
export function scrubDatabaseUrl(message: string, url: string): string {
  let out = message.split(url).join(redactDatabaseUrl(url));
  try {
    const pw = decodeURIComponent(new URL(url).password);
    if (pw) out = out.split(pw).join("***");
  } catch {
    // not a URL: nothing more to hide
  }
  return out;
}

type Queryable = Pick<pg.PoolClient, "query">;

/**
 * Brings the database to the schema this Fieldproof knows (PG_MIGRATIONS), under an advisory lock so
 * that two collectors starting at once do not both migrate. Refuses a database a newer Fieldproof wrote.
 */
export async function migratePostgres(client: pg.PoolClient, redacted: string): Promise<number> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('fieldproof-collector-migrations'))");
    await client.query("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_version");
    const current = rows[0]?.v ?? 0;
    if (current > PG_LATEST_VERSION) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The collector database ${redacted} has schema version ${current}, newer than this Fieldproof knows (${PG_LATEST_VERSION}). Run the newer Fieldproof; the database was left untouched.`,
      );
    }
    for (const m of PG_MIGRATIONS) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query("INSERT INTO schema_version (version, name) VALUES ($1, $2)", [m.version, m.name]);
    }
    await client.query("COMMIT");
    return PG_LATEST_VERSION;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** What the checks read, through the transaction's connection (so: under the device's row lock). */
function pgView(client: Queryable, lockedHead: { tree_size: string; root_hash: string; head_hash: string; peaks: string[] }): ImportView {
  return {
    async device(id) {
      const { rows } = await client.query<{ device_id: string; name: string; public_key: string; key_id: string; fingerprint: string; enrolled_at: Date }>("SELECT * FROM devices WHERE device_id = $1", [id]);
      const r = rows[0];
      return r ? { deviceId: r.device_id, name: r.name, publicKey: r.public_key, keyId: r.key_id, fingerprint: r.fingerprint, enrolledAt: r.enrolled_at.toISOString() } : undefined;
    },
    head: () => ({ treeSize: Number(lockedHead.tree_size), rootHash: lockedHead.root_hash, headHash: lockedHead.head_hash, peaks: lockedHead.peaks }),
    async payloads(id, from, to) {
      const { rows } = await client.query<{ seq: string; payload: Buffer }>("SELECT seq, payload FROM records WHERE device_id = $1 AND seq BETWEEN $2 AND $3", [id, from, to]);
      return new Map(rows.map((r) => [Number(r.seq), r.payload]));
    },
    async leaves(id, size) {
      const { rows } = await client.query<{ leaf_hash: Buffer }>("SELECT leaf_hash FROM records WHERE device_id = $1 AND seq < $2 ORDER BY seq", [id, size]);
      return rows.map((r) => r.leaf_hash);
    },
    async coSignerKeys(id) {
      // The device's technicians (every key it introduced) and every approver's, from the records themselves.
      const { rows } = await client.query<{ payload: Buffer }>(
        "SELECT payload FROM records WHERE (device_id = $1 AND kind = 'technician.set') OR kind = 'person.upserted' ORDER BY device_id, seq",
        [id],
      );
      return addIntroducedKeys(new Map<string, KeyObject>(), rows.map((r) => r.payload));
    },
    async revoked(fingerprint) {
      const { rows } = await client.query("SELECT 1 FROM collector_devices WHERE fingerprint = $1 AND status = 'revoked'", [fingerprint]);
      return rows.length > 0;
    },
  };
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The door's table in PostgreSQL (the rules are CollectorDoor's, as for SQLite). */
function pgDoor(pool: pg.Pool): CollectorDoor {
  const table: DoorTable = {
    async row(fingerprint) {
      const { rows } = await pool.query<{ fingerprint: string; device_id: string | null; name: string; status: DeviceAccess }>(
        "SELECT fingerprint, device_id, name, status FROM collector_devices WHERE fingerprint = $1",
        [fingerprint],
      );
      const r = rows[0];
      return r ? { fingerprint: r.fingerprint, deviceId: r.device_id, name: r.name, status: r.status } : undefined;
    },
    async touch(peer, at) {
      await pool.query(
        `INSERT INTO collector_devices (fingerprint, device_id, name, status, first_seen_at, last_seen_at) VALUES ($1, $2, $3, 'pending', $4, $4)
         ON CONFLICT (fingerprint) DO UPDATE SET last_seen_at = excluded.last_seen_at, name = excluded.name, device_id = coalesce(excluded.device_id, collector_devices.device_id)`,
        [peer.fingerprint, peer.deviceId, peer.name, at],
      );
    },
    async decide(fingerprint, status, at, by, name) {
      await pool.query(
        `INSERT INTO collector_devices (fingerprint, name, status, first_seen_at, last_seen_at, decided_at, decided_by) VALUES ($1, $2, $3, $4, $4, $4, $5)
         ON CONFLICT (fingerprint) DO UPDATE SET status = excluded.status, decided_at = excluded.decided_at, decided_by = excluded.decided_by`,
        [fingerprint, name, status, at, by],
      );
    },
    async enrolledByFingerprint(fingerprint) {
      const { rows } = await pool.query<{ device_id: string; name: string }>("SELECT device_id, name FROM devices WHERE fingerprint = $1", [fingerprint]);
      return rows[0] ? { deviceId: rows[0].device_id, name: rows[0].name } : undefined;
    },
    async enrolledById(deviceId) {
      const { rows } = await pool.query<{ fingerprint: string; name: string }>("SELECT fingerprint, name FROM devices WHERE device_id = $1", [deviceId]);
      return rows[0];
    },
    async list() {
      const { rows } = await pool.query<{
        fingerprint: string;
        device_id: string | null;
        name: string;
        status: DeviceAccess | null;
        enrolled: boolean;
        first_seen_at: Date | null;
        last_seen_at: Date | null;
        decided_at: Date | null;
        decided_by: string | null;
        records_held: string | null;
        last_import_at: Date | null;
        quarantined: string;
        forks: string;
      }>(
        `WITH keys AS (SELECT fingerprint FROM collector_devices UNION SELECT fingerprint FROM devices)
         SELECT k.fingerprint, coalesce(d.device_id, c.device_id) AS device_id, coalesce(d.name, c.name) AS name, c.status,
                d.device_id IS NOT NULL AS enrolled, coalesce(c.first_seen_at, d.enrolled_at) AS first_seen_at, c.last_seen_at,
                c.decided_at, c.decided_by, h.tree_size AS records_held,
                (SELECT max(imported_at) FROM bundles b WHERE b.device_id = d.device_id) AS last_import_at,
                (SELECT count(*) FROM quarantined_uploads q WHERE q.fingerprint = k.fingerprint AND q.reason <> 'fork') AS quarantined,
                (SELECT count(*) FROM quarantined_uploads q WHERE q.fingerprint = k.fingerprint AND q.reason = 'fork') AS forks
         FROM keys k LEFT JOIN collector_devices c ON c.fingerprint = k.fingerprint LEFT JOIN devices d ON d.fingerprint = k.fingerprint
         LEFT JOIN heads h ON h.device_id = d.device_id
         ORDER BY first_seen_at, k.fingerprint`,
      );
      return rows.map((r) => ({
        fingerprint: r.fingerprint,
        deviceId: r.device_id,
        name: r.name,
        status: r.status ?? "approved",
        enrolled: r.enrolled,
        firstSeenAt: iso(r.first_seen_at),
        lastSeenAt: iso(r.last_seen_at),
        decidedAt: iso(r.decided_at),
        decidedBy: r.decided_by,
        recordsHeld: Number(r.records_held ?? 0),
        lastImportAt: iso(r.last_import_at),
        quarantined: Number(r.quarantined),
        forks: Number(r.forks),
      }));
    },
    async refused(r) {
      await pool.query(
        `INSERT INTO upload_refusals (fingerprint, reason, count, first_at, last_at, last_message) VALUES ($1, $2, 1, $3, $3, $4)
         ON CONFLICT (fingerprint, reason) DO UPDATE SET count = upload_refusals.count + 1, last_at = excluded.last_at, last_message = excluded.last_message`,
        [r.fingerprint, r.reason, r.at, r.message],
      );
    },
    async refusalRows() {
      const { rows } = await pool.query<{ fingerprint: string; reason: string; count: string; last_at: Date; last_message: string }>(
        "SELECT fingerprint, reason, count, last_at, last_message FROM upload_refusals ORDER BY fingerprint, reason",
      );
      return rows.map((r) => ({ fingerprint: r.fingerprint, reason: r.reason, count: Number(r.count), lastAt: r.last_at.toISOString(), lastMessage: r.last_message }));
    },
    async quarantine(q) {
      await pool.query("INSERT INTO quarantined_uploads (fingerprint, device_id, reason, sha256, bytes, data, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
        q.fingerprint,
        q.deviceId,
        q.reason,
        q.sha256,
        q.data.length,
        q.data,
        q.at,
      ]);
    },
  };
  return new CollectorDoor(table);
}

/**
 * A connection from the pool for a transaction. A connection that breaks while it is checked out (the
 * server restarted or was stopped under it) emits 'error' on the client, which would end the process
 * with no listener; the query in flight rejects with the cause anyway, and the pool drops the broken
 * connection on release. Release with `done()`.
 */
export async function checkout(pool: pg.Pool): Promise<{ readonly client: pg.PoolClient; readonly done: () => void }> {
  const client = await pool.connect();
  const ignore = (): void => undefined;
  client.on("error", ignore);
  return {
    client,
    done: () => {
      client.off("error", ignore);
      client.release();
    },
  };
}

/** A pool on the collector database, migrated to this Fieldproof's schema; a clear error if it cannot connect. */
async function connectPostgres(databaseUrl: string, poolSize: number): Promise<pg.Pool> {
  const redacted = redactDatabaseUrl(databaseUrl);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle connection that breaks (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => undefined);
  try {
    const { client, done } = await checkout(pool).catch((error: unknown) => {
      throw new AppError(
        "UNREACHABLE",
        `Cannot connect to the collector database ${redacted}: ${scrubDatabaseUrl(error instanceof Error ? error.message : String(error), databaseUrl)}. ` +
          "Check the address, that PostgreSQL runs and accepts this user (give the password in PGPASSWORD or ~/.pgpass rather than in the URL), and that the database exists (createdb).",
        { cause: error },
      );
    });
    try {
      await migratePostgres(client, redacted);
    } finally {
      done();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return pool;
}

/** The door alone (for `collector devices`): needs the database, not IT's passphrase. */
export async function openPostgresDoor(databaseUrl: string): Promise<{ door: CollectorDoor; database: string; close(): Promise<void> }> {
  const pool = await connectPostgres(databaseUrl, 1);
  return { door: pgDoor(pool), database: redactDatabaseUrl(databaseUrl), close: () => pool.end() };
}

export interface PostgresStoreOptions {
  /** Connections per collector process (default 4). */
  readonly poolSize?: number;
}

/**
 * IT's evidence in PostgreSQL: several collector processes can share one database. IT's cosigning key
 * and age identity stay in the IT folder (checked here, as the SQLite store does); sealed secrets are
 * kept as rows and also written as files under the IT folder, as with the embedded store.
 */
export async function openPostgresStore(itDir: string, passphrase: string, databaseUrl: string, options: PostgresStoreOptions = {}): Promise<CollectorStore & { readonly database: string }> {
  const redacted = redactDatabaseUrl(databaseUrl);
  const it = ItService.open(itDir, async () => passphrase);
  try {
    passphraseProtector(passphrase, "IT passphrase").unprotect(it.repo.identity()!.protectedKey);
  } catch (error) {
    void it.close();
    throw new AppError("ACCESS_DENIED", `The IT passphrase does not open IT's key in ${itDir}. Set FIELDPROOF_IT_PASSPHRASE to the passphrase given at \`fieldproof collector init\`.`, { cause: error });
  }
  let pool: pg.Pool;
  try {
    pool = await connectPostgres(databaseUrl, options.poolSize ?? 4);
  } catch (error) {
    await it.close();
    throw error;
  }

  async function importBundle(bundle: ParsedBundle, sha256: string, opts: { enrolFingerprint?: string | undefined }): Promise<BundleImport> {
    const deviceId = bundle.manifest.device.id;
    const { client, done: release } = await checkout(pool);
    let done = false;
    try {
      await client.query("BEGIN");
      // The device's head row is the lock every import of this device takes first; a new device gets
      // an empty one (kept only if the transaction commits, which enrols the device with it).
      await client.query(
        "INSERT INTO heads (device_id, tree_size, root_hash, head_hash, peaks, updated_at) VALUES ($1, 0, $2, $3, '[]', now()) ON CONFLICT (device_id) DO NOTHING",
        [deviceId, EMPTY_ROOT.toString("base64"), ZERO_HASH],
      );
      const locked = await client.query<{ tree_size: string; root_hash: string; head_hash: string; peaks: string[] }>(
        "SELECT tree_size, root_hash, head_hash, peaks FROM heads WHERE device_id = $1 FOR UPDATE",
        [deviceId],
      );
      const plan = await planImport(bundle, sha256, pgView(client, locked.rows[0]!), { ...opts, at: new Date().toISOString() });
      const receipt = await it.receiptFor(bundle.checkpoint);
      if (plan.kind === "held") {
        await client.query("ROLLBACK");
        done = true;
        return { receipt, outcome: plan.outcome };
      }
      const a = plan.apply;
      if (a.enrol) {
        await client.query("INSERT INTO devices (device_id, name, public_key, key_id, fingerprint, enrolled_at) VALUES ($1, $2, $3, $4, $5, $6)", [
          a.enrol.deviceId,
          a.enrol.name,
          a.enrol.publicKey,
          a.enrol.keyId,
          a.enrol.fingerprint,
          a.enrol.enrolledAt,
        ]);
      }
      const b = a.bundle;
      const inserted = await client.query<{ id: string }>(
        "INSERT INTO bundles (sha256, device_id, first_seq, last_seq, tree_size, root_hash, receipt, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        [b.sha256, b.deviceId, b.firstSeq, b.lastSeq, b.treeSize, b.rootHash, receipt, b.importedAt],
      );
      const bundleId = inserted.rows[0]!.id;
      const fresh = a.fresh;
      await client.query(
        `INSERT INTO records (device_id, seq, kind, recorded_at, subject, payload, envelope, leaf_hash, bundle_id)
         SELECT $1, r.seq, r.kind, r.recorded_at, r.subject, r.payload, r.envelope, r.leaf_hash, $2
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::bytea[], $8::text[], $9::bytea[]) AS r(seq, kind, recorded_at, subject, payload, envelope, leaf_hash)`,
        [a.deviceId, bundleId, fresh.map((r) => r.seq), fresh.map((r) => r.kind), fresh.map((r) => r.recordedAt), fresh.map((r) => r.subject), fresh.map((r) => r.payload), fresh.map((r) => r.envelope), fresh.map((r) => r.leafHash)],
      );
      for (const [file, data] of a.sealed) {
        await client.query("INSERT INTO sealed_secrets (device_id, file, sha256, data, bundle_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id, file) DO NOTHING", [a.deviceId, file, sha256Hex(data), data, bundleId]);
      }
      await client.query("UPDATE heads SET tree_size = $2, root_hash = $3, head_hash = $4, peaks = $5::jsonb, updated_at = $6 WHERE device_id = $1", [
        a.deviceId,
        a.head.treeSize,
        a.head.rootHash,
        a.head.headHash,
        JSON.stringify(a.head.peaks),
        a.at,
      ]);
      await client.query("COMMIT");
      done = true;
      return { receipt, outcome: plan.outcome };
    } finally {
      if (!done) await client.query("ROLLBACK").catch(() => undefined);
      release();
    }
  }

  return {
    database: redacted,
    importBundle,
    writeSealed: (deviceId, sealed) => it.writeSealed(deviceId, sealed),
    door: pgDoor(pool),
    tls: () => it.collectorTls(),
    async held(deviceId) {
      const { rows } = await pool.query<{ tree_size: string; root_hash: string }>("SELECT tree_size, root_hash FROM heads WHERE device_id = $1", [deviceId]);
      return rows[0] ? { treeSize: Number(rows[0].tree_size), rootHash: rows[0].tree_size === "0" ? null : rows[0].root_hash } : { treeSize: 0, rootHash: null };
    },
    async stats() {
      const { rows } = await pool.query<{ devices: string; records: string }>("SELECT (SELECT count(*) FROM devices) AS devices, (SELECT count(*) FROM records) AS records");
      return { devices: Number(rows[0]!.devices), records: Number(rows[0]!.records) };
    },
    async close() {
      await pool.end();
      await it.close();
    },
  };
}

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { AppError } from "../../shared/domain/errors";
import { PG_LATEST_VERSION } from "../db/migrations/pg";
import { publicKeyFromRaw } from "../evidence/crypto";
import { parseTrustFile } from "../evidence/itKeys";
import { IT_TRUST_FILE } from "../services/itService";
import type { ChainSource, HeldChain, HeldDevice } from "./exportDevice";
import { checkout, redactDatabaseUrl, scrubDatabaseUrl as scrub } from "./pgStore";

export interface PostgresChainSource extends ChainSource {
  close(): Promise<void>;
}

/**
 * Reads IT's evidence from a collector's PostgreSQL database, for `collector export`. Read-only: it
 * never migrates (a database no collector has set up, or one a newer Fieldproof migrated, is refused)
 * and reads each device's chain in one REPEATABLE READ, READ ONLY transaction, so collectors importing
 * at the same time cannot show it half a bundle. IT's public key comes from `itDir`/it-public.json
 * when an IT folder is given.
 */
export async function openPostgresChainSource(databaseUrl: string, options: { itDir?: string | undefined } = {}): Promise<PostgresChainSource> {
  const redacted = redactDatabaseUrl(databaseUrl);
  const label = `the collector database ${redacted}`;
  const trust = options.itDir ? readTrust(options.itDir) : undefined;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, connectionTimeoutMillis: 10_000 });
  pool.on("error", () => undefined);
  try {
    let version: number | null;
    try {
      const { rows } = await pool.query<{ present: string | null }>("SELECT to_regclass('schema_version')::text AS present");
      version = rows[0]?.present ? ((await pool.query<{ v: number | null }>("SELECT max(version) AS v FROM schema_version")).rows[0]?.v ?? null) : null;
    } catch (error) {
      throw new AppError(
        "UNREACHABLE",
        `Cannot read ${label}: ${scrub(error instanceof Error ? error.message : String(error), databaseUrl)}. ` +
          "Check the address, that PostgreSQL runs and accepts this user (give the password in PGPASSWORD or ~/.pgpass rather than in the URL), and that the database exists.",
        { cause: error },
      );
    }
    if (version === null) throw new AppError("PRECONDITION_FAILED", `${label} holds no collector store (no schema_version table): no collector has served on it. Check --database.`);
    if (version > PG_LATEST_VERSION) {
      throw new AppError("PRECONDITION_FAILED", `${label} has schema version ${version}, newer than this Fieldproof knows (${PG_LATEST_VERSION}). Export with the newer Fieldproof; the database was left untouched.`);
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }

  return {
    label,
    async devices(): Promise<HeldDevice[]> {
      const { rows } = await pool.query<{ device_id: string; name: string; public_key: string; key_id: string; fingerprint: string; enrolled_at: Date }>(
        "SELECT device_id, name, public_key, key_id, fingerprint, enrolled_at FROM devices ORDER BY enrolled_at, device_id",
      );
      return rows.map((r) => ({ deviceId: r.device_id, name: r.name, publicKey: r.public_key, keyId: r.key_id, fingerprint: r.fingerprint, enrolledAt: r.enrolled_at.toISOString() }));
    },
    async chain(deviceId): Promise<HeldChain> {
      const { client, done } = await checkout(pool);
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const head = await client.query<{ tree_size: string; root_hash: string }>("SELECT tree_size, root_hash FROM heads WHERE device_id = $1", [deviceId]);
        const records = await client.query<{ seq: string; envelope: string; payload: Buffer; leaf_hash: Buffer }>(
          "SELECT seq, envelope, payload, leaf_hash FROM records WHERE device_id = $1 ORDER BY seq",
          [deviceId],
        );
        const receipts = await client.query<{ tree_size: string; receipt: string; imported_at: Date }>(
          "SELECT tree_size, receipt, imported_at FROM bundles WHERE device_id = $1 ORDER BY tree_size, id",
          [deviceId],
        );
        const sealed = await client.query<{ file: string; sha256: string; data: Buffer }>("SELECT file, sha256, data FROM sealed_secrets WHERE device_id = $1 ORDER BY file", [deviceId]);
        const introducing = await client.query<{ payload: Buffer }>(
          "SELECT payload FROM records WHERE (device_id = $1 AND kind = 'technician.set') OR kind = 'person.upserted' ORDER BY device_id, seq",
          [deviceId],
        );
        await client.query("COMMIT");
        const h = head.rows[0];
        return {
          head: h ? { treeSize: Number(h.tree_size), rootHash: h.root_hash } : undefined,
          records: records.rows.map((r) => ({ seq: Number(r.seq), envelope: r.envelope, payload: r.payload, leafHash: r.leaf_hash })),
          receipts: receipts.rows.map((r) => ({ treeSize: Number(r.tree_size), receipt: r.receipt, importedAt: r.imported_at.toISOString() })),
          sealed: sealed.rows,
          coSignerPayloads: introducing.rows.map((r) => r.payload),
        };
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        if (error instanceof AppError) throw error;
        throw new AppError("UNREACHABLE", `Reading device ${deviceId} from ${label} failed: ${scrub(error instanceof Error ? error.message : String(error), databaseUrl)}. Nothing was written.`, { cause: error });
      } finally {
        done();
      }
    },
    itKey: () => trust,
    async close() {
      await pool.end();
    },
  };
}

/** IT's public cosigning key from the IT folder's it-public.json (what laptops trust). */
function readTrust(itDir: string): { name: string; key: ReturnType<typeof publicKeyFromRaw>; from: string } {
  const path = join(itDir, IT_TRUST_FILE);
  if (!existsSync(path)) {
    throw new AppError("PRECONDITION_FAILED", `There is no ${IT_TRUST_FILE} in ${itDir}, so IT's cosignatures cannot be checked. Give --it-dir the IT folder the collector serves with, or leave it out.`);
  }
  const trust = parseTrustFile(readFileSync(path, "utf8"));
  return { name: trust.keyName, key: publicKeyFromRaw(Buffer.from(trust.publicKey, "base64")), from: path };
}

import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/** A fresh, empty PostgreSQL database for one test file; `stop` drops it (and the throwaway cluster). */
export interface TestDatabase {
  readonly url: string;
  /** The throwaway cluster trusts every local connection (a password in the URL is ignored). */
  readonly trust: boolean;
  stop(): Promise<void>;
}

const INSTALL = "PostgreSQL is needed for the collector's PostgreSQL tests and was not found (no initdb in PATH or /usr/lib/postgresql/*/bin). Install it: sudo apt-get install postgresql (Debian/Ubuntu), or point FIELDPROOF_TEST_PG_URL at a server (postgres://user@127.0.0.1:5432/postgres) where that user may create databases.";

/** initdb's folder: PATH first, then Debian's /usr/lib/postgresql/<version>/bin, newest first. */
export function findPgBin(): string | undefined {
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  if (which.status === 0 && which.stdout.trim()) return join(which.stdout.trim(), "..");
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function createDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `fieldproof_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    trust: false,
    async stop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * FIELDPROOF_TEST_PG_URL set: a database of its own on that server. Otherwise a throwaway cluster
 * (initdb -A trust, fsync off, 127.0.0.1 on a free port) in a temp folder, run as the `postgres`
 * user when this process is root (initdb refuses root). No PostgreSQL: fails saying how to install it.
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const given = process.env.FIELDPROOF_TEST_PG_URL;
  if (given) return createDatabase(given);
  const bin = findPgBin();
  if (!bin) throw new Error(INSTALL);
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "fieldproof-pg-"));
  const data = join(dir, "data");
  const run = (tool: string, args: string[]): void => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(cmd, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  };
  try {
    if (asRoot) {
      execFileSync("chown", ["postgres:postgres", dir]);
      chmodSync(dir, 0o700);
    }
    run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
    const port = await freePort();
    run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, "start"]);
    const server = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const db = await createDatabase(server);
    return {
      url: db.url,
      trust: true,
      async stop() {
        try {
          await db.stop();
        } finally {
          try {
            run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      },
    };
  } catch (error) {
    try {
      run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    } catch {
      // not started
    }
    rmSync(dir, { recursive: true, force: true });
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`Could not start a throwaway PostgreSQL cluster with ${bin}: ${detail || (error as Error).message}`, { cause: error });
  }
}

/** Reads (or writes) the database through a connection of its own, as another process would. */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

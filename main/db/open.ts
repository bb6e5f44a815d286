import Sqlite from "better-sqlite3";
import type { Database } from "better-sqlite3";
import { chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { StoreOpenError } from "./errors";
import type { Migration } from "./migrations";

export type { Database };

export interface OpenOptions {
  /** Numbered migrations for this kind of store. */
  readonly migrations: readonly Migration[];
  /** What the file is, for messages ("Fieldproof store", "IT evidence store"). */
  readonly label: string;
}

/**
 * Opens (or creates) a SQLite store and brings it to the latest schema.
 * An existing file is first inspected read-only: a file from a newer Fieldproof, a corrupt file or
 * an unreadable one is refused before anything is written to it (not even the WAL switch).
 */
export function openDatabase(path: string, options: OpenOptions): Database {
  const latest = options.migrations.reduce((max, m) => Math.max(max, m.version), 0);
  const fresh = !existsSync(path);
  if (!fresh) inspectExisting(path, latest, options.label);
  else mkdirSync(dirname(path), { recursive: true });

  const db = new Sqlite(path);
  // Only the user may read the store (its WAL and SHM files take the same mode).
  if (fresh && process.platform !== "win32") chmodSync(path, 0o600);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, options.migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function inspectExisting(path: string, latest: number, label: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new StoreOpenError("unreadable", `${label} at ${path} cannot be read (${describe(error)}). Check the file's permissions; nothing was changed.`);
  }
  if (!stat.isFile()) {
    throw new StoreOpenError("unreadable", `${label} at ${path} is not a file. Move it aside or choose another data folder; nothing was changed.`);
  }
  let probe: Database | undefined;
  try {
    probe = new Sqlite(path, { readonly: true, fileMustExist: true });
    const version = probe.pragma("user_version", { simple: true }) as number;
    if (version > latest) {
      throw new StoreOpenError(
        "from-future",
        `${label} at ${path} was written by a newer version of Fieldproof (schema ${version}; this version knows up to ${latest}). ` +
          "Update Fieldproof to open it. The file was left untouched.",
      );
    }
    const check = probe.pragma("quick_check", { simple: true });
    if (check !== "ok") {
      throw new StoreOpenError("corrupt", `${label} at ${path} failed its integrity check (${String(check)}). Keep the file for recovery and restore from a backup; it was left untouched.`);
    }
  } catch (error) {
    if (error instanceof StoreOpenError) throw error;
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
      throw new StoreOpenError("corrupt", `${label} at ${path} is not a readable SQLite database (${describe(error)}). Keep the file for recovery and restore from a backup; it was left untouched.`);
    }
    throw new StoreOpenError("unreadable", `${label} at ${path} cannot be opened (${describe(error)}). Check the file and its folder; nothing was changed.`);
  } finally {
    probe?.close();
  }
}

function migrate(db: Database, migrations: readonly Migration[]): void {
  const current = db.pragma("user_version", { simple: true }) as number;
  const pending = [...migrations].filter((m) => m.version > current).sort((a, b) => a.version - b.version);
  for (const migration of pending) {
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

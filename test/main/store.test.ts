import Sqlite from "better-sqlite3";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LATEST_VERSION, MIGRATIONS, openDatabase, StoreOpenError } from "../../main/db";
import { tempDir } from "../support/tempDir";

const OPTIONS = { migrations: MIGRATIONS, label: "The Fieldproof store" };
const sha = (path: string): string => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("SQLite store", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it("creates the store with WAL and every migration recorded in user_version", () => {
    const path = join(dir.path, "nested", "store.sqlite");
    const db = openDatabase(path, OPTIONS);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
    const tables = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all();
    expect(tables.length).toBeGreaterThan(0);
    for (const table of tables) expect(table.sql).toMatch(/STRICT\s*$/);
    db.close();
  });

  it("is idempotent: reopening runs no migration twice", () => {
    const path = join(dir.path, "store.sqlite");
    openDatabase(path, OPTIONS).close();
    const db = openDatabase(path, OPTIONS);
    expect(db.pragma("user_version", { simple: true })).toBe(LATEST_VERSION);
    db.close();
  });

  it("refuses a database from a newer version and leaves it untouched", () => {
    const path = join(dir.path, "future.sqlite");
    const future = new Sqlite(path);
    future.exec("CREATE TABLE x (a INTEGER) STRICT; INSERT INTO x VALUES (1);");
    future.pragma(`user_version = ${LATEST_VERSION + 5}`);
    future.close();
    const before = sha(path);

    let error: unknown;
    try {
      openDatabase(path, OPTIONS);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreOpenError);
    expect((error as StoreOpenError).reason).toBe("from-future");
    expect((error as Error).message).toMatch(/newer version of Fieldproof/);
    expect((error as Error).message).toMatch(/Update Fieldproof/);
    expect(sha(path)).toBe(before);
    const check = new Sqlite(path, { readonly: true });
    expect(check.pragma("journal_mode", { simple: true })).toBe("delete");
    check.close();
  });

  it("reports a file that is not a database and does not overwrite it", () => {
    const path = join(dir.path, "garbage.sqlite");
    writeFileSync(path, "this is a spreadsheet someone renamed\n".repeat(200));
    const before = sha(path);
    expect(() => openDatabase(path, OPTIONS)).toThrow(/not a readable SQLite database/);
    expect(sha(path)).toBe(before);
  });

  it("reports a damaged database and leaves it for recovery", () => {
    const path = join(dir.path, "damaged.sqlite");
    const db = new Sqlite(path);
    db.exec("CREATE TABLE t (a TEXT) STRICT;");
    const insert = db.prepare("INSERT INTO t VALUES (?)");
    for (let i = 0; i < 2000; i++) insert.run(`row ${i} ${"x".repeat(50)}`);
    db.close();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 4096 + 100, 4096 * 3); // scribble over pages 2 and 3
    writeFileSync(path, bytes);
    const before = sha(path);
    expect(() => openDatabase(path, OPTIONS)).toThrow(StoreOpenError);
    expect(sha(path)).toBe(before);
  });

  it("reports a store path that is a folder", () => {
    const path = join(dir.path, "is-a-folder.sqlite");
    mkdirSync(path);
    expect(() => openDatabase(path, OPTIONS)).toThrow(/is not a file/);
  });

  describe("migrations", () => {
    it("are numbered 1..n without gaps", () => {
      expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    });

    it("each migration changes the schema (new tables are STRICT), applied in order", () => {
      const db = new Sqlite(":memory:");
      const tables = (): string[] => db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all().map((t) => t.name);
      const schema = (): string => db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name").all().map((t) => t.sql).join("\n");
      let before = tables();
      for (const migration of MIGRATIONS) {
        const schemaBefore = schema();
        migration.up(db);
        const after = tables();
        const added = after.filter((t) => !before.includes(t));
        expect(schema(), `migration ${migration.version} (${migration.name}) changes the schema`).not.toBe(schemaBefore);
        for (const name of added) expect(db.prepare<[string], { sql: string }>("SELECT sql FROM sqlite_schema WHERE name = ?").get(name)!.sql).toMatch(/STRICT\s*$/);
        before = after;
      }
      expect(before).toEqual(expect.arrayContaining(["records", "device", "vault", "sealed_secrets", "p_controllers", "p_rotations", "rotation_batches"]));
      db.close();
    });

    it("001 creates the settings table", () => {
      const db = new Sqlite(":memory:");
      MIGRATIONS[0]!.up(db);
      db.prepare("INSERT INTO settings (key, value) VALUES ('theme', 'dark')").run();
      expect(db.prepare("SELECT value FROM settings WHERE key = 'theme'").pluck().get()).toBe("dark");
      expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('n', NULL)").run()).toThrow(/NOT NULL/);
      expect(() => db.prepare("INSERT INTO settings (key, value) VALUES ('theme', 'light')").run()).toThrow(/UNIQUE/);
      db.close();
    });
  });
});

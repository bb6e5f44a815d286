import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runBin, runCli } from "../support/cli";
import { tempDir } from "../support/tempDir";

describe("fieldproof CLI", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => dir.cleanup());

  it("lists its commands in --help (the built binary, as a user runs it)", () => {
    const run = runBin(["--help"]);
    expect(run.stderr).not.toMatch(/not built yet/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: fieldproof/);
    expect(run.stdout).toMatch(/--data-dir <dir>/);
    expect(run.stdout).toMatch(/^\s+info\b/m);
  });

  it("prints its version", async () => {
    const run = await runCli(["--version"]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("does not create a store just to print help", async () => {
    const run = await runCli(["--data-dir", dir.path, "--help"]);
    expect(run.code).toBe(0);
    expect(existsSync(join(dir.path, "fieldproof.sqlite"))).toBe(false);
  });

  it("prints info as JSON on stdout for the chosen data folder", async () => {
    const run = await runCli(["--data-dir", dir.path, "info", "--json"]);
    expect(run.code).toBe(0);
    const info = JSON.parse(run.stdout) as { storePath: string; runtime: string };
    expect(info.storePath).toBe(join(dir.path, "fieldproof.sqlite"));
    expect(info.runtime).toBe("cli");
  });

  it("honours FIELDPROOF_DATA_DIR", () => {
    const run = runBin(["info", "--json"], { FIELDPROOF_DATA_DIR: dir.path });
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { dataDir: string }).dataDir).toBe(dir.path);
  });

  it("explains an unknown command and exits 2", async () => {
    const run = await runCli(["rotate-everything"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command 'rotate-everything'/);
  });

  it("refuses a store from the future with a clear message and exit code 1", async () => {
    const { default: Sqlite } = await import("better-sqlite3");
    const db = new Sqlite(join(dir.path, "fieldproof.sqlite"));
    db.pragma("user_version = 999");
    db.close();
    const run = await runCli(["--data-dir", dir.path, "info"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/newer version of Fieldproof/);
  });
});

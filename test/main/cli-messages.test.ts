import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sameName } from "../../shared/domain/names";
import { BIN, runCli } from "../support/cli";
import { tempDir } from "../support/tempDir";

const PASSPHRASE = "cli messages passphrase";

describe("fieldproof messages a new user meets", () => {
  let work: ReturnType<typeof tempDir>;
  let dataDir: string;
  let saved: string | undefined;
  const cli = (...args: string[]) => runCli(["--data-dir", dataDir, ...args]);

  beforeAll(() => {
    work = tempDir("fieldproof-cli-messages-");
    dataDir = join(work.path, "laptop");
    saved = process.env.FIELDPROOF_PASSPHRASE;
    process.env.FIELDPROOF_PASSPHRASE = PASSPHRASE;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.FIELDPROOF_PASSPHRASE;
    else process.env.FIELDPROOF_PASSPHRASE = saved;
    work.cleanup();
  });

  it("imports a semicolon-separated people file (a comma inside a field is text), as docs/owners.md says", async () => {
    const teams = join(work.path, "teams.csv");
    writeFileSync(teams, "team_id,name,description\r\nmaint-b,Maintenance B shift,Night shift\r\n");
    expect(await cli("owners", "import", teams)).toMatchObject({ code: 0 });
    const people = join(work.path, "people-semicolons.csv");
    writeFileSync(people, "person_id;name;role;employer;company;team_id\r\nana.ruiz;Ana Ruiz;Maintenance technician;staff;;maint-b\r\nli.wei;Wei, Li;Controls technician;contractor;Delta Field Services;maint-b\r\n");
    expect(await cli("owners", "import", people)).toEqual({ code: 0, stdout: `Imported 2 people row(s) from ${people}: 2 record(s) written, 0 row(s) already as in the file.\n`, stderr: "" });
  });

  it('finds "Li Wei" as the person the docs\' CSV calls "Wei, Li" (holder left, as in docs/owners.md)', async () => {
    expect(await cli("holder", "left", "Li Wei", "--date", "2026-03-15")).toEqual({
      code: 0,
      stdout: "Wei, Li (li.wei) marked as left on 2026-03-15.\nThey held no accounts: nothing becomes due.\n",
      stderr: "",
    });
    const typo = await cli("holder", "left", "li.wie", "--date", "2026-03-15");
    expect(typo).toEqual({ code: 1, stdout: "", stderr: "fieldproof: Nobody called li.wie (name or id) is known. Did you mean li.wei? See fieldproof owners export --kind people.\n" });
    expect([sameName("Wei, Li", "li  wei"), sameName("Li Wei", "Wei,Li"), sameName("Li Wei", "Wei Li"), sameName("Wei, Li, Jr", "Li Wei")]).toEqual([true, true, false, false]);
  });

  it("ends quietly, exit 0, when the reader of its output goes away (fieldproof records | head)", async () => {
    const run = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "--data-dir", dataDir, "records", "--limit", "500"], { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
      // The reader closes before the command writes a line, as `head` does once it has enough.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(run).toEqual({ code: 0, stderr: "" });
  }, 60_000);
});

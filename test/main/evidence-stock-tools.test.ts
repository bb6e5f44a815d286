import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendRecords, openLaptop, type Laptop } from "../support/evidence";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";

const DOC = fileURLToPath(new URL("../../docs/evidence-format.md", import.meta.url));

/** The code block in docs/evidence-format.md whose info string is `<lang> <name>`: the test runs what the doc says. */
function recipe(lang: string, name: string): string {
  const match = new RegExp("```" + lang + " " + name + "\\n([\\s\\S]*?)```").exec(readFileSync(DOC, "utf8"));
  if (!match) throw new Error(`docs/evidence-format.md has no \`${lang} ${name}\` block`);
  return match[1]!;
}

describe("verifying a bundle with stock tools, as docs/evidence-format.md says", () => {
  let laptop: Laptop;
  let work: ReturnType<typeof tempDir>;
  let bundle: string;

  beforeAll(async () => {
    laptop = openLaptop();
    work = tempDir("fieldproof-stock-");
    appendRecords(laptop.services, 6);
    bundle = join(work.path, "exported.tar");
    await laptop.services.evidence.export(bundle, undefined);
  });
  afterAll(async () => {
    await laptop.close();
    laptop.dir.cleanup();
    work.cleanup();
  });

  function inFolder(name: string, source: string): string {
    const dir = join(work.path, name);
    mkdirSync(dir);
    copyFileSync(source, join(dir, "fieldproof.tar"));
    return dir;
  }

  async function tamperedCopy(): Promise<string> {
    const entries = await readEntries(bundle);
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    const env = JSON.parse(lines[0]!) as { payload: string };
    env.payload = Buffer.from(Buffer.from(env.payload, "base64").toString().replace("bay-laptop-07", "bay-laptop-08")).toString("base64");
    lines[0] = JSON.stringify(env);
    records.data = Buffer.from(`${lines.join("\n")}\n`);
    const out = join(work.path, "tampered.tar");
    await writeEntries(out, entries);
    return out;
  }

  it("openssl verifies the first record's device signature", () => {
    const dir = inFolder("openssl-good", bundle);
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", recipe("sh", "openssl-recipe")], { cwd: dir, encoding: "utf8" });
    expect(run.stderr).not.toMatch(/command not found/);
    expect(run.stdout).toMatch(/Signature Verified Successfully/);
    expect(run.status).toBe(0);
  });

  it("openssl rejects the record once a byte of its payload changed", async () => {
    const dir = inFolder("openssl-bad", await tamperedCopy());
    const run = spawnSync("bash", ["-euo", "pipefail", "-c", recipe("sh", "openssl-recipe")], { cwd: dir, encoding: "utf8" });
    expect(run.status).not.toBe(0);
    expect(`${run.stdout}${run.stderr}`).toMatch(/Signature Verification Failure/);
  });

  it("the Python recipe checks signatures, chain, root and checkpoint", async () => {
    const good = inFolder("python-good", bundle);
    spawnSync("tar", ["-xf", "fieldproof.tar"], { cwd: good });
    const ok = spawnSync("python3", ["-c", recipe("python", "python-recipe")], { cwd: good, encoding: "utf8" });
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/^OK 7 records, root /);
    expect(ok.status).toBe(0);

    const bad = inFolder("python-bad", await tamperedCopy());
    spawnSync("tar", ["-xf", "fieldproof.tar"], { cwd: bad });
    const no = spawnSync("python3", ["-c", recipe("python", "python-recipe")], { cwd: bad, encoding: "utf8" });
    expect(no.stdout).toMatch(/INVALID: bad signature at line 1/);
    expect(no.status).toBe(1);
  });

  it("the Python recipe also verifies a bundle that starts after a receipt (compact range)", async () => {
    appendRecords(laptop.services, 3, "later");
    const later = join(work.path, "later.tar");
    await laptop.services.evidence.export(later, 5);
    const dir = inFolder("python-later", later);
    spawnSync("tar", ["-xf", "fieldproof.tar"], { cwd: dir });
    const ok = spawnSync("python3", ["-c", recipe("python", "python-recipe")], { cwd: dir, encoding: "utf8" });
    expect(ok.stdout).toMatch(/^OK 5 records/);
  });
});

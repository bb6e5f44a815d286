import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin } from "../support/cli";
import { tempDir } from "../support/tempDir";

describe("fieldproof CLI: the evidence round trip between a laptop and IT", () => {
  let work: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  const laptopDir = (): string => join(work.path, "laptop");
  const itDir = (): string => join(work.path, "it");

  beforeAll(() => {
    work = tempDir("fieldproof-cli-evidence-");
    env = { FIELDPROOF_PASSPHRASE: "laptop passphrase 1", FIELDPROOF_IT_PASSPHRASE: "it passphrase 12345", FIELDPROOF_DATA_DIR: laptopDir(), FIELDPROOF_IT_DIR: itDir() };
  });
  afterAll(() => work.cleanup());

  it("runs it init, it trust, export, verify, import (with enrolment) and receipt import", () => {
    const init = runBin(["it", "init", "--json"], env);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    const trustFile = (JSON.parse(init.stdout) as { files: { trust: string; identity: string } }).files;
    expect(statSync(trustFile.identity).mode & 0o777).toBe(0o600);
    expect(runBin(["it", "init"], env).stderr).toMatch(/already exist/);

    const trust = runBin(["it", "trust", trustFile.trust], env);
    expect(trust.code).toBe(0);
    expect(trust.stdout).toMatch(/Trusting IT key fieldproof-it\/[0-9a-f]{8}/);

    const bundle = join(work.path, "usb", "bay.tar");
    expect(runBin(["export", "--out", bundle], env).stderr).toMatch(/folder .* does not exist/);
    const exported = runBin(["export", "--out", join(work.path, "bay.tar"), "--json"], env);
    expect(exported.code).toBe(0);
    const summary = JSON.parse(exported.stdout) as { records: number; path: string };
    expect(summary.records).toBe(2);

    const verify = runBin(["verify", summary.path], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/VALID/);
    expect(verify.stdout).toMatch(/ok {3}checkpoint/);

    const refused = runBin(["import", summary.path], env);
    expect(refused.code).toBe(1);
    const fingerprint = /fingerprint (SHA256:[0-9A-F ]+)\./.exec(refused.stderr)?.[1];
    expect(fingerprint).toBeDefined();
    const imported = runBin(["import", summary.path, "--enrol", fingerprint!], env);
    expect(imported.stdout).toMatch(/Imported 2 new record\(s\) from \S+ \(device key SHA256:[^)]+\) \(device enrolled\)/);
    const receipt = `${summary.path.replace(/\.tar$/, "")}.receipt`;
    expect(existsSync(receipt)).toBe(true);

    const accepted = runBin(["receipt", "import", receipt], env);
    expect(accepted.stdout).toMatch(/Receipt imported: IT holds records 0\.\.1/);
    const info = JSON.parse(runBin(["info", "--json"], env).stdout) as { itSync: { state: string } };
    expect(info.itSync.state).toBe("synced"); // only the receipt.imported record itself is new
  });

  it("exits 1 with INVALID when a bundle was altered", () => {
    const path = join(work.path, "bay.tar");
    const bytes = readFileSync(path);
    const at = bytes.indexOf(Buffer.from('"payload":"')) + 20;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    const altered = join(work.path, "altered.tar");
    writeFileSync(altered, bytes);
    const run = runBin(["verify", altered, "--json"], env);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { valid: boolean; checks: { name: string; ok: boolean }[] };
    expect(report.valid).toBe(false);
    expect(report.checks.find((c) => !c.ok)?.name).toMatch(/signatures|statements/);
  });

  it("refuses a receipt that IT did not cosign", () => {
    const receipt = join(work.path, "bay.receipt");
    const text = readFileSync(receipt, "utf8");
    const lines = text.trimEnd().split("\n");
    const last = lines[lines.length - 1]!;
    const sig = Buffer.from(last.split(" ")[2]!, "base64");
    sig[sig.length - 1]! ^= 1;
    lines[lines.length - 1] = `${last.split(" ").slice(0, 2).join(" ")} ${sig.toString("base64")}`;
    const forged = join(work.path, "forged.receipt");
    writeFileSync(forged, `${lines.join("\n")}\n`);
    const run = runBin(["receipt", "import", forged], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/not cosigned by the trusted IT key/);
  });

  it("never puts IT's folder in the laptop's data folder by default, and tells a bundle from a receipt", () => {
    const noItDir = runBin(["import", join(work.path, "bay.tar")], { ...env, FIELDPROOF_IT_DIR: "" });
    expect(noItDir.code).toBe(1);
    expect(noItDir.stderr).toMatch(/--it-dir DIR .*FIELDPROOF_IT_DIR/);
    const wrongFile = runBin(["receipt", "import", join(work.path, "bay.tar")], env);
    expect(wrongFile.stderr).toMatch(/is a bundle \(a tar file\), not a receipt/);
    const info = runBin(["info"], env);
    expect(info.stdout).toMatch(/Key: +SHA256:[0-9A-F]{4}( [0-9A-F]{4}){7}/);
    const short = runBin(["export", "--out", join(work.path, "y.tar")], { ...env, FIELDPROOF_PASSPHRASE: "short" });
    expect(short.stderr).toMatch(/passphrase is wrong/);
  });

  it("asks for the passphrase on a terminal only, and says how to provide it otherwise", () => {
    const run = runBin(["export", "--out", join(work.path, "x.tar")], { ...env, FIELDPROOF_PASSPHRASE: "" });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Set FIELDPROOF_PASSPHRASE/);
  });
});

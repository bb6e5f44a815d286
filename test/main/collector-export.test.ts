import Sqlite from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RotationRequest } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { registerCollectorExport } from "../../main/cli/collectorExport";
import { createCliContext } from "../../main/cli/context";
import type { CliIo } from "../../main/cli/io";
import { exportDeviceChain, sqliteChainSource, type ChainSource } from "../../main/collector/exportDevice";
import { openPostgresChainSource } from "../../main/collector/pgRead";
import { openPostgresStore } from "../../main/collector/pgStore";
import { readBundle } from "../../main/evidence/bundleReader";
import { publicKeyFromPem } from "../../main/evidence/crypto";
import { compactRange, foldRange, leafHash } from "../../main/evidence/merkle";
import { parseNote, verifyCosignature } from "../../main/evidence/note";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import { ItService } from "../../main/services/itService";
import { APPROVER_PIN, IT_PASS, openBay, type Bay } from "../support/bay";
import { runCli, type CliRun } from "../support/cli";
import { appendRecords, initIt, openLaptop, type Laptop } from "../support/evidence";
import { query, startTestDatabase, type TestDatabase } from "../support/postgres";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";

const DOC = fileURLToPath(new URL("../../docs/evidence-format.md", import.meta.url));

/** The code block in docs/evidence-format.md whose info string is `<lang> <name>`: the test runs what the doc says. */
function recipe(lang: string, name: string): string {
  const match = new RegExp("```" + lang + " " + name + "\\n([\\s\\S]*?)```").exec(readFileSync(DOC, "utf8"));
  if (!match) throw new Error(`docs/evidence-format.md has no \`${lang} ${name}\` block`);
  return match[1]!;
}

/** Unpacks a bundle into a folder of its own and runs the doc's Python and openssl recipes there. */
function stockTools(bundle: string, folder: string): { python: ReturnType<typeof spawnSync>; openssl: ReturnType<typeof spawnSync> } {
  mkdirSync(folder);
  copyFileSync(bundle, join(folder, "fieldproof.tar"));
  const openssl = spawnSync("bash", ["-euo", "pipefail", "-c", recipe("sh", "openssl-recipe")], { cwd: folder, encoding: "utf8" });
  const python = spawnSync("python3", ["-c", recipe("python", "python-recipe")], { cwd: join(folder, "bundle"), encoding: "utf8" });
  return { python, openssl };
}

/** `fieldproof collector export ...` through registerCollectorExport, run in this process as main() runs a command. */
async function runExport(args: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    out: (t) => (stdout += t.endsWith("\n") ? t : `${t}\n`),
    err: (t) => (stderr += t.endsWith("\n") ? t : `${t}\n`),
    progress: () => undefined,
  };
  const program = new Command("fieldproof").exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
  const ctx = createCliContext(program, io);
  registerCollectorExport(program.command("collector"), ctx);
  let code: number;
  try {
    await program.parseAsync(["collector", "export", ...args], { from: "user" });
    code = ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) code = 2;
    else if (error instanceof AppError) {
      io.err(`fieldproof: ${error.message}`);
      code = 1;
    } else throw error;
  } finally {
    await ctx.close();
  }
  return { code, stdout, stderr };
}


const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

interface Statement {
  predicate: { kind: string; recordedAt: string; log: { seq: number } };
  subject: { name: string }[];
}

let db: TestDatabase;
let bay: Bay;
let other: Laptop;
let work: ReturnType<typeof tempDir>;
let deviceId: string;
let fingerprint: string;
/** What the laptop signed in its last bundle IT imported: IT holds exactly this log. */
let signed: { treeSize: number; rootHash: string };
let laptopSealed: Map<string, Buffer>;
let itKey: { name: string; key: ReturnType<typeof publicKeyFromPem> };
/** Records the laptop signed after IT's last import (the test puts them in a store without a checkpoint). */
let unreceipted: Buffer[];

beforeAll(async () => {
  db = await startTestDatabase();
  bay = await openBay(3);
  work = tempDir("fieldproof-collector-export-");
  const services = bay.services;
  deviceId = services.identity.deviceId();
  fingerprint = services.identity.status().fingerprint!;

  // A real rotation: an approver's co-signature on the laptop's records and a sealed secret for IT.
  const controller = bay.plant.build.controllers.find((c) => c.security.part18 && !c.security.allowAnonymous)!.id;
  const request: RotationRequest = {
    identityId: "user/operator",
    controllerIds: [controller],
    currentPassword: bay.initialPassword(controller, "operator"),
    reason: "schedule",
    workOrder: "WO-4711",
    operationalState: "maintenance-window",
    passwordScope: "per-controller",
    concurrency: 1,
    approval: { personId: "bo", pin: APPROVER_PIN, emergency: false },
  };
  const [rotation] = await bay.rotate(request);
  expect(rotation!.state).toBe("committed");
  laptopSealed = new Map(services.repos.rotations.sealedForExport().map((s) => [s.name, s.data]));
  expect(laptopSealed.size).toBe(1);

  // IT imports every bundle into both stores: the IT folder's SQLite store and PostgreSQL.
  const it = ItService.open(bay.itDir, async () => IT_PASS);
  const pgStore = await openPostgresStore(bay.itDir, IT_PASS, db.url);
  const importBoth = async (path: string, enrol: string): Promise<string> => {
    const receiptOut = `${path}.receipt`;
    const viaSqlite = await it.import(path, { enrolFingerprint: enrol, receiptOut });
    expect(viaSqlite.status).toBe("imported");
    const bundle = await readBundle(path);
    const viaPg = await pgStore.importBundle(bundle, sha256(readFileSync(path)), { enrolFingerprint: enrol });
    expect(viaPg.outcome).toMatchObject({ status: "imported", treeSize: viaSqlite.treeSize });
    pgStore.writeSealed(viaPg.outcome.deviceId, bundle.sealed);
    return receiptOut;
  };
  try {
    const first = join(work.path, "first.tar");
    await services.evidence.export(first, undefined);
    await services.evidence.importReceipt(await importBoth(first, fingerprint));
    appendRecords(services, 4, "bay-07-later");
    const second = join(work.path, "second.tar");
    const summary = await services.evidence.export(second, undefined);
    expect(summary.firstSeq).toBeGreaterThan(0);
    signed = { treeSize: summary.treeSize, rootHash: summary.rootHash };
    await services.evidence.importReceipt(await importBoth(second, fingerprint));

    // A second device, so that the export picks one among several.
    other = openLaptop();
    appendRecords(other.services, 2, "other-laptop");
    const third = join(work.path, "other.tar");
    await other.services.evidence.export(third, undefined);
    await importBoth(third, other.services.identity.status().fingerprint!);
  } finally {
    await pgStore.close();
    await it.close();
  }

  // Records signed after IT's last import (the receipt.imported record and two renames).
  appendRecords(services, 2, "bay-07-unsent");
  const unsent = join(work.path, "unsent.tar");
  await services.evidence.export(unsent, undefined);
  unreceipted = (await readBundle(unsent)).lines.map((l) => Buffer.from(l));
  const identity = new Sqlite(join(bay.itDir, "it.sqlite"), { readonly: true });
  try {
    const row = identity.prepare<[], { key_name: string; public_key: string }>("SELECT key_name, public_key FROM it_identity").get()!;
    itKey = { name: row.key_name, key: publicKeyFromPem(row.public_key) };
  } finally {
    identity.close();
  }
}, 240_000);

afterAll(async () => {
  await other?.close();
  other?.dir.cleanup();
  await bay?.close();
  work?.cleanup();
  await db?.stop();
});

/** One engine's store: how to read it, and how someone with the store in hand gets past its append-only guard. */
interface Engine {
  readonly name: string;
  open(): Promise<{ source: ChainSource; close(): Promise<void> }>;
  /** CLI options that select this store. */
  args(): string[];
  /** Runs statements with the records' append-only triggers off (and back on after). */
  tamper(statements: readonly { sql: string; params?: unknown[] }[]): Promise<void>;
  /** The id of the last bundle IT imported for the device. */
  lastBundleId(): Promise<number>;
}

const engines: Engine[] = [
  {
    name: "SQLite (the IT folder)",
    async open() {
      const it = ItService.open(bay.itDir, () => Promise.reject(new Error("the export must not ask for the IT passphrase")));
      return { source: sqliteChainSource(it), close: () => it.close() };
    },
    args: () => ["--it-dir", bay.itDir],
    async tamper(statements) {
      const file = new Sqlite(join(bay.itDir, "it.sqlite"));
      try {
        const triggers = file.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'it_records'").all();
        file.transaction(() => {
          for (const t of triggers) file.exec(`DROP TRIGGER ${t.name}`);
          for (const s of statements) file.prepare(s.sql.replace(/\$\d+/g, "?").replace(/\brecords\b/g, "it_records").replace(/\bheads\b/g, "device_heads")).run(...((s.params ?? [])));
          for (const t of triggers) file.exec(t.sql);
        })();
      } finally {
        file.close();
      }
    },
    async lastBundleId() {
      const file = new Sqlite(join(bay.itDir, "it.sqlite"), { readonly: true });
      try {
        return file.prepare<[string], { id: number }>("SELECT max(id) AS id FROM bundles WHERE device_id = ?").get(deviceId)!.id;
      } finally {
        file.close();
      }
    },
  },
  {
    name: "PostgreSQL",
    async open() {
      const source = await openPostgresChainSource(db.url, { itDir: bay.itDir });
      return { source, close: () => source.close() };
    },
    args: () => ["--it-dir", bay.itDir, "--database", db.url],
    async tamper(statements) {
      const c = new pg.Client({ connectionString: db.url });
      await c.connect();
      try {
        await c.query("BEGIN");
        await c.query("ALTER TABLE records DISABLE TRIGGER records_append_only");
        for (const s of statements) await c.query(s.sql, s.params ?? []);
        await c.query("ALTER TABLE records ENABLE TRIGGER records_append_only");
        await c.query("COMMIT");
      } catch (error) {
        await c.query("ROLLBACK");
        throw error;
      } finally {
        await c.end();
      }
    },
    async lastBundleId() {
      const [row] = await query<{ id: string }>(db.url, "SELECT max(id) AS id FROM bundles WHERE device_id = $1", [deviceId]);
      return Number(row!.id);
    },
  },
];

describe.each(engines)("fieldproof collector export from the collector's store: $name", (engine) => {
  let dir: string;
  let exported: string;

  beforeAll(() => {
    dir = join(work.path, engine.name.replace(/\W+/g, "-"));
    mkdirSync(dir);
  });

  async function exportTo(name: string, device = fingerprint): Promise<ReturnType<typeof exportDeviceChain>> {
    const store = await engine.open();
    try {
      return await exportDeviceChain({ source: store.source, device, out: join(dir, name) });
    } finally {
      await store.close();
    }
  }

  it("writes every record IT holds, the device key, the device's checkpoint with IT's cosignature, and the sealed secret", async () => {
    exported = join(dir, "bay-07.tar");
    const result = await exportTo("bay-07.tar");
    expect(result).toMatchObject({ path: exported, records: signed.treeSize, firstSeq: 0, lastSeq: signed.treeSize - 1, treeSize: signed.treeSize, heldRecords: signed.treeSize, uncovered: null, sealed: 1 });
    expect(result.rootHash).toBe(signed.rootHash);
    expect(result.device).toEqual({ id: deviceId, name: "bay-07-later-3", fingerprint });
    expect(result.checkpoint.cosignature).toMatchObject({ verified: true, keyName: itKey.name });
    expect(readdirSync(dir)).toEqual(["bay-07.tar"]);

    const bundle = await readBundle(exported);
    expect(bundle.manifest).toMatchObject({ format: "fieldproof-bundle/v1", origin: `fieldproof/device/${deviceId}`, range: { first: 0, last: signed.treeSize - 1 }, treeSize: signed.treeSize, rootHash: signed.rootHash });
    expect(bundle.lines).toHaveLength(signed.treeSize);
    expect(bundle.devicePem).toBe(bay.services.repos.journal.device()!.publicKey);
    // The checkpoint is the receipt: the device's signature and IT's cosignature on the same note.
    const note = parseNote(bundle.checkpoint);
    expect(note.signatures.map((s) => s.name)).toEqual([`fieldproof/device/${deviceId}`, itKey.name]);
    expect(verifyCosignature(note, itKey.name, itKey.key)).toBeDefined();
    // The sealed secret as the laptop sealed it, byte for byte (never opened on the way).
    expect([...bundle.sealed.keys()]).toEqual([...laptopSealed.keys()]);
    for (const [name, data] of laptopSealed) expect(bundle.sealed.get(name)!.equals(data)).toBe(true);
    // The records are the laptop's own, line for line.
    const journal = [...bay.services.repos.journal.range(0, signed.treeSize - 1)].map((r) => r.envelope);
    expect(bundle.lines).toEqual(journal);
  });

  it("verifies with the repo's verifier: verifyBundle and `fieldproof verify`", async () => {
    const result = await verifyBundle(await readBundle(exported));
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ["manifest", true],
      ["device key", true],
      ["signatures", true],
      ["statements", true],
      ["chain", true],
      ["co-signatures", true],
      ["merkle", true],
      ["checkpoint", true],
      ["sealed secrets", true],
    ]);
    expect(result.rootHash.toString("base64")).toBe(signed.rootHash);
    const verify = await runCli(["verify", exported, "--json"]);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ valid: true, range: { first: 0, last: signed.treeSize - 1 }, treeSize: signed.treeSize, rootHash: signed.rootHash });
  });

  it("verifies with docs/evidence-format.md's openssl and Python recipes", () => {
    const { python, openssl } = stockTools(exported, join(dir, "stock-good"));
    expect(openssl.stdout).toMatch(/Signature Verified Successfully/);
    expect(openssl.status).toBe(0);
    expect(python.stderr).toBe("");
    expect(python.stdout).toBe(`OK ${signed.treeSize} records, root ${signed.rootHash}\n`);
    expect(python.status).toBe(0);
  });

  it("is a bundle another IT store imports as it would the laptop's", async () => {
    const fresh = await initIt();
    const it = fresh.open();
    try {
      const result = await it.import(exported, { enrolFingerprint: fingerprint, receiptOut: join(dir, "fresh.receipt") });
      expect(result).toMatchObject({ status: "imported", deviceId, newRecords: signed.treeSize, treeSize: signed.treeSize, enrolled: true });
      expect(result.sealedFiles).toHaveLength(1);
      expect(it.repo.head(deviceId)!.rootHash).toBe(signed.rootHash);
    } finally {
      await it.close();
      fresh.dir.cleanup();
    }
  });

  it("a tampered export does not verify, with either verifier", async () => {
    const entries = await readEntries(exported);
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    const env = JSON.parse(lines[0]!) as { payload: string };
    const forged = Buffer.from(env.payload, "base64").toString().replace(/"recordedAt":"\d/, '"recordedAt":"1');
    expect(forged).not.toBe(Buffer.from(env.payload, "base64").toString());
    env.payload = Buffer.from(forged).toString("base64");
    lines[0] = JSON.stringify(env);
    records.data = Buffer.from(`${lines.join("\n")}\n`);
    const tampered = join(dir, "tampered-export.tar");
    await writeEntries(tampered, entries);
    const verify = await runCli(["verify", tampered]);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/FAIL signatures: .*altered after signing/);
    expect(verify.stdout).toMatch(/INVALID$/m);
    const { python, openssl } = stockTools(tampered, join(dir, "stock-bad"));
    expect(openssl.status).not.toBe(0);
    expect(python.stdout).toMatch(/^INVALID: bad signature at line 1/);
    expect(python.status).toBe(1);
  });

  it("the command takes the device id or its fingerprint, prints what it wrote, and never asks for a passphrase", async () => {
    const byFingerprint = await runExport(["--device", fingerprint.toLowerCase().replace("sha256:", "SHA256:"), "--out", join(dir, "cli.tar"), ...engine.args()]);
    expect(byFingerprint.stderr).toBe("");
    expect(byFingerprint.code).toBe(0);
    expect(byFingerprint.stdout).toContain(`Wrote ${signed.treeSize} record(s), seq 0..${signed.treeSize - 1}, of device "bay-07-later-3" (${deviceId}, key ${fingerprint}), 1 sealed secret(s), to ${join(dir, "cli.tar")}`);
    expect(byFingerprint.stdout).toMatch(new RegExp(`Root ${signed.rootHash.replace(/[+/]/g, "\\$&")} over ${signed.treeSize} records; checkpoint signed by the device, cosigned by IT key ${itKey.name} at \\S+ \\(verified\\)\\.`));
    expect(byFingerprint.stdout).toContain(`Check it anywhere: fieldproof verify ${join(dir, "cli.tar")}`);

    const byId = await runExport(["--device", deviceId, "--out", join(dir, "cli-by-id.tar"), "--json", ...engine.args()]);
    expect(byId.code).toBe(0);
    expect(JSON.parse(byId.stdout)).toMatchObject({ records: signed.treeSize, rootHash: signed.rootHash, heldRecords: signed.treeSize, uncovered: null, sealed: 1 });
    // Same records, same checkpoint: only the manifest's createdAt differs between the two files.
    const [a, b] = await Promise.all([readBundle(join(dir, "cli.tar")), readBundle(join(dir, "cli-by-id.tar"))]);
    expect(b.lines).toEqual(a.lines);
    expect(b.checkpoint).toBe(a.checkpoint);
  });

  it("names the devices IT holds when the one asked for is not there, and overwrites nothing", async () => {
    const unknown = await runExport(["--device", "SHA256:0000 0000 0000 0000 0000 0000 0000 0000", "--out", join(dir, "nobody.tar"), ...engine.args()]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^fieldproof: No device "SHA256:0000 0000 0000 0000 0000 0000 0000 0000" in .*It holds 2 device\(s\): /);
    expect(unknown.stderr).toContain(`(id ${deviceId}, key ${fingerprint})`);
    expect(unknown.stderr).toContain(`(id ${other.services.identity.deviceId()}, key ${other.services.identity.status().fingerprint!})`);
    expect(existsSync(join(dir, "nobody.tar"))).toBe(false);

    const before = readFileSync(exported);
    const again = await runExport(["--device", deviceId, "--out", exported, ...engine.args()]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists\. Choose another file name; nothing was written\./);
    expect(readFileSync(exported).equals(before)).toBe(true);

    const missing = await runExport(["--device", deviceId, ...engine.args()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/required option '--out <file>' not specified/);
  });

  it("exports only up to the last checkpoint the device signed, and says so, when IT holds records past it", async () => {
    const held = signed.treeSize + unreceipted.length;
    const leaves: Buffer[] = [];
    const store = await engine.open();
    try {
      const chain = await store.source.chain(deviceId);
      leaves.push(...chain.records.map((r) => r.leafHash));
    } finally {
      await store.close();
    }
    const bundleId = await engine.lastBundleId();
    const extra = unreceipted.map((line) => {
      const payload = Buffer.from((JSON.parse(line.toString()) as { payload: string }).payload, "base64");
      const s = JSON.parse(payload.toString()) as Statement;
      leaves.push(leafHash(payload));
      return { sql: "INSERT INTO records (device_id, seq, kind, recorded_at, subject, payload, envelope, leaf_hash, bundle_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", params: [deviceId, s.predicate.log.seq, s.predicate.kind, s.predicate.recordedAt, s.subject[0]!.name, payload, line.toString(), leafHash(payload), bundleId] };
    });
    expect(leaves).toHaveLength(held);
    const moveHead = (size: number, root: string) => ({ sql: "UPDATE heads SET tree_size = $1, root_hash = $2 WHERE device_id = $3", params: [size, root, deviceId] });
    await engine.tamper([...extra, moveHead(held, foldRange(compactRange(leaves)).toString("base64"))]);
    try {
      const run = await runExport(["--device", deviceId, "--out", join(dir, "partial.tar"), ...engine.args()]);
      expect(run.code).toBe(0);
      expect(run.stderr).toContain(`IT holds seq ${signed.treeSize}..${held - 1} of this device too, but the device signed no checkpoint that covers them (the last one covers ${signed.treeSize} records), so they were not exported`);
      expect(run.stdout).toContain(`Wrote ${signed.treeSize} record(s), seq 0..${signed.treeSize - 1}`);
      expect(run.stdout).toContain(`Not exported: seq ${signed.treeSize}..${held - 1} (IT holds ${held} records`);
      const result = await verifyBundle(await readBundle(join(dir, "partial.tar")));
      expect(result.ok).toBe(true);
      expect(result.rootHash.toString("base64")).toBe(signed.rootHash);
    } finally {
      await engine.tamper([{ sql: "DELETE FROM records WHERE device_id = $1 AND seq >= $2", params: [deviceId, signed.treeSize] }, moveHead(signed.treeSize, signed.rootHash)]);
    }
    expect((await exportTo("after-partial.tar")).heldRecords).toBe(signed.treeSize);
  });

  describe("a store altered after import is refused, and nothing is written", () => {
    async function refused(statements: readonly { sql: string; params?: unknown[] }[], why: RegExp): Promise<void> {
      const before = readdirSync(dir).sort();
      await engine.tamper(statements);
      const out = join(dir, "altered.tar");
      const run = await runExport(["--device", deviceId, "--out", out, ...engine.args()]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^fieldproof: .* does not hold a valid chain for device "[^"]+" \(.*\): /);
      expect(run.stderr).toMatch(why);
      expect(run.stderr).toMatch(/The store was altered or damaged after import; nothing was written to .*altered\.tar\./);
      expect(existsSync(out)).toBe(false);
      // No temporary file left behind either.
      expect(readdirSync(dir).sort()).toEqual(before);
    }

    const envelopeOf = async (seq: number): Promise<string> => {
      const store = await engine.open();
      try {
        return (await store.source.chain(deviceId)).records[seq]!.envelope;
      } finally {
        await store.close();
      }
    };

    it("a record's device signature altered (caught when the written bundle is verified)", async () => {
      const seq = 3;
      const original = await envelopeOf(seq);
      const env = JSON.parse(original) as { signatures: { sig: string }[] };
      const sig = Buffer.from(env.signatures[0]!.sig, "base64");
      sig[9]! ^= 0x01;
      env.signatures[0]!.sig = sig.toString("base64");
      const update = (text: string) => ({ sql: "UPDATE records SET envelope = $1 WHERE device_id = $2 AND seq = $3", params: [text, deviceId, seq] });
      try {
        await refused([update(JSON.stringify(env))], /the bundle written from it does not verify \(signatures: the device signature of the record at line 4 \(seq 3\) does not verify/);
      } finally {
        await engine.tamper([update(original)]);
      }
    });

    it("a record's payload rewritten, with its envelope, payload, leaf hash and IT's head to match (the device's checkpoint does not)", async () => {
      const seq = 1;
      const store = await engine.open();
      const records = (await store.source.chain(deviceId)).records;
      await store.close();
      const original = records[seq]!;
      const env = JSON.parse(original.envelope) as { payload: string };
      const payload = Buffer.from(original.payload.toString().replace(/"recordedAt":"\d/, '"recordedAt":"1'));
      expect(payload.equals(original.payload)).toBe(false);
      const forgedRoot = foldRange(compactRange(records.map((r, i) => (i === seq ? leafHash(payload) : r.leafHash)))).toString("base64");
      const update = (text: string, p: Buffer) => ({ sql: "UPDATE records SET envelope = $1, payload = $2, leaf_hash = $3 WHERE device_id = $4 AND seq = $5", params: [text, p, leafHash(p), deviceId, seq] });
      const head = (root: string) => ({ sql: "UPDATE heads SET root_hash = $1 WHERE device_id = $2", params: [root, deviceId] });
      try {
        await refused([update(JSON.stringify({ ...env, payload: payload.toString("base64") }), payload), head(forgedRoot)], /the records held do not hash to the root the device signed at size \d+/);
      } finally {
        await engine.tamper([update(original.envelope, original.payload), head(signed.rootHash)]);
      }
    });

    it("the last records deleted (IT receipted more than it holds)", async () => {
      const store = await engine.open();
      const tail = (await store.source.chain(deviceId)).records.slice(signed.treeSize - 2);
      await store.close();
      const bundleId = await engine.lastBundleId();
      const restore = tail.map((r) => {
        const s = JSON.parse(r.payload.toString()) as Statement;
        return { sql: "INSERT INTO records (device_id, seq, kind, recorded_at, subject, payload, envelope, leaf_hash, bundle_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", params: [deviceId, r.seq, s.predicate.kind, s.predicate.recordedAt, s.subject[0]!.name, r.payload, r.envelope, r.leafHash, bundleId] };
      });
      try {
        // The head moved back too, as someone covering their tracks would.
        const leaves = (await (async () => {
          const s = await engine.open();
          try {
            return (await s.source.chain(deviceId)).records.slice(0, signed.treeSize - 2).map((r) => r.leafHash);
          } finally {
            await s.close();
          }
        })());
        await refused(
          [
            { sql: "DELETE FROM records WHERE device_id = $1 AND seq >= $2", params: [deviceId, signed.treeSize - 2] },
            { sql: "UPDATE heads SET tree_size = $1, root_hash = $2 WHERE device_id = $3", params: [signed.treeSize - 2, foldRange(compactRange(leaves)).toString("base64"), deviceId] },
          ],
          new RegExp(`the device signed a checkpoint over ${signed.treeSize} records and IT receipted it, but IT holds only ${signed.treeSize - 2}: records ${signed.treeSize - 2}\\.\\.${signed.treeSize - 1} are missing`),
        );
      } finally {
        await engine.tamper([...restore, { sql: "UPDATE heads SET tree_size = $1, root_hash = $2 WHERE device_id = $3", params: [signed.treeSize, signed.rootHash, deviceId] }]);
      }
    });

    it("a sealed secret swapped for another file", async () => {
      const [name, data] = [...laptopSealed][0]!;
      const swap = (d: Buffer) => ({ sql: "UPDATE sealed_secrets SET data = $1 WHERE device_id = $2 AND file = $3", params: [d, deviceId, name] });
      try {
        await refused([swap(Buffer.from("age-encryption.org/v1\nnot the secret IT was given\n"))], /sealed secrets: sealed\/.*\.age does not match its hash in the manifest/);
      } finally {
        await engine.tamper([swap(data)]);
      }
    });

    it("IT's cosignature on the receipt altered", async () => {
      const bundleId = await engine.lastBundleId();
      const store = await engine.open();
      const receipt = (await store.source.chain(deviceId)).receipts.at(-1)!.receipt;
      await store.close();
      const lines = receipt.trimEnd().split("\n");
      const [dash, name, blob] = lines.at(-1)!.split(" ");
      const bytes = Buffer.from(blob!, "base64");
      bytes[20]! ^= 0x01;
      lines[lines.length - 1] = `${dash} ${name} ${bytes.toString("base64")}`;
      const set = (text: string) => ({ sql: "UPDATE bundles SET receipt = $1 WHERE id = $2", params: [text, bundleId] });
      try {
        await refused([set(`${lines.join("\n")}\n`)], new RegExp(`the receipt for size ${signed.treeSize} carries no valid cosignature by IT key ${itKey.name.replace("/", "\\/")}`));
      } finally {
        await engine.tamper([set(receipt)]);
      }
    });

    it("and the restored store exports again", async () => {
      const result = await exportTo("restored.tar");
      expect(result).toMatchObject({ records: signed.treeSize, rootHash: signed.rootHash, uncovered: null });
    });
  });
});

describe("collector export on PostgreSQL: IT's folder and the database", () => {
  it("without an IT folder, includes IT's cosignature and says it was not checked", async () => {
    const saved = process.env.FIELDPROOF_IT_DIR;
    delete process.env.FIELDPROOF_IT_DIR;
    try {
      const out = join(work.path, "pg-no-it-dir.tar");
      const run = await runExport(["--device", deviceId, "--out", out, "--database", db.url]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("checkpoint signed by the device, with IT's cosignature from the receipt, not checked: IT's public key is not known here (give --it-dir).");
      expect(verifyCosignature(parseNote((await readBundle(out)).checkpoint), itKey.name, itKey.key)).toBeDefined();
    } finally {
      if (saved !== undefined) process.env.FIELDPROOF_IT_DIR = saved;
    }
  });

  it("with another IT's folder, refuses: the receipts are not that IT's", async () => {
    const stranger = await initIt();
    try {
      const out = join(work.path, "pg-other-it.tar");
      const run = await runExport(["--device", deviceId, "--out", out, "--database", db.url, "--it-dir", stranger.dir.path]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`are cosigned by IT key ${itKey.name.replace("/", "\\/")}, not by IT key fieldproof-it\\/[0-9a-f]{8} \\(from .*it-public\\.json\\)\\. Give --it-dir the IT folder this store's collector serves with; nothing was written\\.`));
      expect(existsSync(out)).toBe(false);
    } finally {
      stranger.dir.cleanup();
    }
  });


  it("refuses a database no collector set up, and one it cannot reach without showing the password", async () => {
    const name = `fieldproof_export_empty_${Date.now()}`;
    await query(db.url, `CREATE DATABASE ${name}`);
    const empty = new URL(db.url);
    empty.pathname = `/${name}`;
    try {
      await expect(openPostgresChainSource(empty.toString())).rejects.toThrow(/holds no collector store \(no schema_version table\): no collector has served on it\. Check --database\./);
    } finally {
      await query(db.url, `DROP DATABASE ${name} WITH (FORCE)`);
    }
    const closed = await openPostgresChainSource("postgres://it:s3cret-pw@127.0.0.1:1/evidence").then(
      () => new Error("connected to a closed port"),
      (e: unknown) => e as Error,
    );
    expect(closed.message).toMatch(/^Cannot read the collector database postgres:\/\/it:\*\*\*@127\.0\.0\.1:1\/evidence: .*ECONNREFUSED.*PGPASSWORD/);
    expect(closed.message).not.toContain("s3cret-pw");
  });
});

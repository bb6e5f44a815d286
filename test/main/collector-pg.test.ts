import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { openPostgresDoor, openPostgresStore, redactDatabaseUrl } from "../../main/collector/pgStore";
import { startCollector, type Collector } from "../../main/collector/server";
import { syncOnce } from "../../main/collector/sync";
import { compactRange, foldRange } from "../../main/evidence/merkle";
import { BIN } from "../support/cli";
import { anonymous, initCollectorIt, laptopPort, postBundle } from "../support/collector";
import { appendRecords, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { query, startTestDatabase, type TestDatabase } from "../support/postgres";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";


/** Every row of the evidence tables, to show a refusal or a re-upload changed nothing. */
async function digest(url: string): Promise<string> {
  const parts: string[] = [];
  for (const t of ["devices", "heads", "bundles", "records", "sealed_secrets", "schema_version"]) {
    parts.push(JSON.stringify(await query(url, `SELECT * FROM ${t} ORDER BY 1, 2`), (_k, v: unknown) => (v && typeof v === "object" && "type" in v && v.type === "Buffer" ? "buf" : v)));
  }
  return parts.join("\n");
}

/** Payload of each record in a bundle's records.jsonl, by seq (a full export: the laptop's journal). */
async function journalOf(bundlePath: string): Promise<Buffer[]> {
  const entries = await readEntries(bundlePath);
  const lines = entries.find((e) => e.name === "records.jsonl")!.data.toString().trimEnd().split("\n");
  return lines.map((l) => Buffer.from((JSON.parse(l) as { payload: string }).payload, "base64"));
}

let db: TestDatabase;
/** POST /v1/bundles as the describe's laptop. */
let post: (url: string, body: Buffer, type?: string) => Promise<{ status: number; json: Record<string, unknown>; retryAfter: string | null }>;
beforeAll(async () => {
  db = await startTestDatabase();
}, 120_000);
afterAll(async () => {
  await db?.stop();
});

describe("IT collector (PostgreSQL): the collector behaviour on a PostgreSQL store", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let collector: Collector;
  let work: ReturnType<typeof tempDir>;
  let deviceId: string;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initCollectorIt();
    work = tempDir("fieldproof-collector-pg-");
    post = (url, body, type) => postBundle(url, laptop.services, body, type);
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    appendRecords(laptop.services, 8);
    deviceId = laptop.services.identity.deviceId();
    const fingerprint = laptop.services.identity.status().fingerprint!;
    collector = await startCollector({
      store: await openPostgresStore(itSide.dir.path, IT_PASSPHRASE, db.url),
      log: jsonLogger((line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
      host: "127.0.0.1",
      port: 0,
      enrol: [fingerprint],
    });
  });
  afterAll(async () => {
    await collector?.close();
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  it("migrates an empty database to the latest schema version, once", async () => {
    expect(await query(db.url, "SELECT version, name FROM schema_version ORDER BY version")).toEqual([
      { version: 1, name: "evidence" },
      { version: 2, name: "collector-devices" },
      { version: 3, name: "upload-refusals" },
    ]);
    // A second collector on the same database migrates nothing.
    const again = await openPostgresStore(itSide.dir.path, IT_PASSPHRASE, db.url);
    await again.close();
    expect(await query(db.url, "SELECT count(*)::int AS n FROM schema_version")).toEqual([{ n: 3 }]);
  });

  it("first sync: enrols the approved device, PostgreSQL holds every record and the head, the laptop applies the receipt", async () => {
    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 0, lastSeq: 9, records: 10 }, newRecords: 10, treeSize: 10, receipt: { status: "imported", treeSize: 10 } });
    expect(await query(db.url, "SELECT count(*)::int AS n FROM records WHERE device_id = $1", [deviceId])).toEqual([{ n: 10 }]);
    expect(await query(db.url, "SELECT tree_size::int AS n FROM heads WHERE device_id = $1", [deviceId])).toEqual([{ n: 10 }]);
    expect(await query(db.url, "SELECT count(*)::int AS n FROM devices")).toEqual([{ n: 1 }]);
    // The evidence went to PostgreSQL, not to the IT folder's SQLite store.
    const it = itSide.open();
    try {
      expect(it.repo.recordCount()).toBe(0);
    } finally {
      await it.close();
    }
    expect((await laptop.services.evidence.summary()).lastReceipt?.treeSize).toBe(10);
    expect(logLines.some((l) => l.msg === "bundle imported" && l.deviceId === deviceId && l.newRecords === 10)).toBe(true);
  });

  it("second sync sends only the records after the receipt", async () => {
    appendRecords(laptop.services, 3, "second");
    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 10, lastSeq: 13, records: 4 }, newRecords: 4, treeSize: 14 });
    expect(await query(db.url, "SELECT count(*)::int AS n FROM records")).toEqual([{ n: 14 }]);
  });

  it("re-uploading the same bundle answers already-imported with a receipt and changes nothing", async () => {
    const path = join(work.path, "again.tar");
    await laptop.services.evidence.export(path, undefined);
    const body = readFileSync(path);
    const first = await post(collector.url, body);
    expect(first.json).toMatchObject({ status: "imported", newRecords: 1, treeSize: 15 });
    const before = await digest(db.url);
    const second = await post(collector.url, body);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: 15 });
    expect(String(second.json.receipt)).toMatch(/^fieldproof\/device\//);
    expect(await digest(db.url)).toBe(before);
  });

  it("refuses a tampered bundle with its reason and stores nothing", async () => {
    appendRecords(laptop.services, 2, "tamper");
    const path = join(work.path, "tampered.tar");
    await laptop.services.evidence.export(path, undefined);
    const entries = await readEntries(path);
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    const env = JSON.parse(lines[1]!) as { payload: string };
    const payload = Buffer.from(env.payload, "base64");
    payload[payload.length - 5]! ^= 0x01;
    env.payload = payload.toString("base64");
    lines[1] = JSON.stringify(env);
    records.data = Buffer.from(`${lines.join("\n")}\n`);
    await writeEntries(path, entries);
    const before = await digest(db.url);
    const res = await post(collector.url, readFileSync(path));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ refused: true, reason: "tampered" });
    expect(await digest(db.url)).toBe(before);
  });

  it("a new laptop waits for IT's approval (kept as pending, nothing imported), syncs once approved, and is refused and kept apart once revoked", async () => {
    const stranger = openLaptop();
    try {
      await stranger.services.evidence.trustIt(itSide.trustPath, false);
      const fpr = stranger.services.identity.status().fingerprint!;
      const strangerId = stranger.services.identity.deviceId();
      const before = await digest(db.url);
      await expect(syncOnce(laptopPort(stranger.services), collector.url)).rejects.toThrow(/IT has not approved this laptop yet\. Give IT this laptop's fingerprint .*collector devices approve.*evidence stays on this laptop/);
      const bundle = join(work.path, "stranger.tar");
      await stranger.services.evidence.export(bundle, undefined);
      const knocked = await postBundle(collector.url, stranger.services, readFileSync(bundle));
      expect(knocked).toMatchObject({ status: 403, json: { refused: true, reason: "pending-approval" } });
      expect(await digest(db.url)).toBe(before);
      expect(await query(db.url, "SELECT status, device_id FROM collector_devices WHERE fingerprint = $1", [fpr])).toEqual([{ status: "pending", device_id: strangerId }]);
      expect(await query(db.url, "SELECT count(*)::int AS n FROM heads WHERE device_id = $1", [strangerId])).toEqual([{ n: 0 }]);

      const door = await openPostgresDoor(db.url);
      try {
        await door.door.approve(fpr, "it-operator", new Date().toISOString());
        const synced = await syncOnce(laptopPort(stranger.services), collector.url);
        expect(synced).toMatchObject({ status: "imported", receipt: { status: "imported" } });
        const held = (await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM records WHERE device_id = $1", [strangerId]))[0]!.n;
        expect(held).toBeGreaterThan(0);

        await door.door.revoke(strangerId, "it-operator", new Date().toISOString());
        appendRecords(stranger.services, 2, "after-revoke");
        await expect(syncOnce(laptopPort(stranger.services), collector.url)).rejects.toThrow(/IT revoked this laptop \(key .*\) at the collector/);
        const late = join(work.path, "late.tar");
        await stranger.services.evidence.export(late, undefined);
        const refused = await postBundle(collector.url, stranger.services, readFileSync(late));
        expect(refused).toMatchObject({ status: 403, json: { refused: true, reason: "revoked" } });
        expect(await query(db.url, "SELECT count(*)::int AS n FROM records WHERE device_id = $1", [strangerId])).toEqual([{ n: held }]);
        expect(await query(db.url, "SELECT reason, fingerprint, bytes = octet_length(data) AS whole FROM quarantined_uploads")).toEqual([{ reason: "revoked", fingerprint: fpr, whole: true }]);
        const listed = await door.door.list();
        expect(listed.find((d) => d.fingerprint === fpr)).toMatchObject({ status: "revoked", enrolled: true, recordsHeld: held, quarantined: 1, decidedBy: "it-operator" });
        // Each refusal IT answered this laptop is counted in PostgreSQL (the laptop's own refusals before sending are not IT's).
        const counted = listed.find((d) => d.fingerprint === fpr)!;
        expect(counted.refusals).toEqual({ "pending-approval": 1, revoked: 1 });
        expect(counted.lastRefusal).toMatchObject({ reason: "revoked", message: expect.stringMatching(/^IT revoked this laptop/) as unknown });
        expect(await query(db.url, "SELECT reason, count::int AS count FROM upload_refusals WHERE fingerprint = $1 ORDER BY reason", [fpr])).toEqual([
          { reason: "pending-approval", count: 1 },
          { reason: "revoked", count: 1 },
        ]);
      } finally {
        await door.close();
      }
    } finally {
      await stranger.close();
      stranger.dir.cleanup();
    }
  });

  it("/metrics reads devices and records from PostgreSQL", async () => {
    const text = (await anonymous(`${collector.url}/metrics`)).text;
    const sample = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"+.]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    const held = (await query<{ n: number }>(db.url, "SELECT count(*)::int AS n FROM records"))[0]!.n;
    expect(sample('fieldproof_collector_uploads_total{outcome="imported"}')).toBe(4);
    expect(sample('fieldproof_collector_uploads_total{outcome="already-imported"}')).toBe(1);
    expect(sample('fieldproof_collector_uploads_total{outcome="refused"}')).toBe(3);
    expect(sample('fieldproof_collector_refusals_total{reason="tampered"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="pending-approval"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="revoked"}')).toBe(1);
    expect(sample("fieldproof_collector_records_received_total")).toBe(held);
    expect(sample("fieldproof_collector_devices")).toBe(2);
    expect(sample("fieldproof_collector_records_held")).toBe(held);
  });

  it("keeps imported records append-only in the database itself", async () => {
    await expect(query(db.url, "UPDATE records SET kind = 'x' WHERE seq = 0")).rejects.toThrow(/append-only/);
    await expect(query(db.url, "DELETE FROM records")).rejects.toThrow(/append-only/);
  });

  it("refuses a database a newer Fieldproof migrated, and never shows the URL's password", async () => {
    await query(db.url, "INSERT INTO schema_version (version, name) VALUES (99, 'future')");
    try {
      await expect(openPostgresStore(itSide.dir.path, IT_PASSPHRASE, db.url)).rejects.toThrow(/schema version 99, newer than this Fieldproof knows \(3\)\. Run the newer Fieldproof/);
    } finally {
      await query(db.url, "DELETE FROM schema_version WHERE version = 99");
    }
    expect(redactDatabaseUrl("postgres://it:s3cret-pw@db.example:5432/evidence")).toBe("postgres://it:***@db.example:5432/evidence");
    const error = await openPostgresStore(itSide.dir.path, IT_PASSPHRASE, "postgres://it:s3cret-pw@127.0.0.1:1/evidence").then(
      () => new Error("connected to a closed port"),
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(/^Cannot connect to the collector database postgres:\/\/it:\*\*\*@127\.0\.0\.1:1\/evidence: .*ECONNREFUSED.*PGPASSWORD/);
    expect(error.message).not.toContain("s3cret-pw");
  });
});

describe("two `collector serve` processes on one PostgreSQL database: the same device's uploads race", () => {
  const ROUNDS = 10;
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  const children: ChildProcessWithoutNullStreams[] = [];

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initCollectorIt();
    work = tempDir("fieldproof-collector-race-");
    post = (url, body, type) => postBundle(url, laptop.services, body, type);
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
  });
  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  function serve(databaseUrl: string, fingerprint: string): Promise<{ url: string; child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> }> {
    const child = spawn(process.execPath, [BIN, "collector", "serve", "--it-dir", itSide.dir.path, "--database", databaseUrl, "--listen", "127.0.0.1:0", "--enrol", fingerprint], {
      env: { ...process.env, FIELDPROOF_IT_PASSPHRASE: IT_PASSPHRASE },
      stdio: ["pipe", "pipe", "pipe"],
    });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    return new Promise((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const m = /"msg":"collector listening","url":"([^"]+)"/.exec(stdout);
        if (m) resolve({ url: m[1]!, child, output: () => stdout + stderr, exited });
      });
      child.on("exit", () => reject(new Error(`serve ended early: ${stderr}`)));
    });
  }

  it("stores every seq exactly once, in order, matching the laptop's journal; every answer is imported, already-imported or busy", async () => {
    const fingerprint = laptop.services.identity.status().fingerprint!;
    const deviceId = laptop.services.identity.deviceId();
    // The throwaway cluster trusts local connections, so a password in the URL shows whether one is ever logged.
    const secret = "race-pw-not-logged";
    const url = new URL(db.url);
    if (db.trust) url.password = secret;
    const [a, b] = await Promise.all([serve(url.toString(), fingerprint), serve(url.toString(), fingerprint)]);

    const answers: Array<{ status: number; json: Record<string, unknown>; retryAfter: string | null }> = [];
    let last = "";
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      // Never importing the receipts, every export starts at seq 0: A ends at k, B at k + m.
      appendRecords(laptop.services, 2 + (round % 3), `r${round}a`);
      const shortPath = join(work.path, `r${round}-short.tar`);
      await laptop.services.evidence.export(shortPath, undefined);
      appendRecords(laptop.services, 1 + (round % 2), `r${round}b`);
      last = join(work.path, `r${round}-long.tar`);
      await laptop.services.evidence.export(last, undefined);
      const short = readFileSync(shortPath);
      const long = readFileSync(last);
      // The same moment: short to A and long to B, and the reverse, and the long one twice.
      answers.push(...(await Promise.all([post(a.url, short), post(b.url, long), post(a.url, long), post(b.url, short)])));
    }
    const raceMs = Math.round(performance.now() - started);
    // A process takes one upload of a device at a time (a laptop sends its chunks one after another):
    // the second at once is answered 429 and the laptop sends it again, as here once the race is over.
    const settle = await Promise.all([post(a.url, readFileSync(last)), post(b.url, readFileSync(last))]);
    for (const answer of settle) expect(answer.status).toBe(200);
    answers.push(...settle);

    for (const answer of answers) {
      if (answer.status === 200) expect(["imported", "already-imported"]).toContain(answer.json.status);
      else {
        expect(answer.status).toBe(429);
        expect(answer.json).toMatchObject({ refused: true, reason: "busy" });
        expect(answer.retryAfter).toBe("2");
        expect(String(answer.json.message)).toMatch(/already being imported; send the next chunk when it is answered\. Nothing was imported/);
      }
    }
    const journal = await journalOf(last);
    const rows = await query<{ seq: string; payload: Buffer; leaf_hash: Buffer }>(db.url, "SELECT seq, payload, leaf_hash FROM records WHERE device_id = $1 ORDER BY seq", [deviceId]);
    expect(rows.map((r) => Number(r.seq))).toEqual(journal.map((_p, i) => i));
    rows.forEach((r, i) => expect(r.payload.equals(journal[i]!)).toBe(true));
    const imported = answers.filter((x) => x.json.status === "imported");
    expect(imported.reduce((n, x) => n + Number(x.json.newRecords), 0)).toBe(journal.length);
    expect(imported.filter((x) => x.json.enrolled === true)).toHaveLength(1);

    const longest = Math.max(...answers.filter((x) => x.status === 200).map((x) => Number(x.json.treeSize)));
    expect(longest).toBe(journal.length);
    const [head] = await query<{ tree_size: string; root_hash: string }>(db.url, "SELECT tree_size, root_hash FROM heads WHERE device_id = $1", [deviceId]);
    expect(Number(head!.tree_size)).toBe(longest);
    expect(head!.root_hash).toBe(foldRange(compactRange(rows.map((r) => r.leaf_hash))).toString("base64"));
    expect(await query(db.url, "SELECT count(*)::int AS n FROM devices WHERE device_id = $1", [deviceId])).toEqual([{ n: 1 }]);
    console.warn(
      `collector race (2 processes, one PostgreSQL): ${ROUNDS} rounds x 4 concurrent uploads in ${raceMs} ms; ` +
        `${imported.length} imported, ${answers.filter((x) => x.json.status === "already-imported").length} already-imported, ${answers.filter((x) => x.status === 429).length} busy; ${journal.length} records`,
    );

    for (const s of [a, b]) s.child.kill("SIGTERM");
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    for (const s of [a, b]) {
      expect(s.output()).toMatch(/"msg":"store opened","engine":"postgresql","database":"postgres:\/\/[^"]*"/);
      expect(s.output()).not.toContain(secret);
      expect(s.output()).not.toContain(IT_PASSPHRASE);
      expect(s.output()).not.toMatch(/"level":"error"/);
    }
  }, 180_000);
});

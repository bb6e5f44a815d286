// The collector under faults, with real processes and sockets on 127.0.0.1: a network cut mid-chunk,
// the collector SIGKILLed mid-transaction and restarted, PostgreSQL restarted during a sync, a chunk
// that skips records, a tampered record inside a chunk, an oversized body, a manifest that is not
// JSON, a client that sends one byte a second, and 1,000 connections at once.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { connect as netConnect, createServer as createNetServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import Sqlite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportDeviceChain, sqliteChainSource } from "../../main/collector/exportDevice";
import { jsonLogger } from "../../main/collector/log";
import { openPostgresChainSource } from "../../main/collector/pgRead";
import { openPostgresStore } from "../../main/collector/pgStore";
import { startCollector, type Collector, type CollectorOptions } from "../../main/collector/server";
import { openSqliteStore, type CollectorStore } from "../../main/collector/store";
import { syncOnce, type SyncLaptop } from "../../main/collector/sync";
import { IT_STORE_FILE, ItService } from "../../main/services/itService";
import { collectorRequest } from "../../main/services/syncService";
import { CollectorDeviceState } from "../../shared/contract";
import { anonymous, initCollectorIt, laptopPort, postBundle, rawTls, rssKiB, serveCollector, untilClosed, untilInFlight, type ServedCollector } from "../support/collector";
import { appendRecords, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { findPgBin, query, startTestDatabase, type TestDatabase } from "../support/postgres";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";

const run = promisify(execFile);

const databases: TestDatabase[] = [];
/** A database of its own on the test server, for one describe. */
async function freshDatabase(): Promise<string> {
  const db = await startTestDatabase();
  databases.push(db);
  return db.url;
}
afterAll(async () => {
  for (const db of databases) await db.stop();
});

const ENGINES: ReadonlyArray<{ engine: string; database: () => Promise<string | undefined> }> = [
  { engine: "embedded SQLite", database: async () => undefined },
  { engine: "PostgreSQL", database: freshDatabase },
];

/** Waits until `check` holds, asking every `everyMs` (for what has no event: a file, a row, /proc). */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** An in-process collector's log lines, and a way to wait for one. */
function logWatch(): { log: ReturnType<typeof jsonLogger>; lines: Array<Record<string, unknown>>; until(match: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  const log = jsonLogger((text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of [...waiters]) {
      if (!w.match(line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  return {
    log,
    lines,
    until: (match) => {
      const seen = lines.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** GET /v1/state as this laptop: what the collector holds of its log. */
async function held(url: string, laptop: Laptop): Promise<CollectorDeviceState> {
  const res = await collectorRequest(new URL("/v1/state", url), await laptop.services.evidence.collectorTls(), { method: "GET", timeoutMs: 30_000 });
  expect(res.status).toBe(200);
  return CollectorDeviceState.parse(JSON.parse(res.text));
}

/** The chunk of the laptop's log from `fromSeq`, as the tar it would upload. */
async function chunk(laptop: Laptop, dir: string, fromSeq: number, maxBytes = 1 << 20): Promise<{ path: string; body: Buffer; lastSeq: number }> {
  const path = join(dir, `chunk-${fromSeq}-${Math.random().toString(36).slice(2)}.tar`);
  const summary = await laptop.services.evidence.exportChunk(path, fromSeq, maxBytes);
  return { path, body: readFileSync(path), lastSeq: summary.lastSeq };
}

/** The uploads spooled under `spoolDir` right now (every collector's folder there), with their sizes. */
function spooled(spoolDir: string): Array<{ file: string; bytes: number }> {
  if (!existsSync(spoolDir)) return [];
  return readdirSync(spoolDir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".tar"))
    .flatMap((f) => {
      try {
        return [{ file: f, bytes: statSync(join(spoolDir, f)).size }];
      } catch {
        return []; // removed between the listing and the stat
      }
    });
}

type ChunkSummary = Awaited<ReturnType<SyncLaptop["exportChunk"]>>;

/** The laptop's sync port, calling `after` once the n-th chunk of the sync is exported (before it is sent). */
function onChunk(port: SyncLaptop, after: (n: number, bytes: number, summary: ChunkSummary) => Promise<void> | void): SyncLaptop {
  let n = 0;
  return {
    ...port,
    async exportChunk(path, fromSeq, maxBytes) {
      const summary = await port.exportChunk(path, fromSeq, maxBytes);
      await after(++n, statSync(path).size, summary);
      return summary;
    },
  };
}

/** Every row of the evidence, to show a refusal changed nothing. */
async function evidenceDigest(database: string | undefined, itDir: string): Promise<string> {
  if (!database) {
    const it = ItService.open(itDir, () => Promise.reject(new Error("not needed")));
    try {
      return it.repo.contentDigest();
    } finally {
      await it.close();
    }
  }
  const parts: string[] = [];
  for (const t of ["devices", "heads", "bundles", "records", "sealed_secrets"]) parts.push(JSON.stringify(await query(database, `SELECT * FROM ${t} ORDER BY 1, 2`)));
  return parts.join("\n");
}

/**
 * What IT's store holds of one device, checked as `collector export` checks it before writing a
 * bundle (every seq 0..n-1 once, each payload its envelope's, the head the records' root, every
 * receipt the device's signature over that root, IT's cosignature) and as a bundle read back and
 * verified; plus, below the export, the engine's own view (SQLite integrity_check, PostgreSQL rows).
 */
async function verifiedChain(database: string | undefined, itDir: string, deviceId: string, out: string): Promise<{ records: number; bundles: number }> {
  let exported;
  let seqs: number[];
  let treeSize: number;
  let bundles: number;
  if (database) {
    const source = await openPostgresChainSource(database, { itDir });
    try {
      exported = await exportDeviceChain({ source, device: deviceId, out });
    } finally {
      await source.close();
    }
    seqs = (await query<{ seq: string }>(database, "SELECT seq FROM records WHERE device_id = $1 ORDER BY seq", [deviceId])).map((r) => Number(r.seq));
    treeSize = Number((await query<{ tree_size: string }>(database, "SELECT tree_size FROM heads WHERE device_id = $1", [deviceId]))[0]!.tree_size);
    bundles = (await query<{ n: number }>(database, "SELECT count(*)::int AS n FROM bundles WHERE device_id = $1", [deviceId]))[0]!.n;
  } else {
    const raw = new Sqlite(join(itDir, IT_STORE_FILE), { readonly: true });
    try {
      expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
      bundles = (raw.prepare("SELECT count(*) AS n FROM bundles WHERE device_id = ?").get(deviceId) as { n: number }).n;
    } finally {
      raw.close();
    }
    const it = ItService.open(itDir, () => Promise.reject(new Error("not needed")));
    try {
      const chain = it.repo.heldChain(deviceId);
      seqs = chain.records.map((r) => r.seq);
      treeSize = chain.head!.treeSize;
      exported = await exportDeviceChain({ source: sqliteChainSource(it), device: deviceId, out });
    } finally {
      await it.close();
    }
  }
  expect(seqs).toEqual(seqs.map((_s, i) => i));
  expect(treeSize).toBe(seqs.length);
  expect(exported).toMatchObject({ records: seqs.length, heldRecords: seqs.length, treeSize: seqs.length, uncovered: null, checkpoint: { cosignature: { verified: true } } });
  return { records: seqs.length, bundles };
}

/** A laptop that trusts a fresh IT folder, and an in-process collector that approved it and holds its first `history` records. */
interface Bay {
  readonly laptop: Laptop;
  readonly itSide: ItSide;
  readonly work: ReturnType<typeof tempDir>;
  /** The collector's spool parent folder. */
  readonly spool: string;
  readonly store: CollectorStore;
  readonly collector: Collector;
  close(): Promise<void>;
}

async function openBay(o: { database?: string | undefined; log: ReturnType<typeof jsonLogger>; history: number; options?: Partial<CollectorOptions> }): Promise<Bay> {
  const laptop = openLaptop();
  const itSide = await initCollectorIt();
  const work = tempDir("fieldproof-collector-faults-");
  const spool = join(work.path, "spool");
  await laptop.services.evidence.trustIt(itSide.trustPath, false);
  const store = o.database ? await openPostgresStore(itSide.dir.path, IT_PASSPHRASE, o.database) : openSqliteStore(itSide.dir.path, IT_PASSPHRASE);
  const collector = await startCollector({ store, log: o.log, host: "127.0.0.1", port: 0, enrol: [laptop.services.identity.status().fingerprint!], spoolDir: spool, ...o.options });
  appendRecords(laptop.services, o.history, "history");
  expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported" });
  return {
    laptop,
    itSide,
    work,
    spool,
    store,
    collector,
    async close() {
      await collector.close();
      await laptop.close();
      laptop.dir.cleanup();
      itSide.dir.cleanup();
      work.cleanup();
    },
  };
}

describe.each(ENGINES)("faults on the $engine collector (in this process)", ({ database: makeDatabase }) => {
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  let database: string | undefined;
  let store: CollectorStore;
  let collector: Collector;
  let spool: string;
  let deviceId: string;
  const watch = logWatch();

  let bay: Bay | undefined;

  beforeAll(async () => {
    database = await makeDatabase();
    bay = await openBay({ database, log: watch.log, history: 10 });
    ({ laptop, itSide, work, spool, store, collector } = bay);
    deviceId = laptop.services.identity.deviceId();
  });
  afterAll(() => bay?.close());

  it("network cut mid-chunk: nothing of the chunk is imported and its spool file is removed; the next sync resumes there and IT holds every seq once", async () => {
    appendRecords(laptop.services, 30, "cut");
    const size = await laptopPort(laptop.services).journalSize();
    const before = await held(collector.url, laptop);
    const { body } = await chunk(laptop, work.path, before.treeSize);
    const half = Math.floor(body.length / 2);

    const socket = await rawTls(collector.url, laptop.services);
    const closed = untilClosed(socket);
    socket.write(`POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-tar\r\nContent-Length: ${body.length}\r\n\r\n`);
    socket.write(body.subarray(0, half));
    // The collector has half the chunk on disk when the cable is pulled.
    await until(() => spooled(spool).some((f) => f.bytes === half), "half the chunk in the spool");
    socket.destroy();
    await closed;
    const refused = await watch.until((l) => l.msg === "upload refused");
    expect(refused).toMatchObject({ level: "warn", reason: "malformed", message: "The upload was cut off before its end. Nothing was imported; sync again." });
    expect(await held(collector.url, laptop)).toEqual(before);
    expect(spooled(spool)).toEqual([]);
    await untilInFlight(collector.url, 0);

    const result = await syncOnce(laptopPort(laptop.services), collector.url, { chunkBytes: 4000 });
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: before.treeSize, lastSeq: size - 1 }, newRecords: size - before.treeSize, treeSize: size, receipt: { status: "imported", treeSize: size } });
    if (result.status === "nothing-to-send") throw new Error("expected a sync");
    expect(result.sent.chunks).toBeGreaterThan(1);
    expect((await verifiedChain(database, itSide.dir.path, deviceId, join(work.path, "after-cut.tar"))).records).toBe(size);
  });

  it("a chunk that skips records is refused as a gap and changes nothing; the laptop's own sync then fills the log from where IT stands", async () => {
    appendRecords(laptop.services, 12, "gap");
    const size = await laptopPort(laptop.services).journalSize();
    const from = (await held(collector.url, laptop)).treeSize;
    const digest = await evidenceDigest(database, itSide.dir.path);
    const skipping = await chunk(laptop, work.path, from + 3);
    const res = await postBundle(collector.url, laptop.services, skipping.body);
    expect(res.status).toBe(409);
    expect(res.json).toMatchObject({ refused: true, reason: "gap" });
    expect(String(res.json.message)).toBe(
      `Bundle rejected (gap): IT holds records 0..${from - 1} of this device and the bundle starts at seq ${from + 3}; records ${from}..${from + 2} are missing. Import the earlier bundle first.`,
    );
    expect(await evidenceDigest(database, itSide.dir.path)).toBe(digest);

    expect(await syncOnce(laptopPort(laptop.services), collector.url, { chunkBytes: 4000 })).toMatchObject({ status: "imported", sent: { firstSeq: from }, newRecords: size - from, treeSize: size });
    // The skipping chunk is now all held: sent again, a no-op.
    expect((await postBundle(collector.url, laptop.services, skipping.body)).json).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: size });
    expect((await verifiedChain(database, itSide.dir.path, deviceId, join(work.path, "after-gap.tar"))).records).toBe(size);
  });

  it("one tampered record inside a chunk refuses the whole chunk, its sound records too, and flags no fork; the true chunk lands after", async () => {
    appendRecords(laptop.services, 8, "tamper");
    const size = await laptopPort(laptop.services).journalSize();
    const from = (await held(collector.url, laptop)).treeSize;
    const digest = await evidenceDigest(database, itSide.dir.path);
    const { path } = await chunk(laptop, work.path, from);
    const entries = await readEntries(path);
    const records = entries.find((e) => e.name === "records.jsonl")!;
    const lines = records.data.toString().trimEnd().split("\n");
    expect(lines.length).toBe(size - from);
    // The last record of the chunk: the ones before it are sound and would fit IT's log.
    const env = JSON.parse(lines.at(-1)!) as { payload: string };
    const payload = Buffer.from(env.payload, "base64");
    payload[payload.length - 3]! ^= 0x01;
    env.payload = payload.toString("base64");
    lines[lines.length - 1] = JSON.stringify(env);
    records.data = Buffer.from(`${lines.join("\n")}\n`);
    await writeEntries(path, entries);

    const res = await postBundle(collector.url, laptop.services, readFileSync(path));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ refused: true, reason: "tampered" });
    expect(String(res.json.message)).toMatch(/signatures.*altered/);
    expect(await evidenceDigest(database, itSide.dir.path)).toBe(digest);
    expect((await held(collector.url, laptop)).treeSize).toBe(from);
    expect((await store.door.list()).find((d) => d.deviceId === deviceId)).toMatchObject({ forks: 0, quarantined: 0, recordsHeld: from });

    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported", sent: { firstSeq: from, chunks: 1 }, newRecords: size - from, treeSize: size });
    expect((await verifiedChain(database, itSide.dir.path, deviceId, join(work.path, "after-tamper.tar"))).records).toBe(size);
  });
});

describe("malformed, oversized and slow requests (embedded SQLite collector in this process)", () => {
  const MAX = 64 * 1024;
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  let collector: Collector;
  let spool: string;
  const watch = logWatch();
  const metric = async (line: string): Promise<number> => {
    const text = (await anonymous(`${collector.url}/metrics`)).text;
    return Number(new RegExp(`^${line.replace(/[{}"+.]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  };

  let bay: Bay | undefined;

  beforeAll(async () => {
    bay = await openBay({ log: watch.log, history: 4, options: { maxBundleBytes: MAX, headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } });
    ({ laptop, itSide, work, spool, collector } = bay);
  });
  afterAll(() => bay?.close());

  it("refuses a bundle whose manifest.json is not JSON, one whose records.jsonl has a line that is not, a body that is not a tar, and a request that is not HTTP: 400 malformed, nothing imported", async () => {
    appendRecords(laptop.services, 3, "malformed");
    const from = (await held(collector.url, laptop)).treeSize;
    const digest = await evidenceDigest(undefined, itSide.dir.path);
    const { path } = await chunk(laptop, work.path, from);
    const original = await readEntries(path);
    const replaced = async (name: string, data: Buffer): Promise<Buffer> => {
      const out = join(work.path, `${name}-${Math.random().toString(36).slice(2)}.tar`);
      await writeEntries(out, original.map((e) => (e.name === name ? { ...e, data } : e)));
      return readFileSync(out);
    };
    const manifest = original.find((e) => e.name === "manifest.json")!.data.toString();
    const lines = original.find((e) => e.name === "records.jsonl")!.data.toString().trimEnd().split("\n");
    const cases: Array<[Buffer, RegExp]> = [
      // Cut off half-way, as an editor or a broken copy leaves it.
      [await replaced("manifest.json", Buffer.from(manifest.slice(0, manifest.length / 2))), /^This is not a valid Fieldproof bundle: manifest\.json is not valid JSON\.$/],
      [await replaced("records.jsonl", Buffer.from(`${lines[0]}\n{"payloadType": \n`)), /^This is not a valid Fieldproof bundle: line 2 of records\.jsonl is not valid JSON\.$/],
      [Buffer.from(JSON.stringify({ manifest: JSON.parse(manifest) as unknown })), /^This is not a valid Fieldproof bundle/],
    ];
    for (const [body, message] of cases) {
      const res = await postBundle(collector.url, laptop.services, body);
      expect({ status: res.status, reason: res.json.reason }).toEqual({ status: 400, reason: "malformed" });
      expect(String(res.json.message)).toMatch(message);
    }
    // Not HTTP at all: answered in the collector's words, and the connection closed.
    const socket = await rawTls(collector.url, laptop.services);
    const closed = untilClosed(socket);
    socket.write("FIELDPROOF PLEASE\r\n\r\n");
    const notHttp = await closed;
    expect(notHttp.data).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*Connection: close\r\n\r\n/);
    expect(JSON.parse(notHttp.data.slice(notHttp.data.indexOf("\r\n\r\n") + 4))).toEqual({ refused: true, reason: "malformed", message: "The request is not valid HTTP/1.1. Nothing was imported." });

    expect(await evidenceDigest(undefined, itSide.dir.path)).toBe(digest);
    expect(watch.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(await metric('fieldproof_collector_refusals_total{reason="malformed"}')).toBe(4);
    // The laptop's own chunk still lands.
    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported", sent: { firstSeq: from } });
  });

  it("refuses an oversized body: 413 before reading a declared one, at the limit for an undeclared (chunked) one, closing the connection and keeping nothing", async () => {
    const digest = await evidenceDigest(undefined, itSide.dir.path);
    const declared = await postBundle(collector.url, laptop.services, Buffer.alloc(4 * MAX, 7));
    expect(declared.status).toBe(413);
    expect(declared.json).toMatchObject({ refused: true, reason: "too-large" });
    expect(String(declared.json.message)).toBe(
      `The bundle is larger than this collector accepts (${MAX} bytes). Export it to USB and import it with fieldproof import, or raise --max-bundle-mb. Nothing was imported.`,
    );

    // No Content-Length: the collector counts as the body comes and stops it at the limit.
    const socket = await rawTls(collector.url, laptop.services);
    const closed = untilClosed(socket);
    socket.write("POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n");
    let sent = 0;
    const piece = Buffer.alloc(8 * 1024, 1);
    const pump = setInterval(() => {
      if (socket.destroyed || sent > 64 * MAX) return clearInterval(pump);
      socket.write(`${piece.length.toString(16)}\r\n`);
      socket.write(piece);
      socket.write("\r\n");
      sent += piece.length;
    }, 2);
    const answer = await closed;
    clearInterval(pump);
    expect(answer.data).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer.data).toMatch(/\r\nConnection: close\r\n/i);
    expect(JSON.parse(answer.data.slice(answer.data.indexOf("\r\n\r\n") + 4))).toMatchObject({ refused: true, reason: "too-large" });
    expect(sent).toBeGreaterThan(MAX);
    expect(sent).toBeLessThan(64 * MAX);

    expect(spooled(spool)).toEqual([]);
    expect(await evidenceDigest(undefined, itSide.dir.path)).toBe(digest);
    expect(await metric('fieldproof_collector_refusals_total{reason="too-large"}')).toBe(2);
    expect((await anonymous(`${collector.url}/healthz`)).status).toBe(200);
  });

  it("a client that sends one byte a second is cut off: the handshake and the headers at the headers timeout, an upload's body at the request timeout, each told why; the collector serves others meanwhile", async () => {
    // Nothing at all after connecting: not even a TLS hello.
    const { port } = new URL(collector.url);
    const silent = netConnect({ host: "127.0.0.1", port: Number(port) });
    const silentClosed = untilClosed(silent);
    const started = performance.now();

    // Headers one byte a second.
    const slowHeaders = await rawTls(collector.url);
    const headersClosed = untilClosed(slowHeaders);
    slowHeaders.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    const headersDrip = setInterval(() => slowHeaders.writable && slowHeaders.write("x"), 1_000);

    // An upload whose headers came at once, its body one byte a second.
    appendRecords(laptop.services, 2, "slow");
    const { body } = await chunk(laptop, work.path, (await held(collector.url, laptop)).treeSize);
    const slowBody = await rawTls(collector.url, laptop.services);
    const bodyClosed = untilClosed(slowBody);
    slowBody.write(`POST /v1/bundles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-tar\r\nContent-Length: ${body.length}\r\n\r\n`);
    let offset = 0;
    const bodyDrip = setInterval(() => slowBody.writable && slowBody.write(body.subarray(offset, ++offset)), 1_000);
    await untilInFlight(collector.url, 1);

    try {
      // Meanwhile a laptop is served.
      expect((await anonymous(`${collector.url}/healthz`)).status).toBe(200);
      const [silentEnd, headersEnd, bodyEnd] = await Promise.all([silentClosed, headersClosed, bodyClosed]);
      const elapsed = performance.now() - started;
      expect(silentEnd.data).toBe("");
      for (const end of [headersEnd, bodyEnd]) {
        expect(end.data).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[\s\S]*Connection: close\r\n\r\n/);
        const answer = JSON.parse(end.data.slice(end.data.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
        expect(answer).toMatchObject({ refused: true, reason: "timeout" });
        expect(String(answer.message)).toBe(
          "The request did not arrive in time (headers within 1 s, the whole upload within 2 s); the collector closed the connection. Nothing was imported. Sync again on a better connection.",
        );
      }
      // Cut at the deadlines (checked every quarter of the headers timeout), not at node's default 30 s checks.
      expect(elapsed).toBeGreaterThan(1_900);
      expect(elapsed).toBeLessThan(4_000);
      expect(offset).toBeLessThan(5);
    } finally {
      clearInterval(headersDrip);
      clearInterval(bodyDrip);
    }
    expect(await watch.until((l) => l.msg === "upload refused" && l.reason === "timeout")).toMatchObject({ level: "warn" });
    expect(await watch.until((l) => l.msg === "client too slow: connection closed")).toMatchObject({ level: "warn", headersTimeoutMs: 1000, requestTimeoutMs: 2000 });
    await untilInFlight(collector.url, 0);
    expect(spooled(spool)).toEqual([]);
    expect(await metric('fieldproof_collector_refusals_total{reason="timeout"}')).toBe(2);
    expect(await metric('fieldproof_collector_refusals_total{reason="tls"}')).toBe(1);
    // The same laptop, at a normal pace, lands the chunk.
    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported" });
  });
});

describe.each(ENGINES)("`collector serve` on $engine SIGKILLed mid-transaction, then restarted on the same store", ({ engine, database: makeDatabase }) => {
  let laptop: Laptop;
  let itSide: ItSide;
  let work: ReturnType<typeof tempDir>;
  const served: ServedCollector[] = [];

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initCollectorIt();
    work = tempDir("fieldproof-collector-kill-");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
  });
  afterAll(async () => {
    for (const s of served) s.child.kill("SIGKILL");
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  it("the store holds whole chunks only, every seq once, and verifies; the restarted collector removes the dead one's spool; the laptop's next sync resumes and completes", async () => {
    const database = await makeDatabase();
    const spool = join(work.path, "spool");
    const fingerprint = laptop.services.identity.status().fingerprint!;
    const deviceId = laptop.services.identity.deviceId();
    const serve = async (): Promise<ServedCollector> => {
      const s = await serveCollector({ itDir: itSide.dir.path, ...(database ? { database } : {}), enrol: [fingerprint], args: ["--spool-dir", spool] });
      served.push(s);
      return s;
    };
    const first = await serve();
    appendRecords(laptop.services, 90, "kill");
    const size = await laptopPort(laptop.services).journalSize();

    // PostgreSQL: the third chunk's transaction is held open at its INSERT INTO records (its bundle
    // row written, uncommitted) by a lock this test takes, and the collector is killed there.
    // SQLite: better-sqlite3 commits synchronously, so the kill lands once the third chunk is
    // wholly in the spool, while it is verified and written in one transaction.
    let lock: pg.Client | undefined;
    let waitingBackend: number | undefined;
    let killed: Promise<void> | undefined;
    let third: ChunkSummary | undefined;
    const port = onChunk(laptopPort(laptop.services), async (n, bytes, summary) => {
      if (n !== 3) return;
      third = summary;
      if (database) {
        lock = new pg.Client({ connectionString: database });
        await lock.connect();
        await lock.query("BEGIN");
        await lock.query("LOCK TABLE records IN SHARE MODE");
        killed = (async () => {
          await until(async () => {
            const rows = await query<{ pid: number }>(database, "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO records%'");
            waitingBackend = rows[0]?.pid;
            return rows.length === 1;
          }, "the collector's import waiting inside its transaction");
          first.child.kill("SIGKILL");
        })();
      } else {
        killed = (async () => {
          await until(() => spooled(spool).some((f) => f.bytes === bytes), "the third chunk wholly spooled", 15_000, 1);
          first.child.kill("SIGKILL");
        })();
      }
    });
    const cut = await syncOnce(port, first.url, { chunkBytes: 6000 }).then(
      () => null,
      (error: unknown) => error as Error,
    );
    await killed;
    expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });
    expect(cut?.message).toMatch(/^The collector at https:\/\/127\.0\.0\.1:\d+ did not answer \((ECONNRESET|socket hang up)\)\. The evidence stays on this laptop/);
    const landed = first.lines().filter((l) => l.msg === "bundle imported");
    expect(landed.length).toBeGreaterThanOrEqual(2);
    if (database) {
      // The orphaned transaction gets its lock, finds its client gone, and rolls back.
      await lock!.query("ROLLBACK");
      await lock!.end();
      await until(async () => (await query(database, "SELECT 1 FROM pg_stat_activity WHERE pid = $1", [waitingBackend])).length === 0, "the killed collector's backend to end");
      expect(landed).toHaveLength(2);
    }
    // Whole chunks only: IT holds exactly what the chunks it answered held, each seq once, and it verifies.
    const afterKill = await verifiedChain(database, itSide.dir.path, deviceId, join(work.path, "after-kill.tar"));
    expect(afterKill.records).toBeLessThan(size);
    // Each chunk the collector answered, and for SQLite perhaps the third if its commit beat the kill.
    const lastAnswered = Number(landed.at(-1)!.treeSize);
    expect(database ? [lastAnswered] : [lastAnswered, third!.lastSeq + 1]).toContain(afterKill.records);
    expect(afterKill.bundles).toBe(afterKill.records === lastAnswered ? landed.length : landed.length + 1);
    // The dead collector's spool (with the chunk it was importing) is left behind, until a collector starts there again.
    const deadSpool = String(first.lines().find((l) => l.msg === "collector listening")!.spool);
    expect(existsSync(deadSpool)).toBe(true);

    const second = await serve();
    expect(await second.untilLog((l) => l.msg === "removed the spool of a collector that did not stop")).toMatchObject({ level: "warn", folder: deadSpool });
    expect(existsSync(deadSpool)).toBe(false);
    const resumed = await syncOnce(laptopPort(laptop.services), second.url, { chunkBytes: 6000 });
    expect(resumed).toMatchObject({ status: "imported", sent: { firstSeq: afterKill.records, lastSeq: size - 1 }, newRecords: size - afterKill.records, treeSize: size, receipt: { status: "imported", treeSize: size } });
    expect((await verifiedChain(database, itSide.dir.path, deviceId, join(work.path, "after-restart.tar"))).records).toBe(size);

    second.child.kill("SIGTERM");
    expect(await second.exited).toEqual({ code: 0, signal: null });
    expect(spooled(spool)).toEqual([]);
    for (const s of [first, second]) {
      expect(s.output()).not.toContain(IT_PASSPHRASE);
      expect(s.output()).not.toMatch(/"level":"error"/);
    }
    console.warn(`collector SIGKILL (${engine}): killed after ${landed.length} chunk(s), IT held ${afterKill.records}/${size} records, consistent; resumed in ${resumed.status === "imported" ? resumed.ms : 0} ms`);
  });
});

/** A PostgreSQL cluster of this test's own (initdb in a temp folder), to stop and start during a sync. */
async function privateCluster(): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void>; dispose(): Promise<void> }> {
  const bin = findPgBin();
  if (!bin) throw new Error("PostgreSQL's initdb was not found (PATH or /usr/lib/postgresql/*/bin); install PostgreSQL to run this test.");
  const asRoot = process.getuid?.() === 0;
  const dir = tempDir("fieldproof-pg-restart-");
  const data = join(dir.path, "data");
  const pgTool = async (tool: string, args: string[]): Promise<void> => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
    await run(cmd, argv, { timeout: 60_000 });
  };
  if (asRoot) {
    await run("chown", ["postgres:postgres", dir.path]);
    await run("chmod", ["700", dir.path]);
  }
  await pgTool("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const start = (): Promise<void> =>
    pgTool("pg_ctl", ["-D", data, "-l", join(dir.path, "server.log"), "-w", "-t", "30", "-o", `-p ${port} -k ${dir.path} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  const stop = (): Promise<void> => pgTool("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async dispose() {
      await pgTool("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      dir.cleanup();
    },
  };
}

describe("`collector serve` on PostgreSQL while PostgreSQL restarts during a sync (a private cluster)", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let cluster: Awaited<ReturnType<typeof privateCluster>> | undefined;
  let served: ServedCollector | undefined;

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initCollectorIt();
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    cluster = await privateCluster();
  });
  afterAll(async () => {
    served?.child.kill("SIGKILL");
    await cluster?.dispose();
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
  });

  it("the upload cut inside its transaction and those while the database is down are answered 503 store-unavailable with Retry-After; the collector stays up, reconnects, and the same sync completes", async () => {
    const db = cluster!;
    // The cluster trusts local connections: a password in the URL shows whether one is ever logged.
    const secret = "restart-pw-not-logged";
    const url = new URL(db.url);
    url.password = secret;
    served = await serveCollector({ itDir: itSide.dir.path, database: url.toString(), enrol: [laptop.services.identity.status().fingerprint!] });
    const s = served;
    const deviceId = laptop.services.identity.deviceId();
    appendRecords(laptop.services, 60, "restart");
    const size = await laptopPort(laptop.services).journalSize();
    const trust = await laptop.services.evidence.collectorTls();

    // The second chunk's transaction waits on a lock this test holds; PostgreSQL stops under it.
    let outage: Promise<void> | undefined;
    const port = onChunk(laptopPort(laptop.services), async (n) => {
      if (n !== 2) return;
      const lock = new pg.Client({ connectionString: db.url });
      lock.on("error", () => undefined); // the shutdown ends this connection too
      await lock.connect();
      await lock.query("BEGIN");
      await lock.query("LOCK TABLE records IN SHARE MODE");
      outage = (async () => {
        await until(
          async () => (await query(db.url, "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO records%'")).length === 1,
          "the collector's import waiting inside its transaction",
        );
        await db.stop();
      })();
      // Awaited below; handled here so that a sync ending early does not leave it unhandled.
      outage.catch(() => undefined);
    });
    const waits: number[] = [];
    const down: Array<{ path: string; status: number; retryAfter: string | null; reason: unknown }> = [];
    const result = await syncOnce(port, s.url, {
      chunkBytes: 5000,
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
        await outage;
        if (waits.length === 1) {
          // While PostgreSQL is down the collector answers, and says it cannot take uploads now.
          expect((await anonymous(`${s.url}/healthz`)).status).toBe(200);
          const state = await collectorRequest(new URL("/v1/state", s.url), trust, { method: "GET", timeoutMs: 10_000 });
          down.push({ path: "/v1/state", status: state.status, retryAfter: state.retryAfter, reason: (JSON.parse(state.text) as { reason: unknown }).reason });
          await db.start();
        }
      },
    });
    await outage;
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 0, lastSeq: size - 1 }, newRecords: size, treeSize: size, receipt: { status: "imported", treeSize: size } });
    // One wait of Retry-After 5 s (jitter 1.0) before the chunk went again, onto the restarted database.
    expect(waits).toEqual([5000]);
    expect(down).toEqual([{ path: "/v1/state", status: 503, retryAfter: "5", reason: "store-unavailable" }]);
    const refused = s.lines().filter((l) => l.msg === "upload refused");
    expect(refused).toEqual([expect.objectContaining({ reason: "store-unavailable", message: expect.stringMatching(/^The collector cannot reach its evidence store right now/) as unknown })]);
    expect(s.child.exitCode).toBeNull();

    const rows = await query<{ seq: string }>(db.url, "SELECT seq FROM records WHERE device_id = $1 ORDER BY seq", [deviceId]);
    expect(rows.map((r) => Number(r.seq))).toEqual([...Array(size).keys()]);
    expect(await query(db.url, "SELECT tree_size::int AS n FROM heads WHERE device_id = $1", [deviceId])).toEqual([{ n: size }]);

    s.child.kill("SIGTERM");
    expect(await s.exited).toEqual({ code: 0, signal: null });
    expect(s.output()).not.toContain(secret);
    expect(s.output()).not.toContain(IT_PASSPHRASE);
  });
});

describe("`collector serve` under 1,000 connections at once", () => {
  let itSide: ItSide;
  let served: ServedCollector | undefined;

  beforeAll(async () => {
    itSide = await initCollectorIt();
  });
  afterAll(() => {
    served?.child.kill("SIGKILL");
    itSide?.dir.cleanup();
  });

  it("holds them within its memory, serves /healthz meanwhile, closes the ones past --max-connections as they come, cuts the idle ones at the headers timeout, and stays up", async () => {
    const LIMIT = 1_024;
    served = await serveCollector({ itDir: itSide.dir.path, args: ["--max-connections", String(LIMIT), "--headers-timeout", "4"] });
    const s = served;
    const pid = s.child.pid!;
    expect((await anonymous(`${s.url}/healthz`)).status).toBe(200);
    const rssBefore = rssKiB(pid);

    /** Opens `n` TLS connections at once: the ones that got through the handshake, and how many were closed first. */
    const flood = async (n: number): Promise<{ open: Array<Awaited<ReturnType<typeof rawTls>>>; refused: number }> => {
      const settled = await Promise.allSettled(Array.from({ length: n }, () => rawTls(s.url)));
      const open = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
      return { open, refused: n - open.length };
    };
    const started = performance.now();
    const first = await flood(1_000);
    const floodMs = performance.now() - started;
    const closedByServer = first.open.map((socket) => untilClosed(socket));
    expect(first.refused).toBe(0);
    // 1,000 held: the collector still answers.
    expect((await anonymous(`${s.url}/healthz`)).status).toBe(200);
    const rssDuring = rssKiB(pid);

    // Past the limit, new connections are closed as they arrive.
    const beyond = await flood(100);
    const spare = LIMIT - first.open.length;
    expect(beyond.open.length).toBeLessThanOrEqual(spare);
    expect(beyond.refused).toBeGreaterThanOrEqual(100 - spare);
    closedByServer.push(...beyond.open.map((socket) => untilClosed(socket)));

    // None sends a request: each is cut at the headers timeout, by the collector, not by this test.
    const ends = await Promise.all(closedByServer);
    const cutMs = performance.now() - started;
    expect(ends.every((e) => e.data.startsWith("HTTP/1.1 408 Request Timeout\r\n"))).toBe(true);
    expect(cutMs).toBeLessThan(15_000);
    expect((await anonymous(`${s.url}/healthz`)).status).toBe(200);
    const rssAfter = rssKiB(pid);
    const metrics = (await anonymous(`${s.url}/metrics`)).text;
    expect(metrics).toContain(`fieldproof_collector_refusals_total{reason="max-connections"} ${beyond.refused}`);
    expect(metrics).toContain(`fieldproof_collector_refusals_total{reason="timeout"} ${first.open.length + beyond.open.length}`);
    const limitLines = s.lines().filter((l) => l.msg === "connection limit reached: new connections closed");
    expect(limitLines.length).toBeGreaterThanOrEqual(1);
    expect(limitLines.length).toBeLessThanOrEqual(Math.ceil(cutMs / 1000) + 1);
    expect(s.child.exitCode).toBeNull();
    // Bounded: a few dozen KiB per connection, and nothing kept once they are gone.
    expect(rssDuring - rssBefore).toBeLessThan(200 * 1024);
    console.warn(
      `collector under 1,100 connections: RSS ${Math.round(rssBefore / 1024)} MiB before, ${Math.round(rssDuring / 1024)} MiB with 1,000 open, ${Math.round(rssAfter / 1024)} MiB after; ` +
        `1,000 handshakes in ${Math.round(floodMs)} ms; ${beyond.refused} closed past the limit; all cut by the headers timeout within ${Math.round(cutMs)} ms`,
    );
    s.child.kill("SIGTERM");
    expect(await s.exited).toEqual({ code: 0, signal: null });
  }, 90_000);
});

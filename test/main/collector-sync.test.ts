// The sync protocol, one suite over both collector engines: bounded chunks, resume, re-sent chunks,
// a lost answer, busy and overloaded collectors with Retry-After, a restored laptop (ahead, fork).
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { openPostgresStore } from "../../main/collector/pgStore";
import { startCollector, type Collector } from "../../main/collector/server";
import { openSqliteStore, type CollectorStore } from "../../main/collector/store";
import { syncOnce, SyncRefused } from "../../main/collector/sync";
import { CollectorBusy, collectorRequest, retryAfterMs } from "../../main/services/syncService";
import { CollectorDeviceState } from "../../shared/contract";
import { holdUpload, initCollectorIt, laptopPort, postBundle, untilInFlight, anonymous } from "../support/collector";
import { appendRecords, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { startTestDatabase, type TestDatabase } from "../support/postgres";
import { tempDir } from "../support/tempDir";

let db: TestDatabase | undefined;
async function database(): Promise<TestDatabase> {
  return (db ??= await startTestDatabase());
}
afterAll(async () => {
  await db?.stop();
});

const ENGINES: ReadonlyArray<{ engine: string; open: (itDir: string) => Promise<CollectorStore> }> = [
  { engine: "embedded SQLite", open: async (itDir) => openSqliteStore(itDir, IT_PASSPHRASE) },
  { engine: "PostgreSQL", open: async (itDir) => openPostgresStore(itDir, IT_PASSPHRASE, (await database()).url) },
];

/** GET /v1/state as this laptop: what the collector holds of its log. */
async function held(url: string, laptop: Laptop): Promise<CollectorDeviceState> {
  const res = await collectorRequest(new URL("/v1/state", url), await laptop.services.evidence.collectorTls(), { method: "GET", timeoutMs: 30_000 });
  expect(res.status).toBe(200);
  return CollectorDeviceState.parse(JSON.parse(res.text));
}

/** The records the chunk from `fromSeq` holds, as the tar the laptop would upload. */
async function chunk(laptop: Laptop, dir: string, fromSeq: number, maxBytes: number): Promise<{ body: Buffer; lastSeq: number }> {
  const path = join(dir, `chunk-${fromSeq}-${maxBytes}-${Math.random().toString(36).slice(2)}.tar`);
  const summary = await laptop.services.evidence.exportChunk(path, fromSeq, maxBytes);
  return { body: readFileSync(path), lastSeq: summary.lastSeq };
}

describe.each(ENGINES)("the sync protocol on the $engine collector", ({ open }) => {
  let laptop: Laptop;
  let other: Laptop;
  let itSide: ItSide;
  let store: CollectorStore;
  let collector: Collector;
  let work: ReturnType<typeof tempDir>;
  const logLines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    laptop = openLaptop();
    other = openLaptop();
    itSide = await initCollectorIt();
    work = tempDir("fieldproof-collector-sync-");
    for (const l of [laptop, other]) await l.services.evidence.trustIt(itSide.trustPath, false);
    store = await open(itSide.dir.path);
    collector = await startCollector({
      store,
      log: jsonLogger((line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
      host: "127.0.0.1",
      port: 0,
      enrol: [laptop, other].map((l) => l.services.identity.status().fingerprint!),
      // One upload at a time in the queue, so a test can fill it with one held upload.
      maxQueuedUploads: 1,
    });
  }, 120_000);
  afterAll(async () => {
    await collector?.close();
    for (const l of [laptop, other]) {
      await l?.close();
      l?.dir.cleanup();
    }
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  it("sends a long log in bounded chunks, each applied as it arrives, and applies the receipt the last one is answered with", async () => {
    appendRecords(laptop.services, 40, "chunked");
    const size = await laptopPort(laptop.services).journalSize();
    const progress: Array<[number, number]> = [];
    const result = await syncOnce(laptopPort(laptop.services), collector.url, { chunkBytes: 4096, onProgress: (done, total) => progress.push([done, total]) });
    if (result.status === "nothing-to-send") throw new Error("expected a sync");
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 0, lastSeq: size - 1, records: size }, newRecords: size, treeSize: size, receipt: { status: "imported", treeSize: size } });
    expect(result.sent.chunks).toBeGreaterThanOrEqual(3);
    // Progress rises chunk by chunk from nothing to everything.
    expect(progress[0]).toEqual([0, size]);
    expect(progress.at(-1)).toEqual([size, size]);
    expect(progress).toHaveLength(result.sent.chunks + 1);
    for (let i = 1; i < progress.length; i++) expect(progress[i]![0]).toBeGreaterThan(progress[i - 1]![0]);
    // Each chunk is its own import, none holds the whole log.
    const imports = logLines.filter((l) => l.msg === "bundle imported");
    expect(imports).toHaveLength(result.sent.chunks);
    for (const line of imports) expect(Number(line.newRecords)).toBeLessThan(size);
    expect(imports.reduce((n, l) => n + Number(l.newRecords), 0)).toBe(size);
    expect((await held(collector.url, laptop)).treeSize).toBe(size);
  });

  it("an interrupted sync resumes from what IT holds; a chunk sent again changes nothing", async () => {
    const before = await held(collector.url, laptop);
    appendRecords(laptop.services, 20, "resume");
    const size = await laptopPort(laptop.services).journalSize();
    // The first chunk arrived, then the laptop was cut off (lid closed, cable pulled).
    const first = await chunk(laptop, work.path, before.treeSize, 3000);
    expect(first.lastSeq).toBeLessThan(size - 1);
    const sent = await postBundle(collector.url, laptop.services, first.body);
    expect(sent.status).toBe(200);
    expect(sent.json).toMatchObject({ status: "imported", treeSize: first.lastSeq + 1 });
    const cut = await held(collector.url, laptop);
    expect(cut.treeSize).toBe(first.lastSeq + 1);

    const again = await postBundle(collector.url, laptop.services, first.body);
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: first.lastSeq + 1 });
    expect(await held(collector.url, laptop)).toEqual(cut);

    const resumed = await syncOnce(laptopPort(laptop.services), collector.url, { chunkBytes: 3000 });
    expect(resumed).toMatchObject({ status: "imported", sent: { firstSeq: first.lastSeq + 1, lastSeq: size - 1 }, newRecords: size - first.lastSeq - 1, treeSize: size, receipt: { status: "imported", treeSize: size } });
    // An old chunk after the resumed sync is still a no-op that names what IT holds.
    const late = await postBundle(collector.url, laptop.services, first.body);
    expect(late.json).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: size });
  });

  it("IT took every record but the answer was lost: the laptop sends only its last record again and takes the receipt", async () => {
    appendRecords(laptop.services, 2, "lost-answer");
    const size = await laptopPort(laptop.services).journalSize();
    const from = (await held(collector.url, laptop)).treeSize;
    const all = await chunk(laptop, work.path, from, 1 << 20);
    expect(all.lastSeq).toBe(size - 1);
    expect((await postBundle(collector.url, laptop.services, all.body)).status).toBe(200);
    expect((await laptop.services.evidence.summary()).lastReceipt?.treeSize).toBeLessThan(size);

    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    expect(result).toMatchObject({ status: "already-imported", sent: { firstSeq: size - 1, lastSeq: size - 1, records: 1, chunks: 1 }, newRecords: 0, treeSize: size, receipt: { status: "imported", treeSize: size } });
  });

  it("a second upload from a laptop while its first is in flight is answered 429 busy with Retry-After; the first lands", async () => {
    appendRecords(laptop.services, 3, "busy");
    const from = (await held(collector.url, laptop)).treeSize;
    const body = (await chunk(laptop, work.path, from, 1 << 20)).body;
    const first = await holdUpload(collector.url, laptop.services, body);
    await untilInFlight(collector.url, 1);
    const second = await postBundle(collector.url, laptop.services, body);
    expect(second.status).toBe(429);
    expect(second.retryAfter).toBe("2");
    expect(second.json).toMatchObject({ refused: true, reason: "busy" });
    expect(String(second.json.message)).toMatch(/already being imported; send the next chunk when it is answered\. Nothing was imported\./);
    const landed = await first.finish();
    expect(landed).toMatchObject({ status: 200, json: { status: "imported", newRecords: 4 } });
    const metrics = (await anonymous(`${collector.url}/metrics`)).text;
    expect(metrics).toMatch(/^fieldproof_collector_refusals_total\{reason="busy"\} 1$/m);
    expect(metrics).toMatch(/^fieldproof_collector_uploads_in_flight 0$/m);
  });

  it("a full queue is answered 503 overloaded with Retry-After: the laptop waits as asked with jitter, gives up after three tries keeping its evidence, and gets through once the queue drains", async () => {
    appendRecords(other.services, 2, "other");
    appendRecords(laptop.services, 2, "overloaded");
    const held503 = await holdUpload(collector.url, other.services, (await chunk(other, work.path, 0, 1 << 20)).body);
    await untilInFlight(collector.url, 1);
    const waits: number[] = [];
    const failed = await syncOnce(laptopPort(laptop.services), collector.url, { sleep: async (ms) => void waits.push(ms), random: () => 0.5 }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(CollectorBusy);
    expect((failed as CollectorBusy).retryAfterMs).toBe(5000);
    expect((failed as CollectorBusy).message).toMatch(/^The collector is busy \(overloaded\): The collector is importing 1 uploads .* The laptop asked 3 times and tries again later by itself\. .*stay/);
    // Retry-After 5 s, times a jitter of 0.5..1.5 (here 1.0), before the second and the third try.
    expect(waits).toEqual([5000, 5000]);
    const before = (await laptop.services.evidence.summary()).lastReceipt?.treeSize;

    const jittered: number[] = [];
    let drained: Promise<{ status: number }> | undefined;
    const result = await syncOnce(laptopPort(laptop.services), collector.url, {
      random: () => 0.1,
      sleep: async (ms) => {
        jittered.push(ms);
        drained ??= held503.finish();
        await drained;
      },
    });
    expect(jittered).toEqual([3000]);
    expect((await drained!).status).toBe(200);
    expect(result).toMatchObject({ status: "imported", receipt: { status: "imported" } });
    expect((await laptop.services.evidence.summary()).lastReceipt!.treeSize).toBeGreaterThan(before ?? 0);
  });

  it("a laptop restored from an older copy: refused as 'ahead' while IT holds more than it has, and as a fork kept as evidence once it writes a different history", async () => {
    // Copy the laptop's store as it is now, then let the original go on and sync.
    await laptop.close();
    const copyDir = join(work.path, "restored-laptop");
    mkdirSync(copyDir);
    copyFileSync(join(laptop.dir.path, "fieldproof.sqlite"), join(copyDir, "fieldproof.sqlite"));
    laptop = { ...openLaptop(laptop.dir.path), dir: laptop.dir };
    appendRecords(laptop.services, 3, "original-branch");
    await syncOnce(laptopPort(laptop.services), collector.url);
    const holding = await held(collector.url, laptop);
    const restored = openLaptop(copyDir);
    try {
      // One change on the restored copy: worth a sync, but its log is shorter than what IT holds.
      appendRecords(restored.services, 1, "restored-branch");
      const ahead = await syncOnce(laptopPort(restored.services), collector.url).then(() => null, (error: unknown) => error);
      expect(ahead).toBeInstanceOf(SyncRefused);
      expect((ahead as SyncRefused).reason).toBe("ahead");
      expect((ahead as SyncRefused).message).toMatch(/^IT's collector holds \d+ records of this laptop's log, but the laptop has only \d+: its store was restored from an older copy or replaced\. Nothing was sent\./);

      appendRecords(restored.services, 12, "restored-branch-more");
      const fork = await syncOnce(laptopPort(restored.services), collector.url).then(() => null, (error: unknown) => error);
      expect(fork).toBeInstanceOf(SyncRefused);
      expect((fork as SyncRefused).reason).toBe("fork");
      expect((fork as SyncRefused).message).toMatch(/FORK DETECTED/);
      // IT's copy of the log is untouched; the other history is kept apart as evidence and flagged.
      expect(await held(collector.url, laptop)).toEqual(holding);
      const device = (await store.door.list()).find((d) => d.fingerprint === laptop.services.identity.status().fingerprint);
      expect(device).toMatchObject({ forks: 1, quarantined: 0, recordsHeld: holding.treeSize });
      // Counted for collector status: 'ahead' was the laptop's own refusal (nothing sent), the fork IT's.
      expect(device!.refusals).toEqual({ fork: 1 });
      expect(device!.lastRefusal).toMatchObject({ reason: "fork", message: expect.stringMatching(/FORK DETECTED/) as unknown });
      expect(logLines.some((l) => l.msg === "FORK: upload kept as evidence" && l.level === "error")).toBe(true);
    } finally {
      await restored.close();
    }
    // The laptop whose history IT holds goes on syncing.
    appendRecords(laptop.services, 1, "after-fork");
    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported", newRecords: 2 });
  });
});

describe("Retry-After as the laptop reads it", () => {
  it("takes seconds or an HTTP date, and nothing else", () => {
    const now = new Date("2026-12-04T10:00:00Z");
    expect(retryAfterMs("5", now)).toBe(5000);
    expect(retryAfterMs(" 0 ", now)).toBe(0);
    expect(retryAfterMs("Fri, 04 Dec 2026 10:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Fri, 04 Dec 2026 09:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs("-3", now)).toBeNull();
  });
});

// The USB path imports into the IT folder's SQLite store only (fieldproof import), so the mix is
// tested on the embedded collector, which serves from that same store.
describe("a USB export and a network sync mix freely (embedded SQLite collector and fieldproof import on one IT folder)", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let collector: Collector;
  let work: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initCollectorIt();
    work = tempDir("fieldproof-collector-mix-");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    collector = await startCollector({ store: openSqliteStore(itSide.dir.path, IT_PASSPHRASE), log: jsonLogger(() => undefined), host: "127.0.0.1", port: 0, enrol: [laptop.services.identity.status().fingerprint!] });
  });
  afterAll(async () => {
    await collector?.close();
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  /** `fieldproof import` at IT of a USB bundle the laptop exports now (from its last receipt). */
  async function usb(name: string): Promise<{ newRecords: number; receiptPath: string }> {
    const path = join(work.path, `${name}.tar`);
    await laptop.services.evidence.export(path, undefined);
    const it = itSide.open();
    try {
      const imported = await it.import(path, { enrolFingerprint: laptop.services.identity.status().fingerprint! });
      return { newRecords: imported.newRecords, receiptPath: imported.receiptPath };
    } finally {
      await it.close();
    }
  }
  const journal = (): Promise<number> => laptopPort(laptop.services).journalSize();

  it("a bundle imported at IT first, its receipt not carried back: the sync continues after it, sending nothing IT holds twice", async () => {
    appendRecords(laptop.services, 6, "usb-first");
    const carried = await usb("first");
    expect(carried.newRecords).toBe(await journal());
    expect(await held(collector.url, laptop)).toMatchObject({ treeSize: await journal() });
    appendRecords(laptop.services, 3, "then-network");
    const size = await journal();
    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    // Only what followed the USB bundle went over the network.
    expect(result).toMatchObject({ status: "imported", newRecords: 3, treeSize: size, receipt: { status: "imported", treeSize: size } });
    if (result.status === "nothing-to-send") throw new Error("expected a sync");
    expect(result.sent.firstSeq).toBe(size - 3);
    expect((await laptop.services.evidence.summary()).recordsSinceReceipt).toBe(1); // IT's receipt record itself
  });

  it("a sync first, then a USB bundle: IT takes only what is new in it, and the laptop applies that receipt file as the sync's", async () => {
    appendRecords(laptop.services, 2, "network-first");
    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "imported" });
    const synced = await journal();
    appendRecords(laptop.services, 4, "then-usb");
    const carried = await usb("second");
    // The sync's receipt record and the four new ones; nothing IT held came in twice.
    expect(carried.newRecords).toBe((await journal()) - synced + 1);
    const exported = await journal();
    expect(await laptop.services.evidence.importReceipt(carried.receiptPath)).toMatchObject({ status: "imported", treeSize: exported });
    const state = await held(collector.url, laptop);
    expect(state.treeSize).toBe(exported);
    // The next sync has only the receipt record to send, which alone is not worth one.
    expect(await syncOnce(laptopPort(laptop.services), collector.url)).toMatchObject({ status: "nothing-to-send" });
    const it = itSide.open();
    try {
      expect(it.repo.recordCount(laptop.services.identity.deviceId())).toBe(state.treeSize);
    } finally {
      await it.close();
    }
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { startCollector, type Collector } from "../../main/collector/server";
import { openSqliteStore } from "../../main/collector/store";
import { syncOnce, type SyncLaptop } from "../../main/collector/sync";
import type { Services } from "../../main/services";
import { BIN, runBin, runBinAsync } from "../support/cli";
import { appendRecords, initIt, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";

function laptopPort(services: Services): SyncLaptop {
  return {
    pending: async () => (await services.evidence.summary()).recordsSinceReceipt,
    exportBundle: (path) => services.evidence.export(path, undefined),
    importReceipt: (path) => services.evidence.importReceipt(path),
  };
}

async function post(url: string, body: Buffer, type = "application/x-tar"): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${url}/v1/bundles`, { method: "POST", headers: { "Content-Type": type }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A port on 127.0.0.1 that nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("IT collector (embedded SQLite): sync over HTTP on 127.0.0.1", () => {
  let laptop: Laptop;
  let itSide: ItSide;
  let collector: Collector;
  let work: ReturnType<typeof tempDir>;
  let deviceId: string;
  const logLines: Array<Record<string, unknown>> = [];

  /** What the IT store holds, read through a connection of its own (as `fieldproof import` would open it). */
  function itStore<T>(read: (it: ReturnType<ItSide["open"]>) => T): T {
    const it = itSide.open();
    try {
      return read(it);
    } finally {
      void it.close();
    }
  }

  beforeAll(async () => {
    laptop = openLaptop();
    itSide = await initIt();
    work = tempDir("fieldproof-collector-");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    appendRecords(laptop.services, 8);
    deviceId = laptop.services.identity.deviceId();
    const fingerprint = laptop.services.identity.status().fingerprint!;
    collector = await startCollector({
      store: openSqliteStore(itSide.dir.path, IT_PASSPHRASE),
      log: jsonLogger((line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
      host: "127.0.0.1",
      port: 0,
      enrol: [fingerprint],
    });
  });
  afterAll(async () => {
    await collector.close();
    await laptop.close();
    laptop.dir.cleanup();
    itSide.dir.cleanup();
    work.cleanup();
  });

  it("answers /healthz", async () => {
    expect(collector.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${collector.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });

  it("first sync: enrols the approved device, IT holds every record, the laptop applies the receipt", async () => {
    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 0, lastSeq: 9, records: 10 }, newRecords: 10, treeSize: 10, receipt: { status: "imported", treeSize: 10 } });
    expect(itStore((it) => it.repo.recordCount(deviceId))).toBe(10);
    const summary = await laptop.services.evidence.summary();
    expect(summary.lastReceipt?.treeSize).toBe(10);
    expect(summary.recordsSinceReceipt).toBe(1); // the receipt.imported record itself
    expect(logLines.some((l) => l.msg === "bundle imported" && l.deviceId === deviceId && l.newRecords === 10)).toBe(true);
  });

  it("second sync sends only the records after the receipt", async () => {
    appendRecords(laptop.services, 3, "second");
    const result = await syncOnce(laptopPort(laptop.services), collector.url);
    expect(result).toMatchObject({ status: "imported", sent: { firstSeq: 10, lastSeq: 13, records: 4 }, newRecords: 4, treeSize: 14 });
    expect(itStore((it) => it.repo.recordCount(deviceId))).toBe(14);
    expect((await laptop.services.evidence.summary()).lastReceipt?.treeSize).toBe(14);
  });

  it("re-uploading the same bundle answers already-imported with the same receipt, and the USB import agrees", async () => {
    const path = join(work.path, "again.tar");
    await laptop.services.evidence.export(path, undefined);
    const body = readFileSync(path);
    const first = await post(collector.url, body);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ status: "imported", newRecords: 1, treeSize: 15 });
    const before = itStore((it) => it.repo.contentDigest());
    const second = await post(collector.url, body);
    expect(second.status).toBe(200);
    expect(second.json).toMatchObject({ status: "already-imported", newRecords: 0, treeSize: 15 });
    expect(String(second.json.receipt)).toMatch(/^fieldproof\/device\//);
    expect(itStore((it) => it.repo.contentDigest())).toBe(before);
    // The same bundle through the USB path: the same checks, the same answer.
    const it = itSide.open();
    try {
      expect((await it.import(path, { receiptOut: join(work.path, "again.receipt") })).status).toBe("already-imported");
    } finally {
      await it.close();
    }
    const receiptPath = join(work.path, "http.receipt");
    writeFileSync(receiptPath, String(second.json.receipt));
    expect(await laptop.services.evidence.importReceipt(receiptPath)).toMatchObject({ status: "imported", treeSize: 15 });
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
    const before = itStore((it) => it.repo.contentDigest());
    const res = await post(collector.url, readFileSync(path));
    expect(res.status).toBe(422);
    expect(res.json).toMatchObject({ refused: true, reason: "tampered" });
    expect(String(res.json.message)).toMatch(/signatures.*altered/);
    expect(itStore((it) => it.repo.contentDigest())).toBe(before);
  });

  it("refuses a body that is not a tar (Content-Type) and an unknown device, saying what to do", async () => {
    const wrongType = await post(collector.url, Buffer.from("{}"), "application/json");
    expect(wrongType.status).toBe(415);
    expect(wrongType.json).toMatchObject({ refused: true, reason: "unsupported-media-type" });

    const stranger = openLaptop();
    try {
      await stranger.services.evidence.trustIt(itSide.trustPath, false);
      const fpr = stranger.services.identity.status().fingerprint!;
      const before = itStore((it) => it.repo.contentDigest());
      await expect(syncOnce(laptopPort(stranger.services), collector.url)).rejects.toThrow(
        new RegExp(`refused the upload \\(unknown-device\\).*${fpr.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}.*--enrol.*evidence stays on this laptop`),
      );
      expect(itStore((it) => it.repo.contentDigest())).toBe(before);
      expect((await stranger.services.evidence.summary()).lastReceipt).toBeNull();
    } finally {
      await stranger.close();
      stranger.dir.cleanup();
    }
  });

  it("says the evidence stays on the laptop when the collector is unreachable", async () => {
    await expect(syncOnce(laptopPort(laptop.services), `http://127.0.0.1:${await closedPort()}`)).rejects.toThrow(
      /did not answer \(ECONNREFUSED\)\. The evidence stays on this laptop; sync again when connected, or export it to USB/,
    );
  });

  it("refuses an answer that is not a collector's (a proxy or an impostor saying 200), applying nothing", async () => {
    const impostor = createHttpServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: "imported", receipt: 42 }));
    });
    await new Promise<void>((done) => impostor.listen(0, "127.0.0.1", done));
    const before = (await laptop.services.evidence.summary()).lastReceipt;
    try {
      const port = (impostor.address() as { port: number }).port;
      await expect(syncOnce(laptopPort(laptop.services), `http://127.0.0.1:${port}`)).rejects.toThrow(
        `http://127.0.0.1:${port} answered HTTP 200 with something that is not a Fieldproof collector's answer. Check the address.`,
      );
      expect((await laptop.services.evidence.summary()).lastReceipt).toEqual(before);
    } finally {
      await new Promise((done) => impostor.close(done));
    }
  });

  it("/metrics counts uploads, records, devices, refusals by reason and latency", async () => {
    const res = await fetch(`${collector.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const sample = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"+.]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    expect(sample('fieldproof_collector_uploads_total{outcome="imported"}')).toBe(3);
    expect(sample('fieldproof_collector_uploads_total{outcome="already-imported"}')).toBe(1);
    expect(sample('fieldproof_collector_uploads_total{outcome="refused"}')).toBe(3);
    expect(sample("fieldproof_collector_records_received_total")).toBe(15);
    expect(sample('fieldproof_collector_refusals_total{reason="tampered"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="unknown-device"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="unsupported-media-type"}')).toBe(1);
    expect(sample("fieldproof_collector_devices")).toBe(1);
    expect(sample("fieldproof_collector_records_held")).toBe(15);
    expect(sample("fieldproof_collector_sync_duration_seconds_count")).toBe(7);
    expect(sample('fieldproof_collector_sync_duration_seconds_bucket{le="+Inf"}')).toBe(7);
    expect(text).toMatch(/^# TYPE fieldproof_collector_sync_duration_seconds histogram$/m);
  });
});

describe("fieldproof collector serve and fieldproof sync (the built command)", () => {
  let work: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcessWithoutNullStreams | undefined;

  beforeAll(() => {
    work = tempDir("fieldproof-collector-cli-");
    env = { FIELDPROOF_PASSPHRASE: "laptop passphrase 1", FIELDPROOF_IT_PASSPHRASE: "it passphrase 12345", FIELDPROOF_DATA_DIR: join(work.path, "laptop"), FIELDPROOF_IT_DIR: join(work.path, "it"), FIELDPROOF_DEVICE_NAME: "bay-07" };
  });
  afterAll(() => {
    server?.kill("SIGKILL");
    work.cleanup();
  });

  it("inits, serves, takes two syncs, and ends with exit 0 on SIGTERM", async () => {
    const init = runBin(["collector", "init"], env);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Start the collector: fieldproof collector serve --it-dir /);
    expect(runBin(["it", "trust", join(work.path, "it", "it-public.json")], env).code).toBe(0);
    const fingerprint = (JSON.parse(runBin(["info", "--json"], env).stdout) as { deviceFingerprint: string }).deviceFingerprint;

    const child = spawn(process.execPath, [BIN, "collector", "serve", "--listen", "127.0.0.1:0", "--enrol", fingerprint], { env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    server = child;
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        const m = /"msg":"collector listening","url":"([^"]+)"/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      child.on("exit", () => reject(new Error(`serve ended early: ${stderr}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const started = performance.now();
    const first = await runBinAsync(["sync", "--collector", url], env);
    const firstMs = Math.round(performance.now() - started);
    expect(first.stderr).not.toMatch(/fieldproof:/);
    expect(first.stdout).toMatch(/^Synced 3 record\(s\), seq 0\.\.2, to .*: 3 new at IT; receipt applied, IT holds records 0\.\.2\.$/m);
    const second = await runBinAsync(["sync", "--collector", url], env);
    expect(second.stdout).toMatch(/^Synced 1 record\(s\), seq 3\.\.3, .*IT holds records 0\.\.3\.$/m);
    console.warn(`fieldproof sync (spawned CLI, 3 records, first sync incl. enrolment): ${firstMs} ms`);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["collector listening", "bundle imported", "signal received", "collector stopped"]));
    expect(stdout).not.toContain("it passphrase 12345");

    const down = await runBinAsync(["sync", "--collector", url], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/did not answer \(ECONNREFUSED\)\. The evidence stays on this laptop; sync again when connected, or export it to USB/);
  });
});

import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { startCollector, type Collector } from "../../main/collector/server";
import { syncOnce } from "../../main/collector/sync";
import { BIN, runBin, runBinAsync } from "../support/cli";
import { anonymous, initCollectorIt, laptopPort, postBundle, serveCollector, type ServedCollector } from "../support/collector";
import { appendRecords, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { readEntries, writeEntries } from "../support/tar";
import { tempDir } from "../support/tempDir";
import type { CollectorDevice } from "../../shared/contract";
import { openSqliteStore, sqliteDoor } from "../../main/collector/store";
import { formatPin, makeCollectorTls, privateKeyPem } from "../../main/evidence/tls";

async function post(url: string, body: Buffer, type = "application/x-tar"): Promise<{ status: number; json: Record<string, unknown> }> {
  return postBundle(url, laptop.services, body, type);
}

/** A port on 127.0.0.1 that nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

let laptop: Laptop;

describe("IT collector (embedded SQLite): sync over pinned HTTPS on 127.0.0.1", () => {
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
    itSide = await initCollectorIt();
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

  it("answers /healthz over HTTPS only, and /v1/bundles only to a laptop's device certificate", async () => {
    expect(collector.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await anonymous(`${collector.url}/healthz`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ status: "ok" });
    const plain = await fetch(collector.url.replace("https:", "http:") + "/healthz").then(
      (r) => r.status,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    expect(plain).not.toBe(200);
    const nocert = await anonymous(`${collector.url}/v1/bundles`, "POST", Buffer.from("x"));
    expect(nocert.status).toBe(401);
    expect(JSON.parse(nocert.text)).toMatchObject({ refused: true, reason: "client-certificate-required" });
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

  it("refuses a body that is not a tar (Content-Type); a new laptop waits for IT's approval, then syncs; a revoked one is refused and kept apart", async () => {
    const wrongType = await post(collector.url, Buffer.from("{}"), "application/json");
    expect(wrongType.status).toBe(415);
    expect(wrongType.json).toMatchObject({ refused: true, reason: "unsupported-media-type" });

    const stranger = openLaptop();
    try {
      await stranger.services.evidence.trustIt(itSide.trustPath, false);
      const fpr = stranger.services.identity.status().fingerprint!;
      const before = itStore((it) => it.repo.contentDigest());
      const escaped = fpr.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      await expect(syncOnce(laptopPort(stranger.services), collector.url)).rejects.toThrow(
        new RegExp(`IT has not approved this laptop yet\\. Give IT this laptop's fingerprint ${escaped} .*collector devices approve.*evidence stays on this laptop`),
      );
      // Posting anyway: refused at the door, nothing read.
      const exported = join(work.path, "stranger.tar");
      await stranger.services.evidence.export(exported, undefined);
      const knocked = await postBundle(collector.url, stranger.services, readFileSync(exported));
      expect(knocked.status).toBe(403);
      expect(knocked.json).toMatchObject({ refused: true, reason: "pending-approval" });
      expect(String(knocked.json.message)).toContain(`waiting for IT's approval. IT: compare the fingerprint with the laptop's Settings › IT collector, then run fieldproof collector devices approve "${fpr}"`);
      expect((await stranger.services.evidence.summary()).lastReceipt).toBeNull();
      const door = itSide.open();
      try {
        const listed: CollectorDevice[] = await sqliteDoor(door).list();
        expect(listed.find((d) => d.fingerprint === fpr)).toMatchObject({ status: "pending", enrolled: false, recordsHeld: 0 });
        expect(itStore((it) => it.repo.recordCount())).toBe(itStore((it) => it.repo.recordCount(deviceId)));
        expect(itStore((it) => it.repo.devices().length)).toBe(1);

        // IT compares the fingerprint and approves it: the next sync enrols the laptop.
        await sqliteDoor(door).approve(fpr.replace("SHA256:", "").toLowerCase(), "it-operator", new Date().toISOString());
        const synced = await syncOnce(laptopPort(stranger.services), collector.url);
        expect(synced).toMatchObject({ status: "imported", newRecords: synced.status === "nothing-to-send" ? 0 : synced.sent.records, receipt: { status: "imported" } });
        const held = itStore((it) => it.repo.recordCount(stranger.services.identity.deviceId()));
        expect(held).toBeGreaterThan(0);

        // Revoked: refused, the upload kept apart, nothing merged, what IT held stays.
        await sqliteDoor(door).revoke(stranger.services.identity.deviceId(), "it-operator", new Date().toISOString());
        appendRecords(stranger.services, 2, "after-revoke");
        await expect(syncOnce(laptopPort(stranger.services), collector.url)).rejects.toThrow(/IT revoked this laptop \(key .*\) at the collector\. Ask IT\./);
        const late = join(work.path, "late.tar");
        await stranger.services.evidence.export(late, undefined);
        const refused = await postBundle(collector.url, stranger.services, readFileSync(late));
        expect(refused.status).toBe(403);
        expect(refused.json).toMatchObject({ refused: true, reason: "revoked" });
        expect(String(refused.json.message)).toMatch(/kept apart for IT to look at, not imported/);
        expect(itStore((it) => it.repo.recordCount(stranger.services.identity.deviceId()))).toBe(held);
        const after: CollectorDevice[] = await sqliteDoor(door).list();
        expect(after.find((d) => d.fingerprint === fpr)).toMatchObject({ status: "revoked", enrolled: true, recordsHeld: held, quarantined: 1, decidedBy: "it-operator" });
        // The USB path refuses a revoked device too (the same checks).
        await expect(door.import(late, { receiptOut: join(work.path, "revoked.receipt") })).rejects.toThrow(/was revoked by IT\. Its records are not imported/);
      } finally {
        await door.close();
      }
      expect(itStore((it) => it.repo.contentDigest())).not.toBe(before);
    } finally {
      await stranger.close();
      stranger.dir.cleanup();
    }
  });

  it("says the evidence stays on the laptop when the collector is unreachable", async () => {
    await expect(syncOnce(laptopPort(laptop.services), `https://127.0.0.1:${await closedPort()}`)).rejects.toThrow(
      /did not answer \(ECONNREFUSED\)\. The evidence stays on this laptop; sync again when connected, or export it to USB/,
    );
  });

  it("refuses a collector presenting another certificate, loudly, sending nothing; and an answer that is not a collector's", async () => {
    const other = await makeCollectorTls([]);
    let received = 0;
    const impostor = createHttpsServer({ cert: other.certificatePem, key: privateKeyPem(other.keyDer) }, (req, res) => {
      received += 1;
      req.resume();
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: "imported", receipt: 42 }));
    });
    await new Promise<void>((done) => impostor.listen(0, "127.0.0.1", done));
    const before = (await laptop.services.evidence.summary()).lastReceipt;
    try {
      const port = (impostor.address() as { port: number }).port;
      const pinned = JSON.parse(readFileSync(itSide.trustPath, "utf8")) as { collector: { sha256: string } };
      await expect(syncOnce(laptopPort(laptop.services), `https://127.0.0.1:${port}`)).rejects.toThrow(
        `REFUSED, POSSIBLE IMPOSTOR: https://127.0.0.1:${port} presented certificate ${formatPin(other.sha256)}, not the collector certificate IT's trust file pins (${formatPin(pinned.collector.sha256)}).`,
      );
      expect(received).toBe(0);
      expect((await laptop.services.evidence.summary()).lastReceipt).toEqual(before);
    } finally {
      await new Promise((done) => impostor.close(done));
    }
    // The right certificate (a proxy holding the collector's key) answering something else: refused, not cast.
    const tls = await (async () => {
      const it = itSide.open();
      try {
        return await it.collectorTls();
      } finally {
        await it.close();
      }
    })();
    const proxy = createHttpsServer({ cert: tls.certificatePem, key: tls.keyPem }, (req, res) => {
      req.resume();
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ status: "imported", receipt: 42 }));
    });
    await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
    try {
      const port = (proxy.address() as { port: number }).port;
      await expect(syncOnce(laptopPort(laptop.services), `https://127.0.0.1:${port}`)).rejects.toThrow(
        `https://127.0.0.1:${port} answered HTTP 200 with something that is not a Fieldproof collector's answer. Check the address.`,
      );
      expect((await laptop.services.evidence.summary()).lastReceipt).toEqual(before);
    } finally {
      await new Promise((done) => proxy.close(done));
    }
    await expect(syncOnce(laptopPort(laptop.services), collector.url.replace("https:", "http:"))).rejects.toThrow(/must be https:\/\/ \(the collector speaks only HTTPS/);
  });

  it("/metrics counts uploads, records, devices, refusals by reason and latency", async () => {
    const res = await anonymous(`${collector.url}/metrics`);
    expect(res.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.text;
    const sample = (line: string): number => Number(new RegExp(`^${line.replace(/[{}"+.]/g, "\\$&")} (\\S+)$`, "m").exec(text)?.[1]);
    // Uploads: the laptop's two syncs and one post, the stranger's sync once approved; one post held
    // already; refused: no client certificate, tampered, wrong type, the stranger pending, the stranger revoked.
    const held = itStore((it) => it.repo.recordCount());
    expect(sample('fieldproof_collector_uploads_total{outcome="imported"}')).toBe(4);
    expect(sample('fieldproof_collector_uploads_total{outcome="already-imported"}')).toBe(1);
    expect(sample('fieldproof_collector_uploads_total{outcome="refused"}')).toBe(5);
    expect(sample("fieldproof_collector_records_received_total")).toBe(held);
    expect(sample('fieldproof_collector_refusals_total{reason="tampered"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="pending-approval"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="revoked"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="client-certificate-required"}')).toBe(1);
    expect(sample('fieldproof_collector_refusals_total{reason="unsupported-media-type"}')).toBe(1);
    // The plain-HTTP request to the HTTPS port: a failed handshake.
    expect(sample('fieldproof_collector_refusals_total{reason="tls"}')).toBe(1);
    expect(sample("fieldproof_collector_devices")).toBe(2);
    expect(sample("fieldproof_collector_records_held")).toBe(held);
    expect(held).toBeGreaterThan(15);
    expect(sample("fieldproof_collector_sync_duration_seconds_count")).toBe(10);
    expect(sample('fieldproof_collector_sync_duration_seconds_bucket{le="+Inf"}')).toBe(10);
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

  it("inits, serves, takes a sync, has nothing to send after it, and ends with exit 0 on SIGTERM", async () => {
    const init = runBin(["collector", "init"], env);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Collector certificate made: .*collector-tls\.pem \(laptops pin SHA256:[0-9A-F ]{39}\)\. Give laptops the new .*it-public\.json \(fieldproof it trust\), then start it: fieldproof collector serve --it-dir /);
    expect(runBin(["it", "trust", join(work.path, "it", "it-public.json")], env).code).toBe(0);
    const fingerprint = (JSON.parse(runBin(["info", "--json"], env).stdout) as { deviceFingerprint: string }).deviceFingerprint;
    // Before the collector runs: records wait, nothing answers, the command fails and keeps them.
    const down = await runBinAsync(["sync", "--once", "--collector", `https://127.0.0.1:${await closedPort()}`], env);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/did not answer \(ECONNREFUSED\)\. The evidence stays on this laptop; sync again when connected, or export it to USB/);

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
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await anonymous(`${url}/healthz`)).status).toBe(200);

    const started = performance.now();
    const first = await runBinAsync(["sync", "--once", "--collector", url], env);
    const firstMs = Math.round(performance.now() - started);
    expect(first.stderr).not.toMatch(/fieldproof:/);
    expect(first.stdout).toMatch(/^Synced 3 record\(s\), seq 0\.\.2, to https:\/\/127\.0\.0\.1:\d+ in 1 upload\(s\): 3 new at IT; receipt applied, IT holds records 0\.\.2\.$/m);
    // IT's receipt record alone is not worth a sync (as in the app): the second run sends nothing.
    const second = await runBinAsync(["sync", "--once", "--collector", url], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Nothing to sync: IT's last receipt covers every record on this laptop\.$/m);
    console.warn(`fieldproof sync (spawned CLI, 3 records, first sync incl. enrolment): ${firstMs} ms`);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    server = undefined;
    const lines = stdout.trimEnd().split("\n").map((l) => JSON.parse(l) as { msg: string; signal?: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["collector listening", "bundle imported", "signal received", "collector stopped"]));
    expect(stdout).not.toContain("it passphrase 12345");
  });
});

describe("the collector's address from IT's trust file, and fieldproof sync watching (the built command)", () => {
  let work: ReturnType<typeof tempDir>;
  let env: NodeJS.ProcessEnv;
  let watcher: ChildProcess | undefined;
  let served: ServedCollector | undefined;

  beforeAll(() => {
    work = tempDir("fieldproof-collector-watch-");
    env = { FIELDPROOF_PASSPHRASE: "laptop passphrase 1", FIELDPROOF_IT_PASSPHRASE: IT_PASSPHRASE, FIELDPROOF_DATA_DIR: join(work.path, "laptop"), FIELDPROOF_IT_DIR: join(work.path, "it"), FIELDPROOF_DEVICE_NAME: "bay-08" };
  });
  afterAll(() => {
    watcher?.kill("SIGKILL");
    served?.child.kill("SIGKILL");
    work.cleanup();
  });

  it("collector init --address writes it into it-public.json; it trust takes it; sync watches: not reachable, then in sync once the collector starts there, with no click; SIGTERM ends it with exit 0", async () => {
    const port = await closedPort();
    const address = `https://127.0.0.1:${port}`;
    expect(runBin(["collector", "init", "--address", "http://127.0.0.1:1"], env).stderr).toMatch(/--address must be https:\/\//);
    const init = runBin(["collector", "init", "--address", `${address}/`], env);
    expect(init.code).toBe(0);
    expect(init.stdout).toContain(`its address for laptops: ${address})`);
    const trustPath = join(work.path, "it", "it-public.json");
    expect((JSON.parse(readFileSync(trustPath, "utf8")) as { collector: { address: string } }).collector.address).toBe(address);
    // Run again without --address: the address stays.
    expect(runBin(["collector", "init"], env).code).toBe(0);
    expect((JSON.parse(readFileSync(trustPath, "utf8")) as { collector: { address: string } }).collector.address).toBe(address);

    const trusted = runBin(["it", "trust", trustPath], env);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain(`Collector address set from the file: ${address}`);
    const fingerprint = (JSON.parse(runBin(["info", "--json"], env).stdout) as { deviceFingerprint: string }).deviceFingerprint;

    const child = spawn(process.execPath, [BIN, "sync", "--every", "1"], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    watcher = child;
    let out = "";
    let err = "";
    const waiters: Array<{ re: RegExp; resolve: () => void }> = [];
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      for (const w of [...waiters]) {
        if (!w.re.test(out)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const printed = (re: RegExp): Promise<void> =>
      re.test(out)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`sync printed no ${re} within 30 s:\n${out}${err}`)), 30_000);
            waiters.push({ re, resolve: () => (clearTimeout(timer), resolve()) });
          });

    await printed(/not reachable since \S+ \(\d+ record\(s\) waiting\): The collector at https:\/\/127\.0\.0\.1:\d+ did not answer \(ECONNREFUSED\)/);
    expect(out).toContain(`Watching ${address}: syncing whenever it answers`);
    served = await serveCollector({ itDir: join(work.path, "it"), enrol: [fingerprint], args: ["--listen", `127.0.0.1:${port}`] });
    expect(served.url).toBe(address);
    await printed(/in sync: IT's receipt covers every record/);
    await served.untilLog((l) => l.msg === "bundle imported");

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    watcher = undefined;
    expect(out).toMatch(/Stopped \(SIGTERM\)\.\n$/);
    expect(err).toBe("");
    // IT holds every record: a sync with no --collector (the address from the file) has nothing to send.
    const once = await runBinAsync(["sync", "--once"], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^Nothing to sync: IT's last receipt covers every record on this laptop\.$/m);
    served.child.kill("SIGTERM");
    expect(await served.exited).toEqual({ code: 0, signal: null });
    served = undefined;
  });

  it("sync with no address anywhere says where to set one and keeps the evidence", () => {
    const bare = { ...env, FIELDPROOF_DATA_DIR: join(work.path, "bare-laptop"), FIELDPROOF_DEVICE_NAME: "bay-09" };
    const run = runBin(["sync", "--once"], bare);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/No collector address: give --collector https:\/\/HOST:PORT, set it in the app's Settings › IT collector, or install an it-public\.json that names it/);
  });
});

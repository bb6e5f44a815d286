// The collector's figures: one laptop syncing a long log over loopback HTTPS (SQLite and PostgreSQL
// stores, beside the machine's raw Ed25519 verify rate x cores), and a fleet of laptops syncing at
// once against one PostgreSQL collector run as a child process (its RSS read from /proc).
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { jsonLogger } from "../../main/collector/log";
import { openPostgresStore } from "../../main/collector/pgStore";
import { startCollector } from "../../main/collector/server";
import { openSqliteStore, type CollectorStore } from "../../main/collector/store";
import { syncOnce, type SyncLaptop } from "../../main/collector/sync";
import { createServices, type Services } from "../../main/services";
import { CHUNK_BYTES } from "../../main/services/syncService";
import { anonymous, initCollectorIt } from "../support/collector";
import { IT_PASSPHRASE, type ItSide } from "../support/evidence";
import { findPgBin, startTestDatabase, type TestDatabase } from "../support/postgres";
import { tempDir } from "../support/tempDir";
import { rawParallelRate, rawVerifyRate } from "./evidence";
import type { Report } from "./report";

const PASSPHRASE = "bench passphrase";
const GOAL = 0.6;

export interface CollectorBenchOptions {
  /** Records one laptop syncs (figure 1). */
  readonly records: number;
  /** Laptops syncing at once, and records each (figure 2). */
  readonly laptops: number;
  readonly perLaptop: number;
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const secs = (ms: number): string => (ms / 1000).toFixed(2);
const int = (n: number): string => Math.round(n).toLocaleString("en-US");

function openLaptop(dataDir: string, hostname: string): Services {
  const services = createServices({ dataDir, runtime: "test", hostname, passphrase: PASSPHRASE });
  services.identity.ensureDevice();
  return services;
}

/** Grows the journal to `size` records, 1,000 per transaction (device renames, as the evidence bench). */
function fillJournal(services: Services, size: number, prefix: string): void {
  const subject = [{ name: "fieldproof:device/bench" }];
  for (let have = services.evidence.journalSize(); have < size; have = services.evidence.journalSize()) {
    const n = Math.min(1000, size - have);
    services.identity.journal.appendMany(Array.from({ length: n }, (_, j) => ({ kind: "device.renamed" as const, subjects: subject, data: { name: `${prefix}-${have + j}` } })));
  }
}

/** PostgreSQL for the run: FIELDPROOF_TEST_PG_URL's server, else a throwaway cluster; undefined (and said) when neither exists. */
async function postgres(): Promise<TestDatabase | undefined> {
  if (!process.env.FIELDPROOF_TEST_PG_URL && !findPgBin()) {
    process.stdout.write("  PostgreSQL skipped: set FIELDPROOF_TEST_PG_URL (or install PostgreSQL: initdb in PATH)\n");
    return undefined;
  }
  return startTestDatabase();
}

/** The sync duration histogram of a collector's /metrics text: count, sum and the bucket bound holding quantile q. */
function histogram(text: string, q: number): { count: number; sum: number; quantileBound: string } {
  const name = "fieldproof_collector_sync_duration_seconds";
  const count = Number(new RegExp(`^${name}_count (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  const sum = Number(new RegExp(`^${name}_sum (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  const buckets = [...text.matchAll(new RegExp(`^${name}_bucket\\{le="([^"]+)"\\} (\\S+)$`, "gm"))].map((m) => ({ le: m[1]!, n: Number(m[2]) }));
  const hit = buckets.find((b) => b.n >= q * count);
  return { count, sum, quantileBound: hit ? (hit.le === "+Inf" ? "> 30 s" : `<= ${hit.le} s`) : "n/a" };
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** The laptop's sync port, timing its chunk exports and the receipt import. */
function timedPort(port: SyncLaptop): { port: SyncLaptop; exportMs: () => number; receiptMs: () => number } {
  let exportMs = 0;
  let receiptMs = 0;
  const timed = async <T>(work: () => Promise<T>, add: (ms: number) => void): Promise<T> => {
    const t = performance.now();
    try {
      return await work();
    } finally {
      add(performance.now() - t);
    }
  };
  return {
    port: {
      ...port,
      exportChunk: (path, fromSeq, maxBytes) => timed(() => port.exportChunk(path, fromSeq, maxBytes), (ms) => (exportMs += ms)),
      importReceipt: (path) => timed(() => port.importReceipt(path), (ms) => (receiptMs += ms)),
    },
    exportMs: () => exportMs,
    receiptMs: () => receiptMs,
  };
}

/** The collector's store, timing importBundle (verification, checks and the store's transaction). */
function timedStore(store: CollectorStore): { store: CollectorStore; importMs: () => number } {
  let importMs = 0;
  return {
    store: {
      ...store,
      importBundle: async (bundle, sha256, options) => {
        const t = performance.now();
        try {
          return await store.importBundle(bundle, sha256, options);
        } finally {
          importMs += performance.now() - t;
        }
      },
    },
    importMs: () => importMs,
  };
}

/** Figure 1: one laptop's whole log to an in-process collector on loopback, timed end to end. */
async function singleSync(
  report: Report,
  engine: "SQLite" | "PostgreSQL",
  template: string,
  records: number,
  openStore: (itDir: string) => Promise<CollectorStore>,
  raw: { perCore: number; cores: number; parallel: number },
): Promise<void> {
  const dir = tempDir(`fieldproof-bench-collector-${engine.toLowerCase()}-`);
  let itSide: ItSide | undefined;
  let services: Services | undefined;
  try {
    cpSync(template, join(dir.path, "laptop"), { recursive: true });
    services = openLaptop(join(dir.path, "laptop"), "bench-laptop");
    itSide = await initCollectorIt();
    await services.evidence.trustIt(itSide.trustPath, false); // the journal's last record: `records` in all
    const fingerprint = services.identity.status().fingerprint!;
    const { store, importMs } = timedStore(await openStore(itSide.dir.path));
    const collector = await startCollector({ store, log: jsonLogger(() => undefined), host: "127.0.0.1", port: 0, enrol: [fingerprint] });
    try {
      const laptop = timedPort(services.evidence.syncPort());
      const start = performance.now();
      const result = await syncOnce(laptop.port, collector.url);
      const ms = performance.now() - start;
      if (result.status !== "imported" || result.newRecords !== records) throw new Error(`the ${engine} sync did not import ${records} records: ${JSON.stringify(result)}`);
      const h = histogram(collector.metrics.render({ devices: 1, records, uploadsInFlight: 0 }), 0.99);
      const rate = records / (ms / 1000);
      const ideal = raw.perCore * raw.cores;
      const collectorMs = h.sum * 1000;
      const other = ms - laptop.exportMs() - laptop.receiptMs() - collectorMs;
      report.figure(
        `sync one laptop -> collector (${engine})`,
        rate,
        "records/s",
        `${int(records)} records, ${result.sent.chunks} chunks of <= ${mib(CHUNK_BYTES)} MiB, ${mib(result.sent.bytes)} MiB, ${secs(ms)} s end to end on loopback HTTPS (TLS 1.3, verification included); ` +
          `laptop export ${secs(laptop.exportMs())} s, collector arrival-to-answer ${secs(collectorMs)} s (of which store.importBundle = verify + checks + transaction ${secs(importMs())} s), ` +
          `receipt import ${secs(laptop.receiptMs())} s, other (state, TLS, client) ${secs(other)} s`,
      );
      report.figure(
        `sync vs raw Ed25519 x cores (${engine})`,
        (rate / ideal) * 100,
        "%",
        `goal >= ${GOAL * 100}% of ${int(raw.perCore)} x ${raw.cores} = ${int(ideal)} verifies/s; ${((rate / raw.parallel) * 100).toFixed(0)}% of the ${int(raw.parallel)} measured with ${raw.cores} threads at once`,
        rate >= GOAL * ideal,
      );
    } finally {
      await collector.close();
    }
  } finally {
    await services?.close();
    itSide?.dir.cleanup();
    dir.cleanup();
  }
}

/** `fieldproof collector serve` as a child process, its URL read from its "collector listening" log line. */
async function serveChild(itDir: string, database: string, enrol: readonly string[]): Promise<{ child: ChildProcess; url: string; stop(): Promise<void> }> {
  const bin = fileURLToPath(new URL("../../bin/fieldproof.js", import.meta.url));
  const args = [bin, "collector", "serve", "--it-dir", itDir, "--database", database, "--listen", "127.0.0.1:0", ...enrol.flatMap((f) => ["--enrol", f])];
  const child = spawn(process.execPath, args, { env: { ...process.env, FIELDPROOF_IT_PASSPHRASE: IT_PASSPHRASE }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    // The log is read to its end (a full pipe would stall the collector); only the URL is kept.
    child.stdout.on("data", (c: Buffer) => {
      buffered += c.toString("utf8");
      let nl: number;
      while ((nl = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.includes('"collector listening"')) resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    void exited.then((code) => reject(new Error(`collector serve exited (${code}) before listening: ${stderr.trim()}`)));
  });
  return {
    child,
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** kB fields of /proc/PID/status (VmRSS, VmHWM); undefined off Linux or once the process is gone. */
function procStatus(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Figure 2: `laptops` laptops syncing `perLaptop` records each at once against one PostgreSQL collector (a child process). */
async function fleetSync(report: Report, laptops: number, perLaptop: number, raw: { perCore: number; cores: number }): Promise<void> {
  const db = await startTestDatabase();
  const dir = tempDir("fieldproof-bench-fleet-");
  const fleet: Services[] = [];
  let itSide: ItSide | undefined;
  let serve: Awaited<ReturnType<typeof serveChild>> | undefined;
  try {
    itSide = await initCollectorIt();
    for (let i = 0; i < laptops; i++) {
      const services = openLaptop(join(dir.path, `laptop-${i}`), `bench-laptop-${i}`);
      fleet.push(services);
      await services.evidence.trustIt(itSide.trustPath, false);
      fillJournal(services, perLaptop, `fleet-${i}`);
    }
    serve = await serveChild(itSide.dir.path, db.url, fleet.map((s) => s.identity.status().fingerprint!));
    const pid = serve.child.pid!;
    const idleRss = procStatus(pid, "VmRSS");
    let peakRss = idleRss ?? 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, procStatus(pid, "VmRSS") ?? 0)), 50);
    const chunkMs: number[] = [];
    let chunks = 0;
    const start = performance.now();
    let results;
    try {
      results = await Promise.all(
        fleet.map((services) => {
          let last = 0;
          return syncOnce(services.evidence.syncPort(), serve!.url, {
            onProgress: (done) => {
              const now = performance.now();
              if (done > 0) chunkMs.push(now - last);
              last = now;
            },
          });
        }),
      );
    } finally {
      clearInterval(sampler);
    }
    const ms = performance.now() - start;
    const total = laptops * perLaptop;
    for (const r of results) {
      if (r.status !== "imported" || r.newRecords !== perLaptop) throw new Error(`a fleet sync did not import ${perLaptop} records: ${JSON.stringify(r)}`);
      chunks += r.sent.chunks;
    }
    const metrics = (await anonymous(`${serve.url}/metrics`)).text;
    const h = histogram(metrics, 0.99);
    const refused = [...metrics.matchAll(/^fieldproof_collector_refusals_total\{reason="([^"]+)"\} (\d+)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    const hwm = procStatus(pid, "VmHWM");
    const rate = total / (ms / 1000);
    const ideal = raw.perCore * raw.cores;
    const sorted = [...chunkMs].sort((a, b) => a - b);
    const workload = `${laptops} laptops x ${int(perLaptop)} records at once, ${chunks} chunks, one PostgreSQL collector (child process)`;
    report.figure(
      "fleet sync -> PostgreSQL collector, total",
      rate,
      "records/s",
      `${workload}, ${secs(ms)} s; ${((rate / ideal) * 100).toFixed(0)}% of raw Ed25519 ${int(raw.perCore)} x ${raw.cores} cores; refusals: ${refused.length ? refused.join(", ") : "none"}`,
    );
    report.figure(
      "fleet sync, p99 chunk latency",
      quantile(sorted, 0.99) / 1000,
      "s",
      `laptop side, export + upload + answer of each chunk; median ${secs(quantile(sorted, 0.5))} s, max ${secs(sorted.at(-1) ?? NaN)} s; collector's /metrics histogram: p99 ${h.quantileBound} over ${h.count} uploads, mean ${(h.sum / Math.max(1, h.count)).toFixed(2)} s`,
    );
    report.figure(
      "fleet sync, collector RSS peak",
      Math.max(peakRss, hwm ?? 0) / 2 ** 20,
      "MiB",
      hwm === undefined
        ? "no /proc on this system: not measured"
        : `collector serve's VmHWM ${mib(hwm)} MiB, VmRSS sampled every 50 ms peaked at ${mib(peakRss)} MiB; ${mib(idleRss ?? 0)} MiB idle before the sync`,
    );
  } finally {
    await serve?.stop();
    for (const services of fleet) await services.close();
    itSide?.dir.cleanup();
    dir.cleanup();
    await db.stop();
  }
}

export async function collectorBench(report: Report, options: CollectorBenchOptions): Promise<void> {
  const cores = availableParallelism();
  const perCore = rawVerifyRate(20_000);
  const parallel = await rawParallelRate(cores, 20_000);
  report.figure("raw Ed25519 verify, one core", perCore, "verifies/s", "node:crypto, 900-byte messages");
  report.figure(`raw Ed25519 verify, ${cores} threads at once`, parallel, "verifies/s", `scaling ${((parallel / perCore / cores) * 100).toFixed(0)}% of ${cores} x one core`);
  const raw = { perCore, cores, parallel };

  // One laptop journal, built once and copied for each engine (the copies trust their own IT).
  const dir = tempDir("fieldproof-bench-collector-");
  try {
    const template = join(dir.path, "template");
    const start = performance.now();
    const laptop = openLaptop(template, "bench-laptop");
    fillJournal(laptop, options.records - 1, "sync");
    await laptop.close();
    process.stdout.write(`  (laptop journal of ${int(options.records)} records built in ${secs(performance.now() - start)} s, not timed)\n`);

    await singleSync(report, "SQLite", template, options.records, async (itDir) => openSqliteStore(itDir, IT_PASSPHRASE), raw);
    const pg = await postgres();
    if (!pg) return;
    try {
      await singleSync(report, "PostgreSQL", template, options.records, (itDir) => openPostgresStore(itDir, IT_PASSPHRASE, pg.url), raw);
    } finally {
      await pg.stop();
    }
    if (!existsSync(fileURLToPath(new URL("../../dist/main/cli.js", import.meta.url)))) throw new Error("dist/main/cli.js is missing: run npm run build");
    await fleetSync(report, options.laptops, options.perLaptop, raw);
  } finally {
    dir.cleanup();
  }
}

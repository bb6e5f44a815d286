import { generateKeyPairSync, sign, verify } from "node:crypto";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { readBundle } from "../../main/evidence/bundleReader";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import { createServices } from "../../main/services";
import { ItService } from "../../main/services/itService";
import { tempDir } from "../support/tempDir";
import type { Report } from "./report";

const PASSPHRASE = "bench passphrase";

/** Raw Ed25519 verifications per second on one core, for the same message size as a record. */
export function rawVerifyRate(samples: number): number {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const message = Buffer.alloc(900, 7);
  const sig = sign(null, message, privateKey);
  const start = performance.now();
  for (let i = 0; i < samples; i++) verify(null, message, publicKey, sig);
  return samples / ((performance.now() - start) / 1000);
}

const RAW_WORKER = `
const { parentPort } = require("node:worker_threads");
const { generateKeyPairSync, sign, verify } = require("node:crypto");
parentPort.once("message", (n) => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const m = Buffer.alloc(900, 7); const s = sign(null, m, privateKey);
  const t = performance.now(); for (let i = 0; i < n; i++) verify(null, m, publicKey, s);
  parentPort.postMessage(n / ((performance.now() - t) / 1000));
});`;

/** Raw verifications per second with every core busy at once (what the hardware really gives). */
export async function rawParallelRate(threads: number, samples: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(RAW_WORKER, { eval: true }));
  const rates = await Promise.all(workers.map((w) => new Promise<number>((resolve) => { w.once("message", resolve); w.postMessage(samples); })));
  await Promise.all(workers.map((w) => w.terminate()));
  return rates.reduce((a, b) => a + b, 0);
}

export async function evidenceBench(report: Report, options: { records: number; appendSamples: number }): Promise<void> {
  const dir = tempDir("fieldproof-bench-");
  try {
    const services = createServices({ dataDir: join(dir.path, "laptop"), runtime: "test", passphrase: PASSPHRASE });
    services.identity.ensureDevice();
    const journal = services.identity.journal;
    const subject = [{ name: "fieldproof:device/bench" }];

    // Append, one durable transaction per record (synchronous=FULL: one fsync each).
    let start = performance.now();
    for (let i = 0; i < options.appendSamples; i++) journal.append("device.renamed", subject, { name: `bench-${i}` });
    const single = options.appendSamples / ((performance.now() - start) / 1000);
    report.figure("journal append, one transaction per record", single, "records/s", `${options.appendSamples} device.renamed records with projection, synchronous=FULL`);

    // Append in batches of 100 (a scan's observations, a bulk assignment).
    start = performance.now();
    for (let i = 0; i < options.appendSamples; i += 100) {
      journal.appendMany(Array.from({ length: 100 }, (_, j) => ({ kind: "device.renamed" as const, subjects: subject, data: { name: `batch-${i + j}` } })));
    }
    const batched = options.appendSamples / ((performance.now() - start) / 1000);
    report.figure("journal append, batches of 100", batched, "records/s", `${options.appendSamples} records, target >= 5,000/s`, batched >= 5000);

    // Grow the log to the bundle size, then export it.
    const have = services.repos.journal.head().size;
    for (let i = have; i < options.records; i += 1000) {
      const n = Math.min(1000, options.records - i);
      journal.appendMany(Array.from({ length: n }, (_, j) => ({ kind: "device.renamed" as const, subjects: subject, data: { name: `fill-${i + j}` } })));
    }
    const bundlePath = join(dir.path, "bundle.tar");
    start = performance.now();
    const exported = await services.evidence.export(bundlePath, undefined);
    report.figure("export bundle", (performance.now() - start) / 1000, "s", `${exported.records} records, ${(exported.bytes / 2 ** 20).toFixed(1)} MiB`);
    const fingerprint = services.identity.status().fingerprint!;
    await services.close();

    // Verify and import on the IT side, beside the machine's raw verify rate.
    const cores = availableParallelism();
    const raw = rawVerifyRate(20_000);
    const parallelBefore = await rawParallelRate(cores, 20_000);
    report.figure("raw Ed25519 verify, one core", raw, "verifies/s", "node:crypto, 900-byte messages");

    start = performance.now();
    const parsed = await readBundle(bundlePath);
    const readSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    const result = await verifyBundle(parsed);
    const verifySeconds = (performance.now() - start) / 1000;
    if (!result.ok) throw new Error("the benchmark bundle did not verify");
    const verifyRate = exported.records / verifySeconds;
    const parallelAfter = await rawParallelRate(cores, 20_000);
    const parallel = (parallelBefore + parallelAfter) / 2;
    report.figure(`raw Ed25519 verify, ${cores} threads at once`, parallel, "verifies/s", `mean of before (${parallelBefore.toFixed(0)}) and after (${parallelAfter.toFixed(0)}) the bundle verify; scaling ${(parallel / raw / cores * 100).toFixed(0)}% of ${cores} x one core`);
    report.figure("verify bundle (signatures, chain, root)", verifyRate, "records/s", `${exported.records} records on ${cores} worker threads; read+parse ${readSeconds.toFixed(2)} s; ${(verifyRate / parallel * 100).toFixed(0)}% of the measured parallel raw rate`);

    await ItService.init(join(dir.path, "it"), "bench it passphrase");
    const it = ItService.open(join(dir.path, "it"), async () => "bench it passphrase");
    start = performance.now();
    const imported = await it.import(bundlePath, { enrolFingerprint: fingerprint });
    const importSeconds = (performance.now() - start) / 1000;
    await it.close();
    const importRate = imported.newRecords / importSeconds;
    const target = 0.7 * raw * cores;
    report.figure("verify + import into IT store", importRate, "records/s", `${imported.newRecords} records in ${importSeconds.toFixed(2)} s, one transaction`);
    report.figure(
      "verify rate vs raw rate x cores",
      (verifyRate / (raw * cores)) * 100,
      "%",
      `target >= 70% (${target.toFixed(0)} records/s); import incl. parse and SQLite: ${((importRate / (raw * cores)) * 100).toFixed(0)}%`,
      verifyRate >= target,
    );
  } finally {
    dir.cleanup();
  }
}

// `npm run bench`: speed figures, printed with the machine and the workload. Targets are compared
// within one run (ratios), never asserted in the test suite: these machines are noisy.
import { cpus, totalmem } from "node:os";
import { collectorBench } from "./collector";
import { evidenceBench } from "./evidence";
import { identitiesBench } from "./browser/identities";
import { rotationBench } from "./rotation";
import { scanBench } from "./scan";
import { Report } from "./report";

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? "unknown cpu"} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);

async function run(): Promise<void> {
  process.stdout.write(`Fieldproof benchmarks${quick ? " (quick)" : ""}\nmachine: ${machine()}\n`);
  const report = new Report();
  if (!only || only === "evidence") {
    process.stdout.write("\nEvidence journal\n");
    await evidenceBench(report, quick ? { records: 10_000, appendSamples: 2_000 } : { records: 100_000, appendSamples: 10_000 });
  }
  if (!only || only === "scan") {
    process.stdout.write("\nController scan\n");
    await scanBench(report, quick ? 10 : 50);
  }
  if (!only || only === "rotation") {
    process.stdout.write("\nPassword rotation\n");
    await rotationBench(report, quick ? 10 : 50);
  }
  if (!only || only === "identities") {
    process.stdout.write("\nIdentities\n");
    await identitiesBench(report, quick ? 100 : 500, 200);
  }
  if (!only || only === "collector") {
    process.stdout.write(`\nCollector sync (machine: ${machine()})\n`);
    await collectorBench(report, quick ? { records: 10_000, laptops: 5, perLaptop: 1_000 } : { records: 100_000, laptops: 20, perLaptop: 5_000 });
  }
  const missed = report.missed();
  process.stdout.write(missed.length ? `\nTargets missed: ${missed.join(", ")}\n` : "\nAll targets met.\n");
}

await run();

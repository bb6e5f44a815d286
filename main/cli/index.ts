import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { AppError } from "../../shared/domain/errors";
import { APP_VERSION } from "../version";
import { createCliContext } from "./context";
import { registerCaCommands } from "./ca";
import { registerCollectorCommands } from "./collector";
import { registerEvidenceCommands } from "./evidence";
import { json, processIo, type CliIo } from "./io";
import { registerOwnerCommands } from "./owners";
import { registerAccountCommands, registerCredentialCommands, registerPlantCommands, registerTrustCommand } from "./plant";
import { registerRotationCommands } from "./rotate";
import { registerSimCommand } from "./sim";

/** Runs the `fieldproof` command line; returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command("fieldproof")
    .description("Fieldproof: rotate controller credentials with proof, attribute shared accounts, and carry signed evidence to IT.")
    .version(APP_VERSION, "-V, --version", "print the version")
    .option("--data-dir <dir>", "folder holding the store and keys (default: FIELDPROOF_DATA_DIR, else the desktop app's folder)")
    .showHelpAfterError("(run fieldproof --help for usage)")
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  const ctx = createCliContext(program, io);

  program
    .command("info")
    .description("show the store location, device name and IT sync state")
    .option("--client-certificate <file>", "also write the laptop's OPC UA certificate (DER) here, for a controller's trust list")
    .option("--json", "print as JSON")
    .action(async (opts: { clientCertificate?: string; json?: boolean }) => {
      const info = await ctx.invoke("system.info", {});
      const certificate = opts.clientCertificate ? await ctx.invoke("system.clientCertificate", {}) : null;
      const written = opts.clientCertificate ? await ctx.invoke("system.exportClientCertificate", { path: resolve(opts.clientCertificate) }) : null;
      const { rotations: rows } = await ctx.invoke("rotations.list", {});
      const rotations = {
        interrupted: rows.filter((r) => r.state === "pending" && !r.needsManualChange).length,
        waitingForManualStep: rows.filter((r) => r.needsManualChange).length,
      };
      if (opts.json) io.out(json({ ...info, rotations, ...(certificate ? { clientCertificate: { ...certificate, written: written?.path ?? null } } : {}) }));
      else {
        io.out(`Fieldproof ${info.appVersion}`);
        io.out(`Device:     ${info.deviceName}`);
        io.out(`Key:        ${info.deviceFingerprint ?? "not created yet (made on the first signed record)"}`);
        io.out(`Store:      ${info.storePath}`);
        io.out(`IT sync:    ${info.itSync.state}${info.itSync.recordsSinceReceipt ? ` (${info.itSync.recordsSinceReceipt} records not receipted)` : ""}`);
        io.out(`Rotations:  ${rotationState(rotations)}`);
        if (certificate) {
          io.out(`OPC UA certificate (what a controller must trust): ${certificate.subject}`);
          io.out(`  SHA-256 ${certificate.thumbprintSha256}, valid until ${certificate.notAfter}`);
          io.out(`  written to ${written!.path} (DER, ${written!.bytes} bytes); kept at ${certificate.file}`);
        }
      }
    });

  registerEvidenceCommands(program, ctx);
  registerCaCommands(program, ctx);
  registerPlantCommands(program, ctx);
  registerTrustCommand(program, ctx);
  registerAccountCommands(program, ctx);
  registerCredentialCommands(program, ctx);
  registerRotationCommands(program, ctx);
  registerSimCommand(program, { io });
  registerOwnerCommands(program, ctx);
  registerCollectorCommands(program, ctx);

  try {
    await program.parseAsync([...argv], { from: "user" });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof AppError) {
      io.err(`fieldproof: ${error.message}`);
      return 1;
    }
    io.err(`fieldproof: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 70;
  } finally {
    await ctx.close();
  }
}

/** The rotations that need the technician: interrupted ones (to resolve) and manual steps (to finish). */
function rotationState({ interrupted, waitingForManualStep }: { interrupted: number; waitingForManualStep: number }): string {
  const parts = [
    interrupted > 0 ? `${interrupted} interrupted: resolve with fieldproof rotations resolve` : "",
    waitingForManualStep > 0 ? `${waitingForManualStep} waiting for a manual step: see fieldproof rotations list` : "",
  ].filter(Boolean);
  return parts.length > 0 ? parts.join("; ") : "none interrupted or waiting";
}

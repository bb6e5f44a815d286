import { InvalidArgumentError, Option, type Command } from "commander";
import { RotationRequest, type ControllerOutcome, type RotationRowView } from "../../shared/contract";
import { OperationalState, RotationReason } from "../../shared/evidence/kinds";
import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import type { CliContext } from "./context";
import { json } from "./io";
import { promptSecret } from "./prompt";

interface RotateOptions {
  controller?: string[];
  reason: string;
  workOrder: string;
  state: string;
  currentPasswordEnv?: string;
  approver?: string;
  approverPinEnv?: string;
  emergency?: boolean;
  passwordScope: string;
  concurrency: number;
  json?: boolean;
}

const INTERRUPTED = "A controller being changed finishes its step and is recorded; if the laptop stops mid-step, `fieldproof rotations resolve` finds out which password the controller accepts";

/** `fieldproof rotate`, `fieldproof rotations [list|resolve|retry|reveal|confirm]`. Passwords never come as arguments (ps shows them). */
export function registerRotationCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;

  async function secret(envName: string | undefined, question: string, fallbackEnv: string): Promise<string | undefined> {
    if (envName) {
      const value = process.env[envName];
      if (value === undefined) throw new AppError("INVALID_REQUEST", `The environment variable ${envName} is not set.`);
      return value;
    }
    if (process.stdin.isTTY) return promptSecret(question, fallbackEnv);
    return undefined;
  }

  program
    .command("rotate <identity>")
    .description("rotate an account's password on its controllers, with proof (new accepted, old refused)")
    .option("--controller <id...>", "only these controllers (default: every controller the account lives on)")
    .addOption(new Option("--reason <reason>", "why (required)").choices(RotationReason.options).makeOptionMandatory())
    .requiredOption("--work-order <wo>", "the work order this change belongs to (required)")
    .addOption(new Option("--state <state>", "operational state").choices(OperationalState.options).default("maintenance-window"))
    .option("--current-password-env <var>", "environment variable holding the account's current password (else asked for)")
    .option("--approver <person>", "the person approving (dual control), by person id")
    .option("--approver-pin-env <var>", "environment variable holding the approver's PIN (else asked for)")
    .option("--emergency", "an emergency override (only those named for it may approve)")
    .addOption(new Option("--password-scope <scope>", "a new password per controller, or one for all").choices(RotationRequest.shape.passwordScope.unwrap().options).default("per-controller"))
    .option("--concurrency <n>", "controllers at once (1-32)", positiveInt(32), 8)
    .option("--json", "print the result as JSON")
    .action(async (identity: string, opts: RotateOptions) => {
      await ctx.unlock();
      const identityId = identity.includes("/") ? identity : `user/${identity}`;
      const userName = identityId.slice(identityId.indexOf("/") + 1);
      const { ownLogin } = await ctx.invoke("identities.get", { id: identityId });
      if (ownLogin && opts.currentPasswordEnv) io.err(`${userName} is your own controller login: its current password comes from this laptop's vault; --current-password-env is not used.`);
      const currentPassword = ownLogin ? undefined : await secret(opts.currentPasswordEnv, `Current password of ${userName}: `, "--current-password-env");
      const pin = opts.approver ? await secret(opts.approverPinEnv, `PIN of ${opts.approver}: `, "--approver-pin-env") : undefined;
      const parsed = RotationRequest.safeParse({
        identityId,
        controllerIds: opts.controller,
        reason: opts.reason,
        workOrder: opts.workOrder,
        operationalState: opts.state,
        currentPassword,
        approval: opts.approver ? { personId: opts.approver, pin: pin ?? "", emergency: opts.emergency === true } : undefined,
        passwordScope: opts.passwordScope,
        concurrency: opts.concurrency,
      });
      if (!parsed.success) throw new AppError("INVALID_REQUEST", describeIssues(parsed.error, 1));
      io.err(`Rotating ${userName}...`);
      reportBatch(await ctx.job("rotations.start", parsed.data, "rotations.batchResult", INTERRUPTED), opts.json === true);
    });

  function reportBatch({ batchId, results }: { batchId: string; results: readonly ControllerOutcome[] }, asJson: boolean): void {
    if (results.some((r) => r.state === "failed" || r.state === "refused")) ctx.exitCode = 1;
    if (asJson) {
      io.out(json({ batchId, results }));
      return;
    }
    for (const r of results) io.out(`${r.state.toUpperCase().padEnd(15)} ${r.controllerId}: ${r.message}`);
    io.out(`Batch ${batchId}: ${results.filter((r) => r.state === "committed").length} of ${results.length} rotated with proof.`);
    if (results.some((r) => r.state === "failed" || r.state === "refused")) io.out(`Retry only the failures: fieldproof rotations retry ${batchId}`);
    for (const r of results.filter((x) => x.state === "pending-manual")) {
      io.out(`Manual step for ${r.controllerId}: fieldproof rotations reveal ${r.rotationId} (recorded), set it in the vendor tool, then fieldproof rotations confirm ${r.rotationId}`);
    }
  }

  const rotations = program.command("rotations").description("list rotations; resolve interrupted ones; retry a batch's failures");
  rotations
    .command("list", { isDefault: true })
    .description("rotations, newest first, with their proof")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { rotations: view } = await ctx.invoke("rotations.list", {});
      if (opts.json) io.out(json(view));
      else for (const r of view) io.out(line(r));
    });
  rotations
    .command("resolve")
    .description("probe the controllers of interrupted rotations and record which password they accept")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      await ctx.unlock();
      const { resolved } = await ctx.job("rotations.resolvePending", {}, "rotations.resolveResult");
      if (opts.json) io.out(json(resolved));
      else if (resolved.length === 0) io.out("No interrupted rotation.");
      else for (const r of resolved) io.out(`${r.rotationId}: ${r.outcome}`);
    });
  rotations
    .command("reveal <rotation>")
    .description("show a pending manual rotation's new password once, to type into the vendor tool (the showing is recorded)")
    .action(async (rotationId: string) => {
      await ctx.unlock();
      const shown = await ctx.invoke("rotations.revealManual", { rotationId });
      io.err(`New password for ${shown.userName} on ${shown.controllerName} (this showing is recorded):`);
      io.out(shown.password);
    });
  rotations
    .command("confirm <rotation>")
    .description("the manual change is done: prove it (new accepted, old refused) and commit")
    .action(async (rotationId: string) => {
      await ctx.unlock();
      const result = await ctx.invoke("rotations.confirmManual", { rotationId });
      io.out(`${result.state.toUpperCase()}: ${result.summary}`);
      if (result.state !== "committed") ctx.exitCode = 1;
    });
  rotations
    .command("retry <batch>")
    .description("rotate again only where a batch failed")
    .option("--current-password-env <var>", "environment variable holding the account's current password (else asked for)")
    .option("--approver <person>", "the person approving (dual control)")
    .option("--approver-pin-env <var>", "environment variable holding the approver's PIN")
    .option("--json", "print as JSON")
    .action(async (batch: string, opts: { currentPasswordEnv?: string; approver?: string; approverPinEnv?: string; json?: boolean }) => {
      await ctx.unlock();
      const currentPassword = await secret(opts.currentPasswordEnv, "Current password: ", "--current-password-env");
      const pin = opts.approver ? await secret(opts.approverPinEnv, `PIN of ${opts.approver}: `, "--approver-pin-env") : undefined;
      const approval = opts.approver ? { personId: opts.approver, pin: pin ?? "", emergency: false } : undefined;
      reportBatch(await ctx.job("rotations.retryFailed", { batchId: batch, currentPassword, approval }, "rotations.batchResult", INTERRUPTED), opts.json === true);
    });
}

function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

function line(r: RotationRowView): string {
  return `${r.startedAt.slice(0, 19)}  ${r.userName.padEnd(14)} ${r.controllerName.padEnd(36)} ${r.state.padEnd(18)} ${r.summary}`;
}

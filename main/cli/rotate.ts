import { InvalidArgumentError, Option, type Command } from "commander";
import { RotationRequest, type ControllerOutcome, type RotationRowView } from "../../shared/contract";
import { OperationalState, RotationReason } from "../../shared/evidence/kinds";
import { AppError } from "../../shared/domain/errors";
import { suggest } from "../../shared/domain/names";
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
  passwordScope?: string;
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
    .addOption(
      new Option("--password-scope <scope>", "a new password per controller, one per line, or one for all (default: the site's setting for accounts with holders, else per controller)").choices(
        RotationRequest.shape.passwordScope.unwrap().options,
      ),
    )
    .option("--concurrency <n>", "controllers at once (1-32)", positiveInt(32), 8)
    .option("--json", "print the result as JSON")
    .action(async (identity: string, opts: RotateOptions) => {
      await ctx.unlock();
      const identityId = identity.includes("/") ? identity : `user/${identity}`;
      const userName = identityId.slice(identityId.indexOf("/") + 1);
      const { ownLogin, controllers: livesOn } = await ctx.invoke("identities.get", { id: identityId });
      for (const id of opts.controller ?? []) {
        if (!livesOn.some((c) => c.id === id)) {
          throw new AppError("NOT_FOUND", `The account ${userName} does not live on a controller ${id}.${suggest(id, livesOn.map((c) => c.id))} Leave out --controller to rotate it on every controller it lives on.`);
        }
      }
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
      const targets = opts.controller ? livesOn.filter((c) => opts.controller!.includes(c.id)) : livesOn;
      reportBatch(await watchInterrupt(identityId, targets, () => ctx.job("rotations.start", parsed.data, "rotations.batchResult", INTERRUPTED)), opts.json === true);
    });

  /**
   * Runs a rotation job so that Ctrl+C says where each controller was left. The first Ctrl+C (the job
   * stops after the step in flight) takes a snapshot of the batch's rotations; the second one quits at
   * once and prints it. This listener is added before ctx.job's own, so it prints before that one exits.
   */
  async function watchInterrupt<T>(identityId: string, targets: readonly { id: string; name: string }[] | null, run: () => Promise<T>): Promise<T> {
    const before = new Set((await ctx.invoke("rotations.list", {})).rotations.map((r) => r.batchId));
    let snapshot: RotationRowView[] | null = null;
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts === 1) {
        void ctx.invoke("rotations.list", {}).then(
          ({ rotations: rows }) => (snapshot = rows.filter((r) => r.identityId === identityId && r.batchId !== null && !before.has(r.batchId))),
          () => undefined,
        );
      } else io.err(leftIn(snapshot, targets));
    };
    process.on("SIGINT", onSigint);
    try {
      return await run();
    } finally {
      process.off("SIGINT", onSigint);
    }
  }

  function reportBatch({ batchId, results, handOverTo }: { batchId: string; results: readonly ControllerOutcome[]; handOverTo: readonly string[] }, asJson: boolean): void {
    if (results.some((r) => r.state === "failed" || r.state === "refused")) ctx.exitCode = 1;
    if (asJson) {
      io.out(json({ batchId, results, handOverTo }));
      return;
    }
    for (const r of results) io.out(`${r.state.toUpperCase().padEnd(15)} ${r.controllerId}: ${r.message}`);
    io.out(`Batch ${batchId}: ${results.filter((r) => r.state === "committed").length} of ${results.length} rotated with proof.`);
    const interrupted = results.filter((r) => r.state === "pending");
    if (interrupted.length > 0) io.out(`${interrupted.length} interrupted (${interrupted.map((r) => r.controllerId).join(", ")}): the controller holds the old or the new password. Find out which and record it: fieldproof rotations resolve`);
    if (results.some((r) => r.state === "failed" || r.state === "refused")) io.out(`Retry only the failures: fieldproof rotations retry ${batchId}`);
    for (const r of results.filter((x) => x.state === "pending-manual")) {
      io.out(`Manual step for ${r.controllerId}: fieldproof rotations reveal ${r.rotationId} (recorded), set it in the vendor tool, then fieldproof rotations confirm ${r.rotationId}`);
    }
    if (handOverTo.length > 0) io.out(`Hand over to: ${handOverTo.join(", ")} (each one: fieldproof rotations handover ACCOUNT --person ID; the laptop keeps it for them for 72 hours)`);
  }

  const rotations = program.command("rotations").description("list rotations; resolve interrupted ones; retry a batch's failures");
  rotations
    .command("list", { isDefault: true })
    .description("rotations, newest first, with their proof")
    .option("--json", "print as JSON")
    .action(async (opts: { json?: boolean }) => {
      const { rotations: view } = await ctx.invoke("rotations.list", {});
      if (opts.json) {
        io.out(json(view));
        return;
      }
      if (view.length === 0) {
        io.out("No rotations yet. Start one with: fieldproof rotate ACCOUNT --reason REASON --work-order WO");
        return;
      }
      const rotationIds = shortIds(view.map((r) => r.rotationId));
      const batchIds = shortIds(view.map((r) => r.batchId).filter((b): b is string => b !== null));
      const rows = view.map((r) => [r.startedAt.slice(0, 19), rotationIds.get(r.rotationId)!, r.batchId ? batchIds.get(r.batchId)! : "-", r.userName, r.controllerName, r.state, r.summary]);
      io.out(table(["STARTED", "ROTATION", "BATCH", "ACCOUNT", "CONTROLLER", "STATE", "SUMMARY"], rows));
      const interrupted = view.filter((r) => r.state === "pending" && !r.needsManualChange).length;
      const manual = view.filter((r) => r.needsManualChange).length;
      if (interrupted > 0) io.out(`${interrupted} interrupted: find out which password each controller holds and record it with: fieldproof rotations resolve`);
      if (manual > 0) io.out(`${manual} waiting for a manual step: fieldproof rotations reveal ROTATION, set it in the vendor tool, then fieldproof rotations confirm ROTATION`);
      io.out("Commands take the ids as shown (or any longer part of them).");
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
    .action(async (typed: string) => {
      await ctx.unlock();
      const rotationId = await rotationIdOf(typed);
      const shown = await ctx.invoke("rotations.revealManual", { rotationId });
      io.err(`New password for ${shown.userName} on ${shown.controllerName} (this showing is recorded):`);
      io.out(shown.password);
    });
  rotations
    .command("confirm <rotation>")
    .description("the manual change is done: prove it (new accepted, old refused) and commit")
    .action(async (typed: string) => {
      await ctx.unlock();
      const rotationId = await rotationIdOf(typed);
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
      const batchId = await batchIdOf(batch);
      const currentPassword = await secret(opts.currentPasswordEnv, "Current password: ", "--current-password-env");
      const pin = opts.approver ? await secret(opts.approverPinEnv, `PIN of ${opts.approver}: `, "--approver-pin-env") : undefined;
      const approval = opts.approver ? { personId: opts.approver, pin: pin ?? "", emergency: false } : undefined;
      const { rotations: rows } = await ctx.invoke("rotations.list", {});
      const identityId = rows.find((r) => r.batchId === batchId)?.identityId ?? "";
      reportBatch(
        await watchInterrupt(identityId, null, () => ctx.job("rotations.retryFailed", { batchId, currentPassword, approval }, "rotations.batchResult", INTERRUPTED)),
        opts.json === true,
      );
    });

  rotations
    .command("handover [account]")
    .description("give a shared account's new password to one of its current holders, once (recorded); without --person: who still needs it")
    .option("--person <id>", "the holder receiving it, by person id")
    .option("--pin-env <var>", "environment variable holding the holder's PIN, where they have one (else they type it)")
    .option("--close", "forget the copies now: holders who did not get it ask IT")
    .option("--json", "print as JSON")
    .action(async (account: string | undefined, opts: { person?: string; pinEnv?: string; close?: boolean; json?: boolean }) => {
      await ctx.unlock();
      const { handovers } = await ctx.invoke("rotations.handovers", {});
      const identityId = account ? (account.includes("/") ? account : `user/${account}`) : undefined;
      if (!opts.person && !opts.close) {
        const shown = handovers.filter((h) => !identityId || h.identityId === identityId);
        if (opts.json) return io.out(json(shown));
        if (shown.length === 0) return io.out(identityId ? `No new password of ${identityId} waits for handover on this laptop.` : "No new password waits for handover on this laptop.");
        for (const h of shown) {
          const waiting = h.holders.filter((x) => x.missing.length > 0);
          io.out(`${h.userName}: rotated on ${h.controllers.length} controller(s); hand over to: ${waiting.map((x) => `${x.name} (${x.personId}${x.hasPin ? ", PIN" : ", slip"})`).join(", ")}; kept until ${h.expiresAt.slice(0, 16).replace("T", " ")} UTC`);
        }
        return;
      }
      if (!identityId) throw new AppError("INVALID_REQUEST", `Name the account: fieldproof rotations handover ACCOUNT ${opts.close ? "--close" : "--person ID"}. Waiting: ${handovers.map((h) => h.userName).join(", ") || "none"}.`);
      if (opts.close) {
        const closed = await ctx.invoke("rotations.closeHandover", { identityId });
        io.out(`Forgot ${closed.forgotten} new password(s) of ${identityId}.${closed.notReceived.length > 0 ? ` ${closed.notReceived.join(", ")} did not get it: they ask IT (sealed copy).` : ""}`);
        return;
      }
      const holder = handovers.find((h) => h.identityId === identityId)?.holders.find((x) => x.personId === opts.person);
      const pin = holder?.hasPin ? await secret(opts.pinEnv, `${holder.name}, your PIN: `, "--pin-env") : undefined;
      const given = await ctx.invoke("rotations.handOver", { identityId, personId: opts.person!, ...(pin ? { pin } : {}) });
      if (opts.json) return io.out(json(given));
      io.err(`New password of ${identityId.slice(identityId.indexOf("/") + 1)} for ${given.personName} (${given.method === "pin" ? "after their PIN" : "write it on a slip and seal it"}; this handover is recorded):`);
      for (const p of given.passwords) io.out(`${p.controllerName} (${p.controllerId}): ${p.password}`);
      io.err(given.waitingFor.length > 0 ? `Still to hand over to: ${given.waitingFor.join(", ")}.` : "Every holder has it now; the laptop forgot it.");
    });

  /** A rotation id as typed: in full, or a part of it that names one rotation (with or without "rot-"). */
  async function rotationIdOf(typed: string): Promise<string> {
    const { rotations: rows } = await ctx.invoke("rotations.list", {});
    const id = expandId(typed, "rot-", rows.map((r) => r.rotationId), "rotation", "rotations");
    if (!id) throw new AppError("NOT_FOUND", `No rotation ${typed} on this laptop. fieldproof rotations list shows the ids.`);
    return id;
  }

  /**
   * A batch id as typed: in full, or a part of it that names one batch (with or without "batch-"). A
   * batch that recorded no rotation (every controller refused) is not in the list: passed on as typed.
   */
  async function batchIdOf(typed: string): Promise<string> {
    const { rotations: rows } = await ctx.invoke("rotations.list", {});
    return expandId(typed, "batch-", rows.map((r) => r.batchId).filter((b): b is string => b !== null), "batch", "batches") ?? typed;
  }
}

/**
 * The full id a typed id stands for: an exact id, or the one id starting with what was typed; none:
 * undefined; several: refused, naming them.
 */
export function expandId(typed: string, prefix: string, ids: readonly string[], noun: string, nouns: string): string | undefined {
  const unique = [...new Set(ids)];
  const wanted = (typed.startsWith(prefix) ? typed : `${prefix}${typed}`).toLowerCase();
  if (unique.includes(wanted)) return wanted;
  if (wanted.length <= prefix.length) throw new AppError("INVALID_REQUEST", `Give a ${noun} id, as fieldproof rotations list shows it.`);
  const matches = unique.filter((id) => id.startsWith(wanted));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new AppError("INVALID_REQUEST", `${typed} could be any of ${matches.length} ${nouns} (${matches.slice(0, 5).join(", ")}${matches.length > 5 ? ", …" : ""}): type more of the id.`);
  }
  return undefined;
}

/** Each id shortened to its prefix word and 8 hex digits, longer only where two would look alike. */
export function shortIds(ids: readonly string[]): Map<string, string> {
  const unique = [...new Set(ids)];
  const out = new Map<string, string>();
  for (const id of unique) {
    const start = id.indexOf("-") + 1;
    let length = start + 8;
    while (length < id.length && unique.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length++;
    out.set(id, id.slice(0, length));
  }
  return out;
}

/** What Ctrl+C left behind, per controller, and how to go on. `targets`: the batch's controllers, when known. */
function leftIn(rows: readonly RotationRowView[] | null, targets: readonly { id: string; name: string }[] | null): string {
  if (rows === null) {
    return "Where each controller was left: see fieldproof rotations list. An interrupted one (state pending) holds the old or the new password: fieldproof rotations resolve finds out which and records it.";
  }
  const lines = ["Where each controller was left:"];
  for (const r of rows) {
    const what =
      r.state === "committed"
        ? "rotated with proof (new password accepted, old refused)"
        : r.needsManualChange
          ? `waiting for the manual step (${r.rotationId}): fieldproof rotations reveal ${r.rotationId}, then confirm`
          : r.state === "pending"
            ? `interrupted mid-change (${r.rotationId}): it holds the old or the new password`
            : `${r.state}: ${r.summary}`;
    lines.push(`  ${r.controllerName} (${r.controllerId}): ${what}`);
  }
  const started = new Set(rows.map((r) => r.controllerId));
  if (targets) for (const t of targets.filter((x) => !started.has(x.id))) lines.push(`  ${t.name} (${t.id}): not started: nothing was changed`);
  else lines.push("  Any other controller of the batch was not started: nothing was changed there.");
  const interrupted = rows.some((r) => r.state === "pending" && !r.needsManualChange);
  const batch = rows[0]?.batchId;
  const unfinished = rows.some((r) => r.state !== "committed") || (targets ?? []).some((t) => !started.has(t.id));
  const resume = [
    interrupted ? "fieldproof rotations resolve (finds out which password each interrupted controller holds and records it)" : "",
    batch && unfinished ? `fieldproof rotations retry ${batch} (rotates the controllers not done)` : "",
  ].filter(Boolean);
  if (resume.length > 0) lines.push(`To resume: ${resume.join(", then ")}.`);
  else if (rows.length === 0) lines.push("Nothing was recorded, so no controller was changed: run the same command again to start over.");
  return lines.join("\n");
}

function positiveInt(max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`expected a whole number from 1 to ${max}`);
    return n;
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

import { resolve } from "node:path";
import type { Command } from "commander";
import { InvalidArgumentError, Option } from "commander";
import { DeclaredAccountKind } from "../../shared/domain/plant";
import { AppError } from "../../shared/domain/errors";
import { suggest } from "../../shared/domain/names";
import { type ScanOutcome } from "../../shared/contract";
import type { CliContext } from "./context";
import { json } from "./io";
import { promptSecret } from "./prompt";

/** Read, fully or in part, or waiting for the technician to trust a new certificate. */
const READ = new Set<ScanOutcome["status"]>(["observed", "partial", "awaiting-trust"]);
/** The controller answered and refused, or answered with something Fieldproof must not accept. */
const REFUSED = new Set<ScanOutcome["status"]>(["certificate-changed", "access-denied", "error"]);

/** `fieldproof scan --plant FILE | TARGET...`: discovery and posture from the command line. */
export function registerPlantCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command("scan [targets...]")
    .description("scan controllers: those of a plant file (--plant), typed hosts/ranges/URLs, or every known controller")
    .option("--plant <file>", "import this plant file first, then scan its controllers")
    .option("--port <ports>", "ports for typed hosts and ranges, comma separated", "4840")
    .option("--trust-new", "trust certificates seen for the first time (recorded as your decision); otherwise nothing is sent to them")
    .option("--concurrency <n>", "controllers at once (1-64)", wholeNumber(1, 64), 8)
    .option("--timeout <ms>", "per-controller timeout in milliseconds (500-120000)", wholeNumber(500, 120_000), 10_000)
    .option("--json", "print the outcomes as JSON")
    .action(async (targets: string[], opts: { plant?: string; port: string; trustNew?: boolean; concurrency: number; timeout: number; json?: boolean }) => {
      await ctx.unlock();
      let controllerIds: string[] | undefined;
      if (opts.plant) {
        const summary = await ctx.invoke("plant.importFile", { path: resolve(opts.plant) });
        io.err(`Plant ${summary.site}: ${summary.controllers} controller(s), ${summary.logins} login(s) stored encrypted.`);
        controllerIds = summary.controllerIds;
      }
      const ports = opts.port.split(",").map((p) => Number(p.trim()));
      const { outcomes } = await ctx.job(
        "plant.scan",
        { controllerIds, targets: targets.length > 0 ? targets : undefined, ports, trustNewCertificates: opts.trustNew === true, concurrency: opts.concurrency, timeoutMs: opts.timeout },
        "plant.scanResult",
        "controllers already asked are recorded; the rest are not scanned",
      );
      if (opts.json) io.out(json(outcomes));
      else print(outcomes, (text) => io.out(text));
      // A controller that could not be read is a failure for scripts (exit 1). In a sweep of typed hosts
      // and ports, an address where nothing answers is not a controller, so only answers count there.
      const sweep = targets.length > 0;
      const failed = outcomes.filter((o) => REFUSED.has(o.status) || (!sweep && (o.status === "unreachable" || o.status === "timeout")));
      if (failed.length > 0 || !outcomes.some((o) => READ.has(o.status))) ctx.exitCode = 1;
      if (!opts.json && failed.length > 0) {
        const named = failed.slice(0, 10).map((o) => `${o.name} (${o.status})`).join(", ") + (failed.length > 10 ? ` and ${failed.length - 10} more` : "");
        io.err(`${failed.length} of ${outcomes.length} controller(s) could not be read: ${named}. See the lines above for why and what to do.`);
      } else if (!opts.json && !outcomes.some((o) => READ.has(o.status))) {
        io.err(`No controller answered (${outcomes.length} address(es) tried). Check the addresses and ports, and that the laptop is on the controllers' network.`);
      }
    });
}

/** `fieldproof trust CONTROLLER --thumbprint SHA256`: the technician's decision on a certificate, from the command line. */
export function registerTrustCommand(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  program
    .command("trust <controller>")
    .description("trust (or --reject) the certificate a controller presents now, after checking its SHA-256 thumbprint on the controller; recorded as your decision")
    .requiredOption("--thumbprint <sha256>", "the SHA-256 thumbprint you checked (64 hex digits, colons and spaces allowed) (required)")
    .option("--reject", "reject it instead: Fieldproof then sends it nothing")
    .option("--note <text>", "why, for the record", "")
    .action(async (controller: string, opts: { thumbprint: string; reject?: boolean; note: string }) => {
      await ctx.unlock();
      const thumbprint = opts.thumbprint.replace(/[\s:]/g, "").toLowerCase();
      if (!/^[0-9a-f]{64}$/.test(thumbprint)) throw new AppError("INVALID_REQUEST", "--thumbprint: give the certificate's SHA-256 thumbprint, 64 hex digits (a scan prints it).");
      const { controllers } = await ctx.invoke("plant.tree", {});
      const match = controllers.find((c) => c.id === controller) ?? controllers.find((c) => c.name.toLowerCase() === controller.toLowerCase());
      if (!match) throw new AppError("NOT_FOUND", `No controller ${controller} in this plant.${suggest(controller, controllers.map((c) => c.id))}`);
      const summary = await ctx.invoke("plant.trust", { controllerId: match.id, thumbprintSha256: thumbprint, decision: opts.reject ? "reject" : "trust", note: opts.note });
      io.out(`${summary.name}: certificate ${opts.reject ? "rejected" : "trusted"} (${summary.trust}). ${opts.reject ? "Fieldproof sends it nothing." : "Scan it to read its posture."}`);
    });
}

/** `fieldproof accounts add CONTROLLER NAME`: an account the controller cannot list, declared by the technician. */
export function registerAccountCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const accounts = program.command("accounts").description("accounts on controllers that cannot list their own");
  accounts
    .command("add <controller> <name>")
    .description("declare an account you know is on a controller that cannot list its accounts (no Part 18, no RoleSet); it then rotates through the manual path with proof by login")
    .addOption(new Option("--kind <kind>", "what the account is").choices(DeclaredAccountKind.options).default("user"))
    .option("--description <text>", "what it is for", "")
    .option("--json", "print the result as JSON")
    .action(async (controller: string, name: string, opts: { kind: DeclaredAccountKind; description: string; json?: boolean }) => {
      await ctx.unlock();
      const { controllers } = await ctx.invoke("plant.tree", {});
      const match = controllers.find((c) => c.id === controller) ?? controllers.find((c) => c.name.toLowerCase() === controller.toLowerCase());
      if (!match) throw new AppError("NOT_FOUND", `No controller ${controller} in this plant.${suggest(controller, controllers.map((c) => c.id))}`);
      const result = await ctx.invoke("identities.declare", { controllerIds: [match.id], userName: name, kind: opts.kind, description: opts.description });
      if (opts.json) io.out(json(result));
      else io.out(result.declared > 0 ? `${name} declared on ${match.name} (${opts.kind}); it shows as ${result.identityId}. Rotate it with: fieldproof rotate ${name} --controller ${match.id} ...` : `${name} was already declared on ${match.name} as given: nothing changed.`);
    });
}

export function registerCredentialCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const credentials = program.command("credentials").description("checks on credentials");
  credentials
    .command("check <identity>")
    .description("where does this password work? one login attempt per controller the account lives on; records where, never the password")
    .option("--password-env <var>", "environment variable holding the password (else asked for)")
    .option("--json", "print as JSON")
    .action(async (identity: string, opts: { passwordEnv?: string; json?: boolean }) => {
      await ctx.unlock();
      const identityId = identity.includes("/") ? identity : `user/${identity}`;
      const password = opts.passwordEnv ? process.env[opts.passwordEnv] : await promptSecret(`Password to check for ${identityId.slice(5)}: `, "--password-env");
      if (!password) throw new AppError("INVALID_REQUEST", `The environment variable ${opts.passwordEnv ?? ""} is not set.`);
      const result = await ctx.invoke("identities.checkReuse", { id: identityId, password });
      if (opts.json) io.out(json(result));
      else {
        io.out(`Accepted on ${result.acceptedOn.length}: ${result.acceptedOn.join(", ") || "none"}`);
        io.out(`Refused on ${result.refusedOn.length}: ${result.refusedOn.join(", ") || "none"}`);
        if (result.unreachableOn.length > 0) io.out(`Not asked (unreachable or untrusted): ${result.unreachableOn.join(", ")}`);
      }
    });
  credentials
    .command("check-defaults")
    .description("opt-in: does a vendor's published factory password still work? at most two tries per account and controller (each wrong try is a failed login); records where, never the password")
    .option("--yes", "confirm: failed logins count towards lock-out on controllers that have it")
    .option("--json", "print as JSON")
    .action(async (opts: { yes?: boolean; json?: boolean }) => {
      if (!opts.yes) {
        throw new AppError(
          "INVALID_REQUEST",
          "This check logs in with the vendors' published factory passwords: each wrong one is a failed login that a lock-out policy counts (at most two per account and controller). Run it again with --yes to go ahead.",
        );
      }
      await ctx.unlock();
      const outcome = await ctx.invoke("identities.checkDefaults", { confirm: true });
      const { results, notListed } = outcome;
      if (opts.json) io.out(json(outcome));
      else if (results.length === 0 && notListed.length === 0) io.out("No account on a known controller has a name its vendor ships with a published password.");
      else {
        for (const r of results) {
          const parts = [
            r.acceptedOn.length > 0 ? `FACTORY PASSWORD WORKS on ${r.acceptedOn.join(", ")}` : "",
            r.refusedOn.length > 0 ? `refused on ${r.refusedOn.join(", ")}` : "",
            r.unreachableOn.length > 0 ? `not checked (unreachable or not trusted): ${r.unreachableOn.join(", ")}` : "",
          ].filter(Boolean);
          io.out(`${r.userName.padEnd(20)} ${parts.join("; ")}`);
        }
        // Never an all-clear where the accounts could not even be listed.
        for (const n of notListed) io.out(`NOT CHECKED          ${n.reason}`);
        io.out(`${results.reduce((n, r) => n + r.failedLogins, 0)} failed login(s) spent.`);
      }
      // A factory password that works is a failure for scripts.
      if (results.some((r) => r.acceptedOn.length > 0)) ctx.exitCode = 1;
    });
}

function print(outcomes: readonly ScanOutcome[], out: (text: string) => void): void {
  for (const o of outcomes) {
    out(`${o.status.toUpperCase().padEnd(20)} ${o.name} (${o.endpointUrl})`);
    if (o.message) out(`${" ".repeat(21)}${o.message}`);
    if (o.status === "awaiting-trust" && o.certificate) out(`${" ".repeat(21)}SHA-256 ${o.certificate.thumbprintSha256}  (scan again with --trust-new once checked)`);
  }
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  out([...counts].map(([s, n]) => `${n} ${s}`).join(", "));
}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

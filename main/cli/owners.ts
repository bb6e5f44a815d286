import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { AppError } from "../../shared/domain/errors";
import { sameName, suggest } from "../../shared/domain/names";
import { describeIssues } from "../../shared/domain/validation";
import { AuthorityActionName, CsvKind, Employer, IsoDay } from "../../shared/contract";
import type { CliContext } from "./context";
import { json } from "./io";

/** `fieldproof owners import|export`, `fieldproof holder left`, `fieldproof identities`. */
export function registerOwnerCommands(program: Command, ctx: CliContext): void {
  const { io } = ctx;
  const ownersCmd = program.command("owners").description("people, teams, owners and holders as CSV (RFC 4180, UTF-8)");

  ownersCmd
    .command("import <file>")
    .description("import a teams, people, owners or holders CSV (told by its header); every row or none")
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { json?: boolean }) => {
      await ctx.unlock();
      const result = await ctx.invoke("owners.importCsv", { path: resolve(file) });
      if (opts.json) io.out(json(result));
      else io.out(`Imported ${result.rows} ${result.kind} row(s) from ${file}: ${result.records} record(s) written, ${result.unchanged} row(s) already as in the file.`);
    });

  ownersCmd
    .command("export")
    .description("write teams, people, owners or holders as CSV (to stdout unless --out)")
    .option("--kind <kind>", "teams, people, owners or holders", parseKind, "people")
    .option("--out <file>", "write to this file instead of stdout")
    .action(async (opts: { kind: CsvKind; out?: string }) => {
      if (opts.out) {
        const result = await ctx.invoke("owners.exportCsv", { kind: opts.kind, path: resolve(opts.out) });
        io.err(`Wrote ${result.rows} ${result.kind} row(s) to ${result.path} (${result.bytes} bytes).`);
      } else {
        io.out((await ctx.invoke("owners.exportCsvText", { kind: opts.kind })).text);
      }
    });

  ownersCmd
    .command("person <id>")
    .description("add or edit a person; with --pin-env they get an approver key on this laptop (the PIN never leaves it)")
    .requiredOption("--name <name>", "full name")
    .option("--employer <kind>", "staff, contractor or vendor", "staff")
    .option("--role <role>", "their role", "")
    .option("--company <company>", "their company", "")
    .option("--team <team>", "team id")
    .option("--pin-env <var>", "environment variable holding their PIN (6+ characters), to approve rotations on this laptop")
    .action(async (personId: string, opts: { name: string; employer: string; role: string; company: string; team?: string; pinEnv?: string }) => {
      await ctx.unlock();
      const pin = opts.pinEnv ? process.env[opts.pinEnv] : undefined;
      if (opts.pinEnv && pin === undefined) throw new AppError("INVALID_REQUEST", `The environment variable ${opts.pinEnv} is not set.`);
      const employer = Employer.safeParse(opts.employer);
      if (!employer.success) throw new AppError("INVALID_REQUEST", `--employer: use ${Employer.options.join(", ")}`);
      const person = await ctx.invoke("owners.upsertPerson", { personId, name: opts.name, role: opts.role, employer: employer.data, company: opts.company, teamId: opts.team ?? null, pin: pin ?? null });
      io.out(`${person.name} (${person.personId})${person.hasApproverKey ? " can approve on this laptop with their PIN" : ""}.`);
    });

  ownersCmd
    .command("authority <where> <action> [people...]")
    .description("who may approve, revoke, pause or override on a line (LINE) or cell (LINE/CELL), in escalation order; none = inherit the line's")
    .action(async (where: string, action: string, people: string[]) => {
      await ctx.unlock();
      const slash = where.indexOf("/");
      const line = slash < 0 ? where : where.slice(0, slash);
      const cell = slash < 0 ? null : where.slice(slash + 1);
      const action_ = AuthorityActionName.safeParse(action);
      if (!action_.success) throw new AppError("INVALID_REQUEST", `action: use ${AuthorityActionName.options.join(", ")}`);
      const { people: known } = await ctx.invoke("owners.list", {});
      await ctx.invoke("owners.setAuthority", { line, cell, action: action_.data, people: people.map((p) => findPerson(known, p)) });
      io.out(people.length === 0 ? `${where}: ${action} now follows the line's list.` : `${where}: ${action} by ${people.join(", then ")}.`);
    });

  const holder = program.command("holder").description("holders of shared accounts");
  holder
    .command("left <person>")
    .description("mark a person (name or id) as left: every shared account they hold becomes due for rotation")
    .requiredOption("--date <date>", "the day they left, YYYY-MM-DD", parseDay)
    .option("--json", "print the result as JSON")
    .action(async (who: string, opts: { date: string; json?: boolean }) => {
      await ctx.unlock();
      const { people } = await ctx.invoke("owners.list", {});
      const result = await ctx.invoke("owners.markLeft", { personId: findPerson(people, who), leftAt: opts.date });
      if (opts.json) {
        io.out(json(result));
        return;
      }
      io.out(`${result.person.name} (${result.person.personId}) marked as left on ${opts.date}.`);
      if (result.due.length === 0) io.out("They held no accounts: nothing becomes due.");
      else {
        io.out(`Now due for rotation by ${result.due[0]!.rotateBy} (within ${result.graceDays} days):`);
        for (const d of result.due) io.out(`  ${d.identityId}${d.shared ? "  (shared)" : ""}`);
      }
    });

  program
    .command("identities")
    .description("every identity with its owner, holders, due date and findings")
    .option("--json", "print as JSON (one object per identity)")
    .action(async (opts: { json?: boolean }) => {
      const { rows } = await ctx.invoke("identities.list", {});
      if (opts.json) {
        io.out(json(rows));
        return;
      }
      if (rows.length === 0) {
        io.err("No identities yet: scan the plant first (fieldproof scan, or the Plant screen).");
        return;
      }
      const table = rows.map((r) => [
        r.id,
        r.kind,
        String(r.controllers),
        r.owner ?? `(${r.ownerStatus})`,
        r.holders.join(", ") || "-",
        r.due?.date ?? "-",
        r.findings.map((f) => f.code).join(", ") || "-",
      ]);
      io.out(formatTable(["IDENTITY", "KIND", "CTRL", "OWNER", "HOLDERS", "DUE", "FINDINGS"], table));
    });
}

function findPerson(people: readonly { personId: string; name: string }[], who: string): string {
  const byId = people.find((p) => p.personId === who);
  if (byId) return byId.personId;
  const byName = people.filter((p) => sameName(p.name, who));
  if (byName.length === 1) return byName[0]!.personId;
  if (byName.length > 1) throw new AppError("CONFLICT", `More than one person is called ${who}: ${byName.map((p) => `${p.name} (${p.personId})`).join(", ")}. Give the id instead.`);
  const near = suggest(who, people.flatMap((p) => [p.personId, p.name]));
  throw new AppError("NOT_FOUND", `Nobody called ${who} (name or id) is known.${near} See fieldproof owners export --kind people.`);
}

function parseKind(value: string): CsvKind {
  const parsed = CsvKind.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`use ${CsvKind.options.join(", ")}`);
  return parsed.data;
}

function parseDay(value: string): string {
  const parsed = IsoDay.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(describeIssues(parsed.error, 1));
  return parsed.data;
}

function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clip = (s: string): string => (s.length > 48 ? `${s.slice(0, 47)}…` : s);
  const all = [header, ...rows].map((r) => r.map(clip));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { AppError } from "../../shared/domain/errors";
import { type CsvKind } from "../../shared/contract";
import { cellKey } from "../../shared/domain/ownership";
import { parseInstant } from "../../shared/domain/time";
import type { Services } from "./createServices";

/**
 * CSV (RFC 4180) import and export of teams, people, owners and holders. A file holds one kind,
 * told by its header row. Import checks the whole file first and applies it in one journal
 * transaction, so a bad row leaves the store exactly as it was.
 */

export interface CsvProblem {
  /** 1-based line of the file where the row (or the bad header, or the bad quote) starts. */
  readonly line: number;
  readonly reason: string;
}

/** Import refused: every problem found, with its line. Nothing was applied. */
export class CsvImportError extends AppError {
  constructor(
    readonly file: string,
    readonly problems: readonly CsvProblem[],
  ) {
    super("INVALID_REQUEST", describeProblems(file, problems));
    this.name = "CsvImportError";
  }
}

const MAX_BYTES = 20 * 1024 * 1024;
const MAX_REPORTED = 20;

export const CSV_COLUMNS: Record<CsvKind, { readonly required: readonly string[]; readonly all: readonly string[] }> = {
  teams: { required: ["team_id", "name"], all: ["team_id", "name", "description"] },
  people: { required: ["person_id", "name", "employer"], all: ["person_id", "name", "role", "employer", "company", "team_id", "left_at"] },
  owners: { required: ["target_type", "target_id", "owner_type", "owner_id"], all: ["target_type", "target_id", "owner_type", "owner_id", "purpose", "scope", "expires_at"] },
  holders: { required: ["identity_id", "person_id"], all: ["identity_id", "person_id", "since", "removed_at"] },
};
const KINDS = Object.keys(CSV_COLUMNS) as CsvKind[];

// ---------------------------------------------------------------------------------------------
// Bytes and text

/** UTF-8 (with or without a BOM) or a clear refusal: empty, UTF-16, binary, or not UTF-8 (with the line). */
export function decodeCsv(bytes: Uint8Array): string {
  if (bytes.length === 0) throw problem(1, "the file is empty");
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw problem(1, "the file is UTF-16 text; save it as \"CSV UTF-8\" instead");
  }
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  const nul = body.indexOf(0);
  if (nul >= 0) throw problem(lineAt(body, nul), "the file holds binary data: it is not a CSV file");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw problem(firstBadUtf8Line(body), "the file is not UTF-8 text; in a spreadsheet, save it as \"CSV UTF-8\"");
  }
  if (text.trim() === "") throw problem(1, "the file is empty");
  return text;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstBadUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let start = 0;
  let line = 1;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      start = i + 1;
      line++;
    }
  }
  return 1;
}

export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * RFC 4180: fields separated by commas, records by CRLF (LF and CR alone are accepted too); a field
 * with a comma, quote or line break is quoted, a quote inside it doubled. Empty lines are skipped.
 * Structural errors (an unterminated quote, a stray quote) stop the parse: nothing after them can be
 * trusted to be where it seems.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let raw = false;
    for (;;) {
      if (text[i] === '"') {
        raw = true;
        const quoteLine = line;
        let value = "";
        i++;
        for (;;) {
          if (i >= n) throw problem(quoteLine, "a quoted field is never closed (unterminated quote)");
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          value += c;
          i++;
        }
        if (i < n && text[i] !== "," && text[i] !== "\r" && text[i] !== "\n") throw problem(line, "text after a closing quote; a quote inside a quoted field is written twice (\"\")");
        fields.push(value);
      } else {
        let j = i;
        while (j < n && text[j] !== "," && text[j] !== "\r" && text[j] !== "\n") j++;
        const value = text.slice(i, j);
        if (value.includes('"')) throw problem(line, "a quote inside a field that does not start with a quote; wrap the field in quotes and write the quote twice (\"\")");
        if (value !== "") raw = true;
        fields.push(value);
        i = j;
      }
      if (text[i] === ",") {
        raw = true;
        i++;
        continue;
      }
      if (text[i] === "\r") i += text[i + 1] === "\n" ? 2 : 1;
      else if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (raw) records.push({ line: start, fields });
  }
  return records;
}

// ---------------------------------------------------------------------------------------------
// Cells: formula-injection guard

/** Cells a spreadsheet would run as a formula start with one of these (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Export: a leading apostrophe makes a spreadsheet show the text instead of running it. */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Import: undo the guard (an apostrophe before = + - @ tab CR is dropped), then trim. */
export function unguardCell(value: string): string {
  const v = value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
  return v.trim();
}

function quoteField(value: string): string {
  const v = guardCell(value);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** UTF-8 with a BOM (spreadsheets then read the accents right), CRLF line ends, RFC 4180 quoting. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const lines = [header, ...rows].map((r) => r.map((f) => quoteField(f ?? "")).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// Rows: validation against the store

interface Row {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

interface Store {
  readonly teams: ReadonlyMap<string, { name: string; description: string }>;
  readonly people: ReadonlyMap<string, { name: string; role: string; employer: string; company: string; teamId: string | null; leftAt: string | null }>;
  readonly identities: ReadonlySet<string>;
  readonly lines: ReadonlySet<string>;
  readonly cells: ReadonlySet<string>;
}

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function detectKind(header: readonly string[]): CsvKind {
  const names = header.map((h) => unguardCell(h).toLowerCase());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") throw problem(1, "the header has an empty column name");
    if (seen.has(name)) throw problem(1, `the header names the column "${name}" twice`);
    seen.add(name);
  }
  for (const kind of KINDS) {
    const { required, all } = CSV_COLUMNS[kind];
    if (required.every((c) => seen.has(c)) && names.every((c) => all.includes(c))) return kind;
  }
  const near = KINDS.find((k) => CSV_COLUMNS[k].required.every((c) => seen.has(c))) ?? KINDS.find((k) => seen.has(CSV_COLUMNS[k].required[0]!));
  const expected = KINDS.map((k) => `${k}: ${CSV_COLUMNS[k].all.join(",")}`).join("; ");
  if (near) {
    const unknown = names.filter((c) => !CSV_COLUMNS[near].all.includes(c));
    const missing = CSV_COLUMNS[near].required.filter((c) => !seen.has(c));
    const what = [unknown.length ? `unknown column ${unknown.map((c) => `"${c}"`).join(", ")}` : "", missing.length ? `missing ${missing.map((c) => `"${c}"`).join(", ")}` : ""].filter(Boolean).join(" and ");
    throw problem(1, `unknown header for a ${near} file (${what}); the columns are ${CSV_COLUMNS[near].all.join(",")}`);
  }
  throw problem(1, `unknown header "${names.join(",").slice(0, 200)}"; expected the columns of one of: ${expected}`);
}

function toRows(records: readonly CsvRecord[], header: readonly string[], problems: CsvProblem[]): Row[] {
  const names = header.map((h) => unguardCell(h).toLowerCase());
  const rows: Row[] = [];
  for (const record of records) {
    if (record.fields.length !== names.length) {
      problems.push({ line: record.line, reason: `${record.fields.length} column(s) where the header has ${names.length}` });
      continue;
    }
    const row: Record<string, string> = {};
    names.forEach((name, i) => (row[name] = unguardCell(record.fields[i]!)));
    rows.push({ line: record.line, cells: row });
  }
  return rows;
}

class RowCheck {
  constructor(
    private readonly row: Row,
    private readonly problems: CsvProblem[],
  ) {}

  private fail(reason: string): null {
    this.problems.push({ line: this.row.line, reason });
    return null;
  }

  text(column: string, max: number): string {
    const v = this.row.cells[column] ?? "";
    if (v.length > max) {
      this.fail(`${column} is longer than ${max} characters`);
      return v.slice(0, max);
    }
    return v;
  }

  required(column: string, max = 200): string | null {
    const v = this.row.cells[column] ?? "";
    if (v === "") return this.fail(`${column} is empty; it is required`);
    if (v.length > max) return this.fail(`${column} is longer than ${max} characters`);
    return v;
  }

  id(column: string, optional = false): string | null {
    const v = this.row.cells[column] ?? "";
    if (v === "") return optional ? null : this.fail(`${column} is empty; it is required`);
    if (!ID.test(v)) return this.fail(`${column} "${v.slice(0, 80)}" is not an id: use 1-64 lower-case letters, digits, dots, dashes or underscores`);
    return v;
  }

  oneOf<T extends string>(column: string, values: readonly T[]): T | null {
    const v = (this.row.cells[column] ?? "").toLowerCase();
    if (v === "") return this.fail(`${column} is empty; it is one of ${values.join(", ")}`);
    if (!(values as readonly string[]).includes(v)) return this.fail(`${column} must be ${values.slice(0, -1).join(", ")} or ${values.at(-1)}, not "${(this.row.cells[column] ?? "").slice(0, 40)}"`);
    return v as T;
  }

  /** Optional date (`2026-12-05`), or with instants allowed, a time with its zone. Returns "" when empty, null when bad. */
  date(column: string, instants = false): string | null {
    const v = this.row.cells[column] ?? "";
    if (v === "") return "";
    const ok = parseInstant(v) !== null && (instants || ISO_DAY.test(v));
    if (!ok) return this.fail(`${column} "${v.slice(0, 40)}" is not a date; use YYYY-MM-DD${instants ? " or YYYY-MM-DDThh:mm:ssZ" : ""}, e.g. 2026-12-05`);
    return v;
  }

  reject(reason: string): null {
    return this.fail(reason);
  }

  get line(): number {
    return this.row.line;
  }
}

function duplicateCheck(seen: Map<string, number>, key: string, label: string, line: number, problems: CsvProblem[]): void {
  const first = seen.get(key);
  if (first !== undefined) problems.push({ line, reason: `duplicate: ${label} is already on line ${first}` });
  else seen.set(key, line);
}

type Planned =
  | { kind: "teams"; items: { teamId: string; name: string; description: string; changed: boolean }[] }
  | { kind: "people"; items: { personId: string; name: string; role: string; employer: "staff" | "contractor" | "vendor"; company: string; teamId: string | null; leftAt: string | null; changed: boolean; leaves: boolean }[] }
  | { kind: "owners"; items: { target: { type: "identity" | "line" | "cell"; id: string }; owner: { type: "person" | "team"; id: string }; purpose: string; scope: string; expiresAt: string | null; changed: boolean }[] }
  | { kind: "holders"; items: { identityId: string; personId: string; since: string; removedAt: string | null; add: boolean; remove: boolean }[] };

function planTeams(rows: readonly Row[], store: Store, problems: CsvProblem[]): Planned {
  const seen = new Map<string, number>();
  const items: Extract<Planned, { kind: "teams" }>["items"] = [];
  for (const row of rows) {
    const c = new RowCheck(row, problems);
    const teamId = c.id("team_id");
    const name = c.required("name");
    const description = c.text("description", 2000);
    if (teamId) duplicateCheck(seen, teamId, `team_id ${teamId}`, c.line, problems);
    if (!teamId || !name) continue;
    const old = store.teams.get(teamId);
    items.push({ teamId, name, description, changed: !old || old.name !== name || old.description !== description });
  }
  return { kind: "teams", items };
}

function planPeople(rows: readonly Row[], header: ReadonlySet<string>, store: Store, problems: CsvProblem[]): Planned {
  const seen = new Map<string, number>();
  const items: Extract<Planned, { kind: "people" }>["items"] = [];
  for (const row of rows) {
    const c = new RowCheck(row, problems);
    const personId = c.id("person_id");
    const name = c.required("name");
    const role = c.text("role", 200);
    const employer = c.oneOf("employer", ["staff", "contractor", "vendor"] as const);
    const company = c.text("company", 200);
    const teamId = c.id("team_id", true);
    const leftAt = c.date("left_at");
    if (personId) duplicateCheck(seen, personId, `person_id ${personId}`, c.line, problems);
    if ((row.cells.team_id ?? "") !== "" && teamId && !store.teams.has(teamId)) c.reject(`team_id ${teamId} is not a known team; import the teams file (or add the team) first`);
    const old = personId ? store.people.get(personId) : undefined;
    if (old?.leftAt && header.has("left_at") && leftAt !== null && leftAt !== old.leftAt) {
      c.reject(`${old.name} is marked as left on ${old.leftAt} in this store; the file says ${leftAt === "" ? "not left" : leftAt}. Fieldproof does not undo or move a leave date: use ${old.leftAt}, or a new person_id`);
    }
    if (!personId || !name || !employer || leftAt === null || ((row.cells.team_id ?? "") !== "" && !teamId)) continue;
    const changed = !old || old.name !== name || old.role !== role || old.employer !== employer || old.company !== company || old.teamId !== teamId;
    items.push({ personId, name, role, employer, company, teamId, leftAt: leftAt || null, changed, leaves: leftAt !== "" && !old?.leftAt });
  }
  return { kind: "people", items };
}

function planOwners(rows: readonly Row[], store: Store, existing: ReadonlyMap<string, { ownerType: string; ownerId: string; purpose: string; scope: string; expiresAt: string | null }>, problems: CsvProblem[]): Planned {
  const seen = new Map<string, number>();
  const items: Extract<Planned, { kind: "owners" }>["items"] = [];
  for (const row of rows) {
    const c = new RowCheck(row, problems);
    const targetType = c.oneOf("target_type", ["identity", "line", "cell"] as const);
    const targetId = c.required("target_id", 300);
    const ownerType = c.oneOf("owner_type", ["person", "team"] as const);
    const ownerId = c.id("owner_id");
    const purpose = c.text("purpose", 2000);
    const scope = c.text("scope", 2000);
    const expiresAt = c.date("expires_at");
    if (targetType && targetId) {
      duplicateCheck(seen, `${targetType}:${targetId}`, `the ${targetType} ${targetId}`, c.line, problems);
      const known = targetType === "identity" ? store.identities.has(targetId) : targetType === "line" ? store.lines.has(targetId) : store.cells.has(targetId);
      if (!known) {
        c.reject(
          targetType === "identity"
            ? `identity ${targetId} is not known; scan the plant first (ids look like user/maint)`
            : targetType === "line"
              ? `line "${targetId}" is not in this plant`
              : `cell "${targetId}" is not in this plant; cells are written line/cell, e.g. "Body Line 1/Cell 10"`,
        );
      }
    }
    if (ownerType === "team" && ownerId && !store.teams.has(ownerId)) c.reject(`team ${ownerId} is not a known team; import the teams file (or add the team) first`);
    if (ownerType === "person" && ownerId) {
      const person = store.people.get(ownerId);
      if (!person) c.reject(`person ${ownerId} is not known; import the people file (or add the person) first`);
      else if (person.leftAt) c.reject(`${person.name} (${ownerId}) left on ${person.leftAt} and cannot be made accountable`);
    }
    if (!targetType || !targetId || !ownerType || !ownerId || expiresAt === null) continue;
    const old = existing.get(`${targetType}:${targetId}`);
    const exp = expiresAt || null;
    const changed = !old || old.ownerType !== ownerType || old.ownerId !== ownerId || old.purpose !== purpose || old.scope !== scope || old.expiresAt !== exp;
    items.push({ target: { type: targetType, id: targetId }, owner: { type: ownerType, id: ownerId }, purpose, scope, expiresAt: exp, changed });
  }
  return { kind: "owners", items };
}

function planHolders(rows: readonly Row[], store: Store, existing: ReadonlyMap<string, { since: string; removedAt: string | null }>, today: string, problems: CsvProblem[]): Planned {
  const seen = new Map<string, number>();
  const items: Extract<Planned, { kind: "holders" }>["items"] = [];
  for (const row of rows) {
    const c = new RowCheck(row, problems);
    const identityId = c.required("identity_id", 300);
    const personId = c.id("person_id");
    const since = c.date("since", true);
    const removedAt = c.date("removed_at", true);
    if (identityId && personId) duplicateCheck(seen, `${identityId}\u0000${personId}`, `${personId} holding ${identityId}`, c.line, problems);
    if (identityId && !store.identities.has(identityId)) c.reject(`identity ${identityId} is not known; scan the plant first (ids look like user/maint)`);
    if (personId && !store.people.has(personId)) c.reject(`person ${personId} is not known; import the people file (or add the person) first`);
    if (!identityId || !personId || since === null || removedAt === null) continue;
    const old = existing.get(`${identityId}\u0000${personId}`);
    const sinceValue = since || old?.since || today;
    const add = !old || old.since !== sinceValue || (old.removedAt !== null && removedAt === "");
    const remove = removedAt !== "" && (add || old?.removedAt !== removedAt);
    items.push({ identityId, personId, since: sinceValue, removedAt: removedAt || null, add, remove });
  }
  return { kind: "holders", items };
}

// ---------------------------------------------------------------------------------------------
// The service

type Deps = Pick<Services, "owners" | "repos" | "identity">;

export class OwnersCsv {
  constructor(private readonly s: Deps) {}

  /** Checks every row, then applies them all in one transaction; throws CsvImportError listing every problem. */
  importText(text: string, file: string): { kind: CsvKind; rows: number; records: number; unchanged: number } {
    const records = guard(file, () => parseCsv(text));
    const [headerRecord, ...body] = records;
    if (!headerRecord) throw new CsvImportError(file, [{ line: 1, reason: "the file is empty" }]);
    const kind = guard(file, () => detectKind(headerRecord.fields));
    const problems: CsvProblem[] = [];
    const rows = toRows(body, headerRecord.fields, problems);
    const header = new Set(headerRecord.fields.map((h) => unguardCell(h).toLowerCase()));
    const plan = this.plan(kind, rows, header, problems);
    if (problems.length > 0) throw new CsvImportError(file, problems.sort((a, b) => a.line - b.line));
    const before = this.s.repos.journal.head().size;
    this.s.identity.journal.transaction(() => this.apply(plan));
    const written = this.s.repos.journal.head().size - before;
    const changedRows = countChanged(plan);
    return { kind, rows: rows.length, records: written, unchanged: rows.length - changedRows };
  }

  importFile(path: string): { kind: CsvKind; rows: number; records: number; unchanged: number } {
    const file = basename(path);
    let bytes: Buffer;
    try {
      if (statSync(path).size > MAX_BYTES) throw new AppError("INVALID_REQUEST", `${file} is larger than ${MAX_BYTES / 1024 / 1024} MB; that is not a people, owners or holders list.`);
      bytes = readFileSync(path);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("IO_ERROR", `Cannot read ${path}: ${ioReason(error)}.`);
    }
    const text = guard(file, () => decodeCsv(bytes));
    return this.importText(text, file);
  }

  exportText(kind: CsvKind): { text: string; rows: number } {
    const repo = this.s.repos.owners;
    const header = CSV_COLUMNS[kind].all;
    let rows: (string | null)[][];
    if (kind === "teams") rows = repo.teams().map((t) => [t.teamId, t.name, t.description]);
    else if (kind === "people") rows = repo.people().map((p) => [p.personId, p.name, p.role, p.employer, p.company, p.teamId, p.leftAt]);
    else if (kind === "owners") rows = repo.ownerships().map((o) => [o.targetType, o.targetId, o.ownerType, o.ownerId, o.purpose, o.scope, o.expiresAt]);
    else rows = repo.holders().map((h) => [h.identityId, h.personId, h.since, h.removedAt]);
    return { text: formatCsv(header, rows), rows: rows.length };
  }

  exportFile(kind: CsvKind, path: string): { path: string; kind: CsvKind; rows: number; bytes: number } {
    const { text, rows } = this.exportText(kind);
    const bytes = Buffer.from(text, "utf8");
    const tmp = `${path}.fieldproof-tmp`;
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    } catch (error) {
      throw new AppError("IO_ERROR", `Cannot write ${path}: ${ioReason(error)}.`);
    }
    return { path, kind, rows, bytes: bytes.length };
  }

  private store(): Store {
    const repo = this.s.repos.owners;
    const controllers = this.s.repos.plant.controllers();
    return {
      teams: new Map(repo.teams().map((t) => [t.teamId, t])),
      people: new Map(repo.people().map((p) => [p.personId, p])),
      identities: new Set(this.s.repos.plant.identityLinks().map((l) => l.identityId)),
      lines: new Set(controllers.map((c) => c.line)),
      cells: new Set(controllers.map((c) => cellKey(c.line, c.cell))),
    };
  }

  private plan(kind: CsvKind, rows: readonly Row[], header: ReadonlySet<string>, problems: CsvProblem[]): Planned {
    const store = this.store();
    const repo = this.s.repos.owners;
    if (kind === "teams") return planTeams(rows, store, problems);
    if (kind === "people") return planPeople(rows, header, store, problems);
    if (kind === "owners") return planOwners(rows, store, new Map(repo.ownerships().map((o) => [`${o.targetType}:${o.targetId}`, o])), problems);
    return planHolders(rows, store, new Map(repo.holders().map((h) => [`${h.identityId}\u0000${h.personId}`, h])), this.s.owners.today(), problems);
  }

  private apply(plan: Planned): void {
    const owners = this.s.owners;
    if (plan.kind === "teams") for (const t of plan.items.filter((x) => x.changed)) owners.upsertTeam(t.teamId, t.name, t.description);
    else if (plan.kind === "people") {
      for (const p of plan.items) {
        if (p.changed) owners.upsertPerson({ personId: p.personId, name: p.name, role: p.role, employer: p.employer, company: p.company, teamId: p.teamId, pin: null });
        if (p.leaves) owners.markLeft(p.personId, p.leftAt!);
      }
    } else if (plan.kind === "owners") {
      const changed = plan.items.filter((o) => o.changed);
      if (changed.length > 0) owners.setOwnership(changed.map((o) => ({ target: o.target, owner: o.owner, purpose: o.purpose, scope: o.scope, expiresAt: o.expiresAt })));
    } else {
      for (const h of plan.items) {
        if (h.add) owners.addHolder(h.identityId, h.personId, h.since);
        if (h.remove) owners.removeHolder(h.identityId, h.personId, h.removedAt!);
      }
    }
  }
}

function countChanged(plan: Planned): number {
  if (plan.kind === "teams") return plan.items.filter((x) => x.changed).length;
  if (plan.kind === "people") return plan.items.filter((x) => x.changed || x.leaves).length;
  if (plan.kind === "owners") return plan.items.filter((x) => x.changed).length;
  return plan.items.filter((x) => x.add || x.remove).length;
}

class ProblemAt extends Error {
  constructor(readonly problem: CsvProblem) {
    super(`line ${problem.line}: ${problem.reason}`);
  }
}

function problem(line: number, reason: string): ProblemAt {
  return new ProblemAt({ line, reason });
}

function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ProblemAt) throw new CsvImportError(file, [error.problem]);
    throw error;
  }
}

function describeProblems(file: string, problems: readonly CsvProblem[]): string {
  const shown = problems.slice(0, MAX_REPORTED).map((p) => `line ${p.line}: ${p.reason}`);
  const more = problems.length > MAX_REPORTED ? [`… and ${problems.length - MAX_REPORTED} more`] : [];
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return [`Nothing was imported from ${file} (${count}; fix the file and import it again):`, ...shown, ...more].join("\n");
}

function ioReason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  if (code === "ENOSPC") return "the disk is full";
  if (code === "EROFS") return "the disk is read-only";
  return error instanceof Error ? error.message : String(error);
}

import { z } from "zod";
import { HoldingFields, IsoDay, IsoDayOrInstant, OwnerRefInput, OwnershipFields, OwnershipTargetInput, PersonFields, TeamFields, type CsvKind } from "../../../../shared/contract";
import type { HoldingItem, PersonItem } from "../imports";
import type { OwnershipInput, TeamInput } from "../records";
import { unguardCell } from "./formulaGuard";
import { stopAt, type CsvProblem } from "./problems";
import type { CsvRecord } from "./rfc4180";

/**
 * The rows of a teams, people, owners or holders file, checked by the contract's own schemas of each
 * field (the ones the Owners screen's requests are checked by), each problem named by its line.
 */

type Cells = Readonly<Record<string, string | undefined>>;

interface KindSpec<T> {
  /** In export order. */
  readonly columns: readonly string[];
  /** Those the header must name: the fields without a default. */
  readonly required: readonly string[];
  readonly schemaOf: (column: string) => z.ZodType;
  /** The columns that tell one row from another, and how a repeat is named. */
  readonly key: readonly string[];
  readonly label: (cells: Cells) => string;
  readonly read: (cells: Cells, header: ReadonlySet<string>) => { readonly item: T } | { readonly issues: readonly z.core.$ZodIssue[] };
}

function kind<S extends z.ZodObject, T>(row: S, key: readonly string[], label: (cells: Cells) => string, toItem: (row: z.output<S>, header: ReadonlySet<string>) => T): KindSpec<T> {
  const columns = Object.keys(row.shape);
  const schemaOf = (column: string): z.ZodType => row.shape[column] as z.ZodType;
  return {
    columns,
    required: columns.filter((c) => !schemaOf(c).safeParse(undefined).success),
    schemaOf,
    key,
    label,
    read(cells, header) {
      const parsed = row.safeParse(cells);
      return parsed.success ? { item: toItem(parsed.data, header) } : { issues: parsed.error.issues };
    },
  };
}

export const CSV_KINDS = {
  teams: kind(
    z.object({ team_id: TeamFields.teamId, name: TeamFields.name, description: TeamFields.description }),
    ["team_id"],
    (c) => `team_id ${c.team_id}`,
    (r): TeamInput => ({ teamId: r.team_id, name: r.name, description: r.description }),
  ),
  people: kind(
    z.object({
      person_id: PersonFields.personId,
      name: PersonFields.name,
      role: PersonFields.role,
      employer: PersonFields.employer,
      company: PersonFields.company,
      team_id: PersonFields.teamId,
      left_at: IsoDay.optional(),
    }),
    ["person_id"],
    (c) => `person_id ${c.person_id}`,
    // Without a left_at column the file says nothing about leaving; with it, an empty cell says "not left".
    (r, header): PersonItem => ({ personId: r.person_id, name: r.name, role: r.role, employer: r.employer, company: r.company, teamId: r.team_id, leftAt: header.has("left_at") ? (r.left_at ?? null) : undefined }),
  ),
  owners: kind(
    z.object({
      target_type: OwnershipTargetInput.shape.type,
      target_id: OwnershipTargetInput.shape.id,
      owner_type: OwnerRefInput.shape.type,
      owner_id: OwnerRefInput.shape.id,
      purpose: OwnershipFields.purpose,
      scope: OwnershipFields.scope,
      expires_at: OwnershipFields.expiresAt,
    }),
    ["target_type", "target_id"],
    (c) => `the ${c.target_type} ${c.target_id}`,
    (r): OwnershipInput => ({ target: { type: r.target_type, id: r.target_id }, owner: { type: r.owner_type, id: r.owner_id }, purpose: r.purpose, scope: r.scope, expiresAt: r.expires_at }),
  ),
  holders: kind(
    z.object({ identity_id: HoldingFields.identityId, person_id: HoldingFields.personId, since: HoldingFields.since, removed_at: IsoDayOrInstant.optional() }),
    ["identity_id", "person_id"],
    (c) => `${c.person_id} holding ${c.identity_id}`,
    (r): HoldingItem => ({ identityId: r.identity_id, personId: r.person_id, since: r.since ?? null, removedAt: r.removed_at ?? null }),
  ),
};

export type CsvItem<K extends CsvKind> = (typeof CSV_KINDS)[K] extends KindSpec<infer T> ? T : never;

const KINDS = Object.keys(CSV_KINDS) as CsvKind[];

/** What a bad value is not, in the technician's words. */
const NOUN: Readonly<Record<string, string>> = {
  team_id: "an id",
  person_id: "an id",
  owner_id: "an id",
  left_at: "a date",
  expires_at: "a date",
  since: "a date",
  removed_at: "a date",
};

const headerNames = (header: readonly string[]): string[] => header.map((h) => unguardCell(h).toLowerCase());

/** The kind of file its header row names (columns in any order, optional ones may be left out), or a stop at line 1. */
export function detectKind(header: readonly string[]): CsvKind {
  const names = headerNames(header);
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "") throw stopAt(1, "the header has an empty column name");
    if (seen.has(name)) throw stopAt(1, `the header names the column "${name}" twice`);
    seen.add(name);
  }
  for (const k of KINDS) {
    const { required, columns } = CSV_KINDS[k];
    if (required.every((c) => seen.has(c)) && names.every((c) => columns.includes(c))) return k;
  }
  if (names.some((n) => n.includes(";"))) throw stopAt(1, 'the header mixes commas and semicolons; separate the columns with commas (or all with semicolons), e.g. "person_id,name,employer"');
  const near = KINDS.find((k) => CSV_KINDS[k].required.every((c) => seen.has(c))) ?? KINDS.find((k) => seen.has(CSV_KINDS[k].required[0]!));
  if (near) {
    const { columns, required } = CSV_KINDS[near];
    const unknown = names.filter((c) => !columns.includes(c));
    const missing = required.filter((c) => !seen.has(c));
    const what = [unknown.length ? `unknown column ${unknown.map((c) => `"${c}"`).join(", ")}` : "", missing.length ? `missing ${missing.map((c) => `"${c}"`).join(", ")}` : ""].filter(Boolean).join(" and ");
    throw stopAt(1, `unknown header for a ${near} file (${what}); the columns are ${columns.join(",")}`);
  }
  const expected = KINDS.map((k) => `${k}: ${CSV_KINDS[k].columns.join(",")}`).join("; ");
  throw stopAt(1, `unknown header "${names.join(",").slice(0, 200)}"; expected the columns of one of: ${expected}`);
}

export interface LinedItem<T> {
  readonly line: number;
  readonly item: T;
}

/**
 * The body's rows as items for the import, with their lines; each bad field, wrong column count and
 * repeated row is a problem (a row with one is left out of the items).
 */
export function readRows<K extends CsvKind>(kind: K, header: readonly string[], body: readonly CsvRecord[], problems: CsvProblem[]): LinedItem<CsvItem<K>>[] {
  const spec = CSV_KINDS[kind] as KindSpec<CsvItem<K>>;
  const names = headerNames(header);
  const given = new Set(names);
  const seen = new Map<string, number>();
  const items: LinedItem<CsvItem<K>>[] = [];
  for (const { line, fields } of body) {
    if (fields.length !== names.length) {
      problems.push({ line, reason: `${fields.length} column(s) where the header has ${names.length}` });
      continue;
    }
    const raw: Record<string, string> = {};
    const cells: Record<string, string | undefined> = {};
    names.forEach((name, i) => {
      const value = unguardCell(fields[i]!);
      raw[name] = value;
      // An empty cell is a value left out; the values of a list are not case-sensitive.
      cells[name] = value === "" ? undefined : spec.schemaOf(name) instanceof z.ZodEnum ? value.toLowerCase() : value;
    });
    const result = spec.read(cells, given);
    const bad = new Set<string>();
    if ("issues" in result) {
      for (const issue of result.issues) {
        const column = String(issue.path[0]);
        if (bad.has(column)) continue;
        bad.add(column);
        problems.push({ line, reason: describeIssue(column, raw[column], issue, spec.schemaOf(column)) });
      }
    }
    if (spec.key.every((c) => !bad.has(c) && cells[c] !== undefined)) {
      const key = spec.key.map((c) => cells[c]).join("\u0000");
      const first = seen.get(key);
      if (first !== undefined) {
        problems.push({ line, reason: `duplicate: ${spec.label(cells)} is already on line ${first}` });
        continue;
      }
      seen.set(key, line);
    }
    if ("item" in result) items.push({ line, item: result.item });
  }
  return items;
}

function describeIssue(column: string, value: string | undefined, issue: z.core.$ZodIssue, schema: z.ZodType): string {
  if (value === undefined || value === "") return schema instanceof z.ZodEnum ? `${column} is empty; it is one of ${schema.options.join(", ")}` : `${column} is empty; it is required`;
  if (issue.code === "invalid_value") return `${column} must be ${orList(issue.values.map(String))}, not "${value.slice(0, 40)}"`;
  if (issue.code === "too_big") return `${column} is longer than ${String(issue.maximum)} characters`;
  const noun = NOUN[column];
  return `${column} "${value.slice(0, 80)}"${noun ? ` is not ${noun}` : ""}: ${issue.message}`;
}

function orList(values: readonly string[]): string {
  return values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)!}`;
}

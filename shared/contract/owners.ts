import { z } from "zod";
import { parseInstant } from "../domain/time";
import { channel, type ChannelSpec } from "./channel";
import { absolutePath } from "./paths";

/** Same rule as the records' ids (shared/evidence/kinds.ts), with a message a person can act on. */
export const PersonId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "ids are 1-64 lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit");

/** `2026-12-05`: a calendar day. */
export const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "use a date like 2026-12-05").refine((v) => parseInstant(v) !== null, "not a real calendar day");

/** A day, or an instant with its zone (`2026-12-05T08:30:00Z`). */
export const IsoDayOrInstant = z
  .string()
  .max(40)
  .refine((v) => parseInstant(v) !== null, "use a date like 2026-12-05 or a time like 2026-12-05T08:30:00Z");

const AbsolutePath = absolutePath("/media/usb/people.csv");

/** An identity as Fieldproof shows it: `user/maint`, `certificate/…`. */
export const IdentityId = z.string().min(1).max(300);

export const Employer = z.enum(["staff", "contractor", "vendor"]);
export const OwnerRefInput = z.strictObject({ type: z.enum(["person", "team"]), id: PersonId });
export const OwnershipTargetInput = z.strictObject({ type: z.enum(["identity", "line", "cell"]), id: z.string().min(1).max(300) });
export const AuthorityActionName = z.enum(["approve", "revoke", "pause", "override"]);
export const CsvKind = z.enum(["teams", "people", "owners", "holders"]);
export type CsvKind = z.infer<typeof CsvKind>;

export const PersonView = z.object({
  personId: z.string(),
  name: z.string(),
  role: z.string(),
  employer: Employer,
  company: z.string(),
  teamId: z.string().nullable(),
  leftAt: z.string().nullable(),
  /** They can approve on this laptop with their PIN (the PIN itself never leaves main). */
  hasApproverKey: z.boolean(),
  /** Identities they hold now (not removed). */
  holds: z.array(z.string()),
});
export type PersonView = z.infer<typeof PersonView>;

export const TeamView = z.object({ teamId: z.string(), name: z.string(), description: z.string(), members: z.number().int() });
export type TeamView = z.infer<typeof TeamView>;

export const OwnershipView = z.object({
  targetType: z.enum(["identity", "line", "cell"]),
  targetId: z.string(),
  ownerType: z.enum(["person", "team"]),
  ownerId: z.string(),
  ownerName: z.string(),
  purpose: z.string(),
  scope: z.string(),
  expiresAt: z.string().nullable(),
  setAt: z.string(),
});
export type OwnershipView = z.infer<typeof OwnershipView>;

export const Directory = z.object({ people: z.array(PersonView), teams: z.array(TeamView), ownerships: z.array(OwnershipView) });
export type Directory = z.infer<typeof Directory>;

/** One row of the authority matrix: a line (cell null) or one of its cells. */
export const AuthorityRowView = z.object({
  line: z.string(),
  cell: z.string().nullable(),
  area: z.string(),
  /** Per action, the people in escalation order; for a cell with no list of its own, the line's list (inherited: true). */
  actions: z.record(
    AuthorityActionName,
    z.object({
      inherited: z.boolean(),
      people: z.array(z.object({ personId: z.string(), name: z.string(), leftAt: z.string().nullable() })),
    }),
  ),
});
export type AuthorityRowView = z.infer<typeof AuthorityRowView>;

export const DueAccount = z.object({
  identityId: z.string(),
  name: z.string(),
  shared: z.boolean(),
  /** The day by which it must be rotated because this person left (left date + grace days). */
  rotateBy: z.string(),
  findings: z.array(z.string()),
});
export type DueAccount = z.infer<typeof DueAccount>;

// The fields of a team, a person, an ownership and a holding: the channels' requests and the CSV
// import's rows (main/services/owners/csv/rows.ts) are checked by these same schemas.

export const TeamFields = {
  teamId: PersonId,
  name: z.string().trim().min(1, "enter the team's name").max(200),
  description: z.string().trim().max(2000).default(""),
};

export const PersonFields = {
  personId: PersonId,
  name: z.string().trim().min(1, "enter the person's name").max(200),
  role: z.string().trim().max(200).default(""),
  employer: Employer,
  company: z.string().trim().max(200).default(""),
  teamId: PersonId.nullable().default(null),
};

export const OwnershipFields = {
  owner: OwnerRefInput.nullable(),
  purpose: z.string().trim().max(2000).default(""),
  scope: z.string().trim().max(2000).default(""),
  expiresAt: IsoDay.nullable().default(null),
};

export const HoldingFields = {
  identityId: IdentityId,
  personId: PersonId,
  /** When they started holding it; empty: today (or, on import, the day already recorded). */
  since: IsoDayOrInstant.optional(),
};

export const CsvImportResult = z.object({ kind: CsvKind, rows: z.number().int(), records: z.number().int(), unchanged: z.number().int() });
export type CsvImportResult = z.infer<typeof CsvImportResult>;

export const ownerChannels = {
  "owners.list": channel(z.strictObject({}), Directory, "People, teams and every ownership (identity, line, cell)"),
  "owners.upsertTeam": channel(z.strictObject(TeamFields), TeamView, "Add or edit a team"),
  "owners.upsertPerson": channel(
    z.strictObject({
      ...PersonFields,
      /** Gives them an approver key on this laptop, protected by this PIN. Goes in, never comes back. */
      pin: z.string().min(6, "a PIN has at least 6 characters").max(128).nullable().default(null),
    }),
    PersonView,
    "Add or edit a person (with a PIN: an approver key on this laptop)",
  ),
  "owners.markLeft": channel(
    z.strictObject({ personId: PersonId, leftAt: IsoDay }),
    z.object({ person: PersonView, due: z.array(DueAccount), graceDays: z.number().int() }),
    "Mark a person as left: the shared accounts they held become due for rotation",
  ),
  "owners.setOwnership": channel(
    z.strictObject({ target: OwnershipTargetInput, ...OwnershipFields }),
    z.object({ updated: z.number().int() }),
    "Set (or clear, with owner null) the owner of an identity, a line or a cell",
  ),
  "owners.assignBulk": channel(
    z.strictObject({ identityIds: z.array(IdentityId).min(1, "select at least one identity").max(10_000), ...OwnershipFields }),
    z.object({ updated: z.number().int() }),
    "Set the same owner on many identities in one transaction",
  ),
  "owners.addHolder": channel(
    z.strictObject(HoldingFields),
    z.object({ identityId: z.string(), personId: z.string() }),
    "Record that a person holds (knows or uses) a shared credential",
  ),
  "owners.removeHolder": channel(
    z.strictObject({ identityId: IdentityId, personId: PersonId, at: IsoDayOrInstant.optional() }),
    z.object({ identityId: z.string(), personId: z.string() }),
    "Record that a person no longer holds a credential",
  ),
  "owners.attestUse": channel(
    z
      .strictObject({
        identityId: IdentityId,
        personId: PersonId,
        controllerId: z.string().min(1).max(64),
        workOrder: z.string().trim().min(1, "enter the work order").max(200),
        from: IsoDayOrInstant,
        to: IsoDayOrInstant.nullable().default(null),
        breakGlass: z.boolean().default(false),
      })
      .refine((u) => u.to === null || parseInstant(u.to)! >= parseInstant(u.from)!, { message: "the check-in (to) is before the check-out (from)", path: ["to"] }),
    z.object({ identityId: z.string() }),
    "Attest one use of an account (offline check-out/check-in)",
  ),
  "owners.authority": channel(z.strictObject({}), z.object({ rows: z.array(AuthorityRowView) }), "The decision authority matrix: lines and cells of the plant × approve/revoke/pause/override"),
  "owners.setAuthority": channel(
    z.strictObject({ line: z.string().min(1).max(200), cell: z.string().min(1).max(200).nullable(), action: AuthorityActionName, people: z.array(PersonId).max(20) }),
    AuthorityRowView,
    "Set who may approve, revoke, pause or override on a line or cell, in escalation order",
  ),
  "owners.importCsv": channel(
    z.strictObject({ path: AbsolutePath }),
    CsvImportResult,
    "Import teams, people, owners or holders from a CSV file: all rows or none",
  ),
  "owners.exportCsv": channel(
    z.strictObject({ kind: CsvKind, path: AbsolutePath }),
    z.object({ path: z.string(), kind: CsvKind, rows: z.number().int(), bytes: z.number().int() }),
    "Write teams, people, owners or holders to a CSV file for a spreadsheet",
  ),
  "owners.exportCsvText": channel(
    z.strictObject({ kind: CsvKind }),
    z.object({ kind: CsvKind, rows: z.number().int(), text: z.string() }),
    "Teams, people, owners or holders as CSV text, as a file would hold it (the CLI prints it)",
  ),
} satisfies Record<string, ChannelSpec>;

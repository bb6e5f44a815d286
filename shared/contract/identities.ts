import { z } from "zod";
import { Finding, FindingCode, IdentityFlags, IdentityKind, Severity } from "../domain/identity";
import { DeclaredAccountKind } from "../domain/plant";
import { channel } from "./channel";

export const OwnerView = z.object({
  status: z.enum(["owned", "unowned", "contested"]),
  name: z.string().nullable(),
  ownerType: z.enum(["person", "team"]).nullable(),
  ownerId: z.string().nullable(),
  source: z.enum(["identity", "cell", "line"]).nullable(),
  why: z.string(),
  purpose: z.string(),
  scope: z.string(),
  expiresAt: z.string().nullable(),
});

/** One row of the Identities table: compact, since a plant may have 100,000. */
export const IdentityRow = z.object({
  id: z.string(),
  kind: IdentityKind,
  name: z.string(),
  /** A certificate's name is its application URI; this is the controller(s) it identifies, shown first. */
  controllerName: z.string().optional(),
  flags: IdentityFlags,
  controllers: z.number().int(),
  lines: z.array(z.string()),
  cells: z.array(z.string()),
  owner: z.string().nullable(),
  ownerStatus: z.enum(["owned", "unowned", "contested"]),
  holders: z.array(z.string()),
  lastRotatedAt: z.string().nullable(),
  due: z.object({ date: z.string(), reason: z.string(), why: z.string() }).nullable(),
  /** Codes and severities only: the full text is in the identity's detail. */
  findings: z.array(z.object({ code: FindingCode, severity: Severity })),
  worst: Severity.nullable(),
});
export type IdentityRow = z.infer<typeof IdentityRow>;

export const IdentityDetail = z.object({
  row: IdentityRow,
  owner: OwnerView,
  description: z.string(),
  classification: z.array(z.string()),
  controllers: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      line: z.string(),
      cell: z.string(),
      roles: z.array(z.string()),
      description: z.string(),
      disabled: z.boolean(),
      lastRotatedAt: z.string().nullable(),
      /** In the controller's own account list (Part 18 Users or RoleSet). */
      listed: z.boolean(),
      /** Declared by the technician (plant file, by hand, or found by the factory password check). */
      declared: z.boolean(),
    }),
  ),
  holders: z.array(z.object({ personId: z.string(), name: z.string(), since: z.string(), removedAt: z.string().nullable(), leftAt: z.string().nullable() })),
  uses: z.array(z.object({ personName: z.string(), controllerId: z.string(), workOrder: z.string(), from: z.string(), to: z.string().nullable(), breakGlass: z.boolean() })),
  findings: z.array(Finding),
  /** The technician's own controller login on every controller it lives on: its current password comes from the laptop's vault. */
  ownLogin: z.boolean(),
});
export type IdentityDetail = z.infer<typeof IdentityDetail>;

export const identityChannels = {
  "identities.declare": channel(
    z.strictObject({
      controllerIds: z.array(z.string().min(1).max(64)).min(1, "choose at least one controller").max(10_000),
      userName: z.string().trim().min(1, "enter the account's name").max(200),
      kind: DeclaredAccountKind.default("user"),
      description: z.string().trim().max(2000).default(""),
    }),
    z.object({ identityId: z.string(), declared: z.number().int(), unchanged: z.number().int() }),
    "Declare an account the technician knows is on controllers that cannot list their own (recorded as declared, not observed)",
  ),
  "identities.checkReuse": channel(
    z.strictObject({ id: z.string().max(300), password: z.string().min(1).max(1024) }),
    z.object({ acceptedOn: z.array(z.string()), refusedOn: z.array(z.string()), unreachableOn: z.array(z.string()) }),
    "Where does this password work? One login attempt per controller; recorded without the password",
  ),
  "identities.checkDefaults": channel(
    z.strictObject({ confirm: z.literal(true) }),
    z.object({
      results: z.array(
        z.object({
          identityId: z.string(),
          userName: z.string(),
          acceptedOn: z.array(z.string()),
          refusedOn: z.array(z.string()),
          unreachableOn: z.array(z.string()),
          notApplicableOn: z.array(z.string()),
          failedLogins: z.number().int(),
        }),
      ),
      /** Controllers that cannot list their accounts and where no factory account is known to try: not checked. */
      notListed: z.array(z.object({ controllerId: z.string(), name: z.string(), reason: z.string() })),
    }),
    "Opt-in: try the vendors' published factory passwords (at most two per account and controller); recorded without passwords",
  ),
  "identities.list": channel(z.strictObject({}), z.object({ rows: z.array(IdentityRow), generatedAt: z.string() }), "Every identity with owner, holders, due date and findings"),
  "identities.get": channel(z.strictObject({ id: z.string().max(300) }), IdentityDetail, "One identity in full: attribution, controllers, holders, uses, findings"),
};

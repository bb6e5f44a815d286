import { z } from "zod";

/**
 * The thresholds the rules apply. A site may tighten (or, with a documented reason, loosen) the
 * rotation age; everything else is plant-wide. Validated with `FindingPolicySchema` when it comes
 * from settings, so a typo cannot silently switch a rule off.
 */
export interface FindingPolicy {
  /** Longest a password or key may go without rotation, in calendar months. NERC CIP-007-6 R5.6: 15. */
  readonly rotationMaxAgeMonths: number;
  /** Per-site override of `rotationMaxAgeMonths`, keyed by site id (plant file `site.id`). */
  readonly rotationMaxAgeMonthsBySite: Readonly<Record<string, number>>;
  /** Days after a holder leaves within which a shared credential they knew must change. CIP-004-7 R5.4: 30. */
  readonly holderLeftGraceDays: number;
  /** A certificate expiring within this many days is a finding (medium). */
  readonly certificateWarningDays: number;
  /** ... and within this many days it is high: too little time left to plan a visit. */
  readonly certificateUrgentDays: number;
  /** An identity on at least this many controllers is a blast-radius finding. */
  readonly blastRadiusThreshold: number;
  /** Security policies that give no protection at all (short names, compared case-insensitively). */
  readonly insecureSecurityPolicies: readonly string[];
  /** Security policies the OPC Foundation deprecated (SHA-1, RSA PKCS#1 v1.5). */
  readonly deprecatedSecurityPolicies: readonly string[];
}

/**
 * Defaults. The blast-radius threshold is 4: a line in the plants Fieldproof targets has two or three
 * controllers (PLC, HMI or robot, gateway or historian), and a line's shared maintenance account
 * living on all of them is already covered by the shared-account rules. A credential on four or more
 * controllers opens more than any one line, so a single leak reaches past one team's equipment.
 */
export const DEFAULT_POLICY: FindingPolicy = Object.freeze({
  rotationMaxAgeMonths: 15,
  rotationMaxAgeMonthsBySite: Object.freeze({}),
  holderLeftGraceDays: 30,
  certificateWarningDays: 30,
  certificateUrgentDays: 7,
  blastRadiusThreshold: 4,
  insecureSecurityPolicies: Object.freeze(["None"]),
  deprecatedSecurityPolicies: Object.freeze(["Basic128Rsa15", "Basic256"]),
});

const Months = z.number().int().min(1).max(120);

/** For policies edited in settings: bounded so no value turns a rule off by accident. */
export const FindingPolicySchema = z.object({
  rotationMaxAgeMonths: Months,
  rotationMaxAgeMonthsBySite: z.record(z.string().min(1).max(64), Months),
  holderLeftGraceDays: z.number().int().min(0).max(365),
  certificateWarningDays: z.number().int().min(0).max(365),
  certificateUrgentDays: z.number().int().min(0).max(365),
  blastRadiusThreshold: z.number().int().min(2).max(10_000),
  insecureSecurityPolicies: z.array(z.string().min(1).max(80)).max(20),
  deprecatedSecurityPolicies: z.array(z.string().min(1).max(80)).max(20),
});

/** The rotation age that applies to a site: its override when it has one, else the plant-wide value. */
export function rotationMaxAgeMonthsFor(policy: FindingPolicy, siteId: string | null | undefined): number {
  const bySite = policy.rotationMaxAgeMonthsBySite;
  // Own properties only: a site called "constructor" must not pick up Object.prototype.constructor.
  if (typeof siteId === "string" && Object.prototype.hasOwnProperty.call(bySite, siteId)) {
    const months = bySite[siteId];
    if (typeof months === "number" && Number.isInteger(months) && months > 0) return months;
  }
  return policy.rotationMaxAgeMonths;
}

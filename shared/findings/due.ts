import type { BreakGlassUse, HolderFacts, IdentityFacts } from "./facts";
import { compareText } from "./finding";
import { rotationMaxAgeMonthsFor, type FindingPolicy } from "./policy";
import { REF } from "./references";
import { quoted, shortName } from "./text";
import { addCalendarMonths, addDays, isoDay, isoInstant, parseEnd, parseInstant } from "../domain/time";

/**
 * When an identity must next be rotated, and why. Each deadline here is also the instant after
 * which the matching finding fires, so the Identities table's "due" column and the findings list
 * can never disagree.
 */

export type DueReason = "default-password" | "break-glass-used" | "holder-left" | "vendor-access-ends" | "credential-expires" | "rotation-age";

/** At equal instants the most urgent reason is named first. */
const REASON_ORDER: readonly DueReason[] = ["default-password", "break-glass-used", "holder-left", "vendor-access-ends", "credential-expires", "rotation-age"];

export interface DueItem {
  readonly reason: DueReason;
  /**
   * ISO instant (UTC): the last moment the identity is still within policy. It is overdue strictly
   * after this instant, and the matching finding fires from then on.
   */
  readonly at: string;
  /** `YYYY-MM-DD` (UTC) of `at`, for a table column. */
  readonly date: string;
  /** One sentence: why that date. */
  readonly why: string;
  /** The clause the deadline comes from. */
  readonly reference: string;
}

/** The earliest deadline, with the others behind it (sorted) for a tooltip. */
export interface DueDate extends DueItem {
  readonly others: readonly DueItem[];
}

/** The latest recorded change of the secret (rotation or a known set date), or null if none is known. */
export function lastKnownChange(identity: IdentityFacts): number | null {
  const times = [parseInstant(identity.lastRotatedAt), parseInstant(identity.credentialSetAt)].filter((t): t is number => t !== null);
  return times.length > 0 ? Math.max(...times) : null;
}

export interface RotationBaseline {
  readonly at: number;
  /** rotated/set: the secret's real age is known; first-seen: it is at least this old. */
  readonly source: "changed" | "first-seen";
}

/** What a rotation age is counted from: the last known change, else the day Fieldproof first saw it. */
export function rotationBaseline(identity: IdentityFacts): RotationBaseline | null {
  const changed = lastKnownChange(identity);
  if (changed !== null) return { at: changed, source: "changed" };
  const seen = parseInstant(identity.firstSeenAt);
  return seen === null ? null : { at: seen, source: "first-seen" };
}

/** Certificates are governed by their validity period (controller findings), not a password age. */
export function rotationAgeApplies(identity: IdentityFacts): boolean {
  return identity.kind !== "certificate";
}

export function rotationAgeDue(identity: IdentityFacts, policy: FindingPolicy): { readonly due: number; readonly baseline: RotationBaseline; readonly months: number } | null {
  if (!rotationAgeApplies(identity)) return null;
  const baseline = rotationBaseline(identity);
  if (!baseline) return null;
  const months = rotationMaxAgeMonthsFor(policy, identity.siteId);
  return { due: addCalendarMonths(baseline.at, months), baseline, months };
}

export interface LeaverDue {
  readonly holder: HolderFacts;
  readonly leftAt: number;
  readonly due: number;
}

/** Holders who left after the last known change, earliest first: each one's secret knowledge is still valid. */
export function leaversNotRotated(identity: IdentityFacts, policy: FindingPolicy): readonly LeaverDue[] {
  const changed = lastKnownChange(identity);
  const out: LeaverDue[] = [];
  for (const holder of identity.holders) {
    const leftAt = parseInstant(holder.leftAt);
    // A change at or after the leave date means the leaver's knowledge is already useless.
    if (leftAt === null || (changed !== null && changed >= leftAt)) continue;
    out.push({ holder, leftAt, due: addDays(leftAt, policy.holderLeftGraceDays) });
  }
  return out.sort((a, b) => a.leftAt - b.leftAt || compareText(a.holder.name, b.holder.name));
}

/** Break-glass uses after the last known change, earliest first. Each is due at once. */
export function breakGlassUsesNotRotated(identity: IdentityFacts): readonly { readonly use: BreakGlassUse; readonly at: number }[] {
  const changed = lastKnownChange(identity);
  const out: { use: BreakGlassUse; at: number }[] = [];
  for (const use of identity.breakGlassUses) {
    const at = parseInstant(use.at);
    if (at === null || (changed !== null && changed >= at)) continue;
    out.push({ use, at });
  }
  return out.sort((a, b) => a.at - b.at);
}

/**
 * The last instant of the vendor's access (the end of the last valid day when the expiry is a bare
 * date), or null: no expiry known, or the account is disabled everywhere, which already ends it.
 */
export function vendorAccessDeadline(identity: IdentityFacts): number | null {
  if (identity.enabled === false) return null;
  const end = parseEnd(identity.vendorExpiresAt);
  return end === null ? null : end - 1;
}

/** Every deadline that applies, earliest first. */
export function dueItems(identity: IdentityFacts, policy: FindingPolicy): readonly DueItem[] {
  const items: { reason: DueReason; ms: number; why: string; reference: string }[] = [];
  const name = quoted(identity.name);

  const foundAt = identity.defaultPasswordConfirmed ? parseInstant(identity.defaultPasswordFoundAt) : null;
  if (foundAt !== null) {
    items.push({ reason: "default-password", ms: foundAt, why: `The vendor's published password of ${name} was found working on ${isoDay(foundAt)}: due at once.`, reference: REF.sr1_5 });
  }
  const use = breakGlassUsesNotRotated(identity)[0];
  if (use) {
    const who = use.use.by ? ` by ${shortName(use.use.by)}` : "";
    items.push({ reason: "break-glass-used", ms: use.at, why: `${name} was used as a break-glass account on ${isoDay(use.at)}${who} and has not been rotated since: due at once.`, reference: REF.sr1_5 });
  }
  const leaver = leaversNotRotated(identity, policy)[0];
  if (leaver) {
    items.push({
      reason: "holder-left",
      ms: leaver.due,
      why: `${shortName(leaver.holder.name)} stopped holding ${name} on ${isoDay(leaver.leftAt)}; a shared secret they knew must change within ${policy.holderLeftGraceDays} days.`,
      reference: REF.cip004_5_4,
    });
  }
  const vendorEnd = vendorAccessDeadline(identity);
  if (vendorEnd !== null) {
    const vendor = identity.vendorName ? `${shortName(identity.vendorName)}'s` : "The vendor's";
    items.push({ reason: "vendor-access-ends", ms: vendorEnd, why: `${vendor} access through ${name} ends after ${isoDay(vendorEnd)}: disable the account or change its password then.`, reference: REF.cip005_2_5 });
  }
  const expires = parseInstant(identity.credentialExpiresAt);
  if (expires !== null) {
    items.push({ reason: "credential-expires", ms: expires, why: `The current ${identity.kind === "certificate" ? "certificate" : "credential"} stops working on ${isoDay(expires)}: replace it before then.`, reference: REF.sr1_5 });
  }
  const age = rotationAgeDue(identity, policy);
  if (age) {
    const since = age.baseline.source === "changed" ? `last changed on ${isoDay(age.baseline.at)}` : `not rotated since Fieldproof first saw it on ${isoDay(age.baseline.at)}`;
    items.push({ reason: "rotation-age", ms: age.due, why: `${name} was ${since}; the policy allows ${age.months} months between rotations.`, reference: REF.cip007_5_6 });
  }

  items.sort((a, b) => a.ms - b.ms || REASON_ORDER.indexOf(a.reason) - REASON_ORDER.indexOf(b.reason));
  return Object.freeze(items.map((item) => Object.freeze({ reason: item.reason, at: isoInstant(item.ms), date: isoDay(item.ms), why: item.why, reference: item.reference })));
}

/** The earliest date by which the identity must be rotated, and why; null when nothing is known to be due. */
export function dueDate(identity: IdentityFacts, policy: FindingPolicy): DueDate | null {
  const [first, ...others] = dueItems(identity, policy);
  if (!first) return null;
  return Object.freeze({ ...first, others: Object.freeze(others) });
}

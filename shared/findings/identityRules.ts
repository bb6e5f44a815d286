import type { Finding } from "../domain/identity";
import { breakGlassUsesNotRotated, leaversNotRotated, rotationAgeDue, vendorAccessDeadline } from "./due";
import type { IdentityFacts } from "./facts";
import { compareText, makeFinding, sortFindings } from "./finding";
import type { FindingPolicy } from "./policy";
import { REF } from "./references";
import { listOf, plural, quoted, secretWord, shortName } from "./text";
import { isoDay, parseInstant, wholeDays, wholeMonths } from "../domain/time";

type Subject = { readonly type: "identity"; readonly id: string };

/**
 * Findings about one identity. Deadlines come from due.ts, so a finding fires exactly when the
 * identity's due date (dueDate) has passed.
 */
export function identityFindings(identity: IdentityFacts, policy: FindingPolicy, now: Date): readonly Finding[] {
  const nowMs = now.getTime();
  const subject: Subject = { type: "identity", id: identity.id };
  const name = quoted(identity.name);
  const secret = secretWord(identity.kind);
  const rules = [
    unowned(identity, name, subject),
    sharedWithoutHolders(identity, nowMs, name, subject),
    rotationOverdue(identity, policy, nowMs, name, secret, subject),
    holderLeftNotRotated(identity, policy, nowMs, name, secret, subject),
    breakGlassUsedNotRotated(identity, nowMs, name, secret, subject),
    vendorAccessExpired(identity, nowMs, name, subject),
    defaults(identity, name, subject),
    blastRadius(identity, policy, name, secret, subject),
  ];
  return sortFindings(rules.filter((f): f is Finding => f !== null));
}

function unowned(identity: IdentityFacts, name: string, subject: Subject): Finding | null {
  if (identity.effectiveOwner && identity.effectiveOwner.name.trim() !== "") return null;
  return makeFinding({
    code: "unowned",
    severity: "medium",
    subject,
    title: "No accountable owner",
    explanation:
      `Nobody is accountable for ${name}: no owner is set on it, nor on the cell, line or area it sits in. ` +
      "Without an owner nobody decides when it is rotated, who may hold it, or when it should be removed, so it tends to outlive its purpose.",
    action: "Name an owner (a person or a team) on the identity, or on its line or cell so that it and its neighbours inherit one.",
    references: [REF.csfAA01, REF.sr1_3, REF.nhi1],
  });
}

function activeHolders(identity: IdentityFacts, nowMs: number): number {
  return identity.holders.filter((holder) => {
    if (holder.leftAt === null) return true;
    const leftAt = parseInstant(holder.leftAt);
    // An unreadable leave date is not evidence that they left; a future one means they still hold it.
    return leftAt === null || leftAt > nowMs;
  }).length;
}

function sharedWithoutHolders(identity: IdentityFacts, nowMs: number, name: string, subject: Subject): Finding | null {
  if (!identity.flags.shared || activeHolders(identity, nowMs) > 0) return null;
  const allLeft = identity.holders.length > 0;
  return makeFinding({
    code: "shared-without-holders",
    severity: "medium",
    subject,
    title: "Shared account with no recorded holders",
    explanation:
      `${name} is shared, but ${allLeft ? "everyone recorded as holding it has left" : "nobody is recorded as holding it"}. ` +
      "Its uses cannot be tied to a person, and when someone who knows it leaves, nobody knows that it must change.",
    action: "Record who knows the password (its holders). If you cannot tell, rotate it and hand the new password only to the people you record.",
    references: [REF.cip007_5_3, REF.sr1_1, REF.sr2_12, REF.nhi10],
  });
}

function rotationOverdue(identity: IdentityFacts, policy: FindingPolicy, nowMs: number, name: string, secret: string, subject: Subject): Finding | null {
  const age = rotationAgeDue(identity, policy);
  if (!age || nowMs <= age.due) return null;
  const months = wholeMonths(age.baseline.at, nowMs);
  const since =
    age.baseline.source === "changed"
      ? `was last changed on ${isoDay(age.baseline.at)}, ${plural(months, "month")} ago`
      : `has not changed since Fieldproof first saw it on ${isoDay(age.baseline.at)}, ${plural(months, "month")} ago (it may be much older)`;
  return makeFinding({
    code: "rotation-overdue",
    severity: "medium",
    subject,
    title: "Rotation overdue",
    explanation:
      `The ${secret} of ${name} ${since}; the policy allows ${age.months} months. ` +
      `It was due by ${isoDay(age.due)}. The longer a ${secret} lives, the more people, laptops and notes it has passed through.`,
    action: `Rotate it: over OPC UA where the controller supports it, otherwise in the vendor tool, recorded in Fieldproof as a manual rotation.`,
    references: [REF.cip007_5_6, REF.sr1_5, REF.nhi7],
  });
}

function holderLeftNotRotated(identity: IdentityFacts, policy: FindingPolicy, nowMs: number, name: string, secret: string, subject: Subject): Finding | null {
  const overdue = leaversNotRotated(identity, policy).filter((leaver) => nowMs > leaver.due);
  const first = overdue[0];
  if (!first) return null;
  const who = overdue.map((l) => `${shortName(l.holder.name)} (left ${isoDay(l.leftAt)})`);
  return makeFinding({
    code: "holder-left-not-rotated",
    // A person who no longer works here still knows a working secret.
    severity: "high",
    subject,
    title: "Holder left and the password was not changed",
    explanation:
      `${listOf(who)} held ${name} and no longer ${overdue.length === 1 ? "does" : "do"}, but its ${secret} has not changed since. ` +
      `It should have changed within ${policy.holderLeftGraceDays} days, by ${isoDay(first.due)}.`,
    action: `Rotate ${name} now and give the new ${secret} only to the remaining holders.`,
    references: [REF.cip004_5_4, REF.sr1_5, REF.nhi1],
  });
}

function breakGlassUsedNotRotated(identity: IdentityFacts, nowMs: number, name: string, secret: string, subject: Subject): Finding | null {
  const uses = breakGlassUsesNotRotated(identity).filter((u) => nowMs > u.at);
  const first = uses[0];
  if (!first) return null;
  const by = first.use.by ? ` by ${shortName(first.use.by)}` : "";
  const workOrder = first.use.workOrder ? ` (work order ${shortName(first.use.workOrder, 40)})` : "";
  const more = uses.length > 1 ? ` It has been used ${plural(uses.length, "time")} since its last rotation.` : "";
  return makeFinding({
    code: "break-glass-used-not-rotated",
    // The most powerful account on the controller, its secret now seen under pressure; high until it changes.
    severity: "high",
    subject,
    title: "Break-glass account used and not rotated since",
    explanation:
      `${name} was used on ${isoDay(first.at)}${by}${workOrder} and its ${secret} has not changed since.${more} ` +
      `In an emergency the ${secret} is read, typed and sometimes written down; until it changes it is no longer a sealed emergency credential.`,
    action: `Rotate it now, seal the new ${secret} again (vault or envelope), and make sure each use is recorded with its reason and work order.`,
    references: [REF.sr1_5, REF.sr2_12, REF.csfAA01],
  });
}

function vendorAccessExpired(identity: IdentityFacts, nowMs: number, name: string, subject: Subject): Finding | null {
  const deadline = vendorAccessDeadline(identity);
  if (deadline === null || nowMs <= deadline) return null;
  const vendor = identity.vendorName ? shortName(identity.vendorName) : "the vendor";
  const ago = wholeDays(deadline, nowMs);
  return makeFinding({
    code: "vendor-access-expired",
    severity: "high",
    subject,
    title: "Vendor access past its expiry",
    explanation:
      `${name} gives ${vendor} access that ended on ${isoDay(deadline)}${ago > 0 ? ` (${plural(ago, "day")} ago)` : ""}, but the account still works. ` +
      "Controllers rarely enforce such dates, so an outside party keeps its access until someone removes it.",
    action: `Disable or remove ${name}. If ${vendor} still needs access, agree a new end date, change the password and record the new expiry.`,
    references: [REF.cip005_2_4, REF.cip005_2_5, REF.sr1_3, REF.nhi3],
  });
}

function defaults(identity: IdentityFacts, name: string, subject: Subject): Finding | null {
  if (identity.defaultPasswordConfirmed) {
    return makeFinding({
      code: "default-password",
      // Anyone with the product manual can log in.
      severity: "critical",
      subject,
      title: "Factory default password works",
      explanation: `A login to ${name} with the vendor's published factory password succeeded. Anyone who has the product manual, or a list from the internet, can do the same.`,
      action: `Rotate ${name} now. If the account is not needed, disable it as well.`,
      references: [REF.cip007_5_4, REF.sr1_5, REF.nhi4],
    });
  }
  if (!identity.flags.default) return null;
  return makeFinding({
    code: "default-account",
    severity: "medium",
    subject,
    title: "Factory default account",
    explanation:
      `${name} is an account the vendor ships the controller with. Its name is public, scripts and attackers try it first, ` +
      "and it often still has its factory password.",
    action:
      "Disable or rename it if the controller allows; otherwise make sure its password was changed (rotate it, or let Fieldproof try the factory password once with the opt-in check) and give it an owner.",
    references: [REF.cip007_5_2, REF.cip007_5_4, REF.sr1_5],
  });
}

function blastRadius(identity: IdentityFacts, policy: FindingPolicy, name: string, secret: string, subject: Subject): Finding | null {
  const confirmed = confirmedReuse(identity, name, secret, subject);
  if (confirmed) return confirmed;
  const controllers = new Set(identity.controllers.map((c) => c.id));
  if (controllers.size < policy.blastRadiusThreshold) return null;
  const lines = [...new Set(identity.controllers.map((c) => shortName(c.line, 60)))].sort(compareText);
  return makeFinding({
    code: "blast-radius",
    // Crossing lines means one leak stops more than one team's equipment.
    severity: lines.length > 1 || controllers.size >= 2 * policy.blastRadiusThreshold ? "high" : "medium",
    subject,
    title: `On ${controllers.size} controllers`,
    explanation:
      `${name} exists on ${plural(controllers.size, "controller")} on ${plural(lines.length, "line")} (${listOf(lines)}). ` +
      `Where they share one ${secret} (shared accounts usually do), whoever learns it reaches all of them at once, and every rotation means visiting each one.`,
    action: `Give each controller (or at least each line) its own ${secret}: rotate them one by one to different values, and record which holders need which.`,
    references: [REF.nhi9, REF.csfAA05, REF.sr1_5],
  });
}

/** A reuse check proved one password opens controllers on more than one line: whatever the count, that is high. */
function confirmedReuse(identity: IdentityFacts, name: string, secret: string, subject: Subject): Finding | null {
  const same = identity.sameSecretOn ?? [];
  const controllers = new Set(same.map((c) => c.id));
  const lines = [...new Set(same.map((c) => shortName(c.line, 60)))].sort(compareText);
  if (controllers.size < 2 || lines.length < 2) return null;
  return makeFinding({
    code: "blast-radius",
    severity: "high",
    subject,
    title: `One ${secret} opens ${controllers.size} controllers on ${lines.length} lines`,
    explanation:
      `A check confirmed that the same ${secret} of ${name} is accepted on ${plural(controllers.size, "controller")} across ${listOf(lines)}. ` +
      `Whoever learns it on one line reaches the other${lines.length > 2 ? "s" : ""}.`,
    action: `Rotate it line by line to different values (Fieldproof gives each controller its own ${secret} by default) and record which holders need which.`,
    references: [REF.nhi9, REF.csfAA05, REF.sr1_5],
  });
}

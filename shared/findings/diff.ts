import type { Severity } from "../domain/identity";
import type { AccountInfo, ControllerPosture } from "../domain/posture";
import { compareText, severityRank } from "./finding";
import { anonymousObserved, endpointsWereRead, offeredPolicyModes, securityPolicyVerdict } from "./securityPolicy";
import { DEFAULT_POLICY, type FindingPolicy } from "./policy";
import { listOf, quoted, shortName } from "./text";
import { DAY_MS, humanDuration, MINUTE_MS, parseInstant } from "../domain/time";

/**
 * What changed on a controller between two visits, in plain words, for the controller page and
 * the `controller.observed` record. Only what both visits actually read is compared: a part one
 * visit could not read (a gap) yields no change rather than everything "removed" or "added".
 */

export const POSTURE_CHANGE_KINDS = [
  "account-added",
  "account-removed",
  "account-roles-changed",
  "account-enabled",
  "account-disabled",
  "account-description-changed",
  "certificate-changed",
  "endpoint-added",
  "endpoint-removed",
  "security-policy-added",
  "security-policy-removed",
  "anonymous-enabled",
  "anonymous-disabled",
  "user-management-appeared",
  "user-management-disappeared",
  "password-policy-changed",
  "clock-drift",
] as const;
export type PostureChangeKind = (typeof POSTURE_CHANGE_KINDS)[number];

export interface PostureChange {
  readonly kind: PostureChangeKind;
  readonly severity: Severity;
  /** What changed: an account name, an endpoint URL, a "policy / mode" pair, or "" for the controller itself. */
  readonly subject: string;
  /** One plain sentence. */
  readonly text: string;
  readonly before: string | null;
  readonly after: string | null;
}

export interface DiffOptions {
  /** Clock difference tolerated before it is reported. Default 5 minutes: beyond it, timestamps in records stop lining up. */
  readonly clockDriftToleranceMs?: number;
  /** Which security policies count as insecure or deprecated. Default DEFAULT_POLICY. */
  readonly policy?: FindingPolicy;
}

const DEFAULT_CLOCK_TOLERANCE_MS = 5 * MINUTE_MS;
/** Roles whose appearance widens what an account can change on the controller. */
const POWERFUL_ROLES = new Set(["SecurityAdmin", "ConfigureAdmin", "Supervisor", "Engineer"]);
/** Part 18 UserConfigurationMask: Disabled. */
const DISABLED_BIT = 2;
/** Part 18 PasswordOptionsMask bits that require a character class (the others say what the server supports). */
const REQUIRED_CLASSES: readonly (readonly [number, string])[] = [
  [32, "an upper-case letter"],
  [64, "a lower-case letter"],
  [128, "a digit"],
  [256, "a special character"],
];
const REQUIRED_CLASS_BITS = 32 | 64 | 128 | 256;

type Draft = Omit<PostureChange, "before" | "after"> & { readonly before?: string | null; readonly after?: string | null };

/**
 * The changes from `previous` to `next`, most severe first, then by kind and subject. The first
 * visit (previous null) is the baseline: no changes, except that the controller's clock is checked
 * on every visit, since it concerns this visit's own timestamps.
 */
export function diffPosture(previous: ControllerPosture | null, next: ControllerPosture, options: DiffOptions = {}): readonly PostureChange[] {
  const out: Draft[] = [];
  if (next.reachable) {
    clockDrift(next, options.clockDriftToleranceMs ?? DEFAULT_CLOCK_TOLERANCE_MS, out);
    if (previous && previous.reachable) {
      accounts(previous, next, out);
      certificate(previous, next, out);
      if (endpointsWereRead(previous) && endpointsWereRead(next)) endpoints(previous, next, options.policy ?? DEFAULT_POLICY, out);
      userManagement(previous, next, out);
    }
  }
  const sorted = out.sort(
    (a, b) => severityRank(a.severity) - severityRank(b.severity) || POSTURE_CHANGE_KINDS.indexOf(a.kind) - POSTURE_CHANGE_KINDS.indexOf(b.kind) || compareText(a.subject, b.subject),
  );
  return Object.freeze(sorted.map((c) => Object.freeze({ ...c, before: c.before ?? null, after: c.after ?? null })));
}

function byName(list: readonly AccountInfo[]): ReadonlyMap<string, AccountInfo> {
  return new Map(list.map((account) => [account.userName, account]));
}

const isDisabled = (account: AccountInfo): boolean => (account.userConfiguration & DISABLED_BIT) !== 0;
const rolesText = (roles: readonly string[]): string => (roles.length === 0 ? "no roles" : [...roles].sort(compareText).join(", "));

function accounts(previous: ControllerPosture, next: ControllerPosture, out: Draft[]): void {
  if (!previous.accounts || !next.accounts) return;
  const before = byName(previous.accounts);
  const after = byName(next.accounts);
  for (const [userName, account] of after) {
    const old = before.get(userName);
    const name = quoted(userName);
    if (!old) {
      const powerful = account.roles.some((role) => POWERFUL_ROLES.has(role));
      out.push({ kind: "account-added", severity: powerful ? "high" : "medium", subject: userName, text: `Account ${name} appeared, with ${rolesText(account.roles)}.`, after: rolesText(account.roles) });
      continue;
    }
    const gained = account.roles.filter((role) => !old.roles.includes(role));
    const lost = old.roles.filter((role) => !account.roles.includes(role));
    if (gained.length > 0 || lost.length > 0) {
      const parts = [gained.length > 0 ? `gained ${listOf([...gained].sort(compareText))}` : "", lost.length > 0 ? `lost ${listOf([...lost].sort(compareText))}` : ""].filter(Boolean);
      const severity: Severity = gained.some((role) => POWERFUL_ROLES.has(role)) ? "high" : gained.length > 0 ? "medium" : "low";
      out.push({ kind: "account-roles-changed", severity, subject: userName, text: `Account ${name} ${parts.join(" and ")}.`, before: rolesText(old.roles), after: rolesText(account.roles) });
    }
    if (isDisabled(old) !== isDisabled(account)) {
      const nowDisabled = isDisabled(account);
      out.push({
        kind: nowDisabled ? "account-disabled" : "account-enabled",
        severity: nowDisabled ? "low" : "medium",
        subject: userName,
        text: nowDisabled ? `Account ${name} was disabled.` : `Account ${name} was enabled again.`,
        before: nowDisabled ? "enabled" : "disabled",
        after: nowDisabled ? "disabled" : "enabled",
      });
    }
    if (old.description !== account.description) {
      out.push({
        kind: "account-description-changed",
        severity: "info",
        subject: userName,
        text: `The description of ${name} changed from "${shortName(old.description, 120)}" to "${shortName(account.description, 120)}".`,
        before: old.description,
        after: account.description,
      });
    }
  }
  for (const [userName, account] of before) {
    if (after.has(userName)) continue;
    out.push({ kind: "account-removed", severity: "low", subject: userName, text: `Account ${quoted(userName)} is gone.`, before: rolesText(account.roles) });
  }
}

function certificate(previous: ControllerPosture, next: ControllerPosture, out: Draft[]): void {
  if (!previous.certificate || !next.certificate) return;
  if (previous.certificate.thumbprintSha256 === next.certificate.thumbprintSha256) return;
  out.push({
    kind: "certificate-changed",
    // A legitimate rotation looks the same; the certificate-changed finding decides against what was trusted.
    severity: "high",
    subject: "",
    text: `The controller presents a different application certificate (SHA-256 ${next.certificate.thumbprintSha256.slice(0, 16)}…, valid until ${next.certificate.notAfter.slice(0, 10)}).`,
    before: previous.certificate.thumbprintSha256,
    after: next.certificate.thumbprintSha256,
  });
}

function endpoints(previous: ControllerPosture, next: ControllerPosture, policy: FindingPolicy, out: Draft[]): void {
  const urlsBefore = new Set(previous.endpoints.map((e) => e.url));
  const urlsAfter = new Set(next.endpoints.map((e) => e.url));
  for (const url of urlsAfter) if (!urlsBefore.has(url)) out.push({ kind: "endpoint-added", severity: "medium", subject: url, text: `A new endpoint appeared: ${shortName(url, 200)}.`, after: url });
  for (const url of urlsBefore) if (!urlsAfter.has(url)) out.push({ kind: "endpoint-removed", severity: "low", subject: url, text: `Endpoint ${shortName(url, 200)} is no longer offered.`, before: url });

  const pairsBefore = new Set(offeredPolicyModes(previous));
  const pairsAfter = new Set(offeredPolicyModes(next));
  for (const pair of pairsAfter) {
    if (pairsBefore.has(pair)) continue;
    const verdict = securityPolicyVerdict(pair.split(" / ")[0] ?? "", policy);
    const severity: Severity = verdict === "insecure" ? "high" : verdict === "deprecated" ? "medium" : "info";
    out.push({ kind: "security-policy-added", severity, subject: pair, text: `The controller now offers ${pair}.`, after: pair });
  }
  for (const pair of pairsBefore) {
    if (!pairsAfter.has(pair)) out.push({ kind: "security-policy-removed", severity: "info", subject: pair, text: `The controller no longer offers ${pair}.`, before: pair });
  }

  const anonymousBefore = anonymousObserved(previous);
  const anonymousAfter = anonymousObserved(next);
  if (anonymousBefore !== anonymousAfter) {
    out.push(
      anonymousAfter
        ? { kind: "anonymous-enabled", severity: "high", subject: "", text: "Anonymous access was switched on: clients can now connect without logging in.", before: "off", after: "on" }
        : { kind: "anonymous-disabled", severity: "low", subject: "", text: "Anonymous access was switched off.", before: "on", after: "off" },
    );
  }
}

/** Part 18 presence is only comparable when both visits got a session far enough to look for it. */
function part18Checked(posture: ControllerPosture): boolean {
  return !posture.gaps.some((gap) => gap.stage === "connect" || gap.stage === "session" || gap.stage === "capabilities");
}

function userManagement(previous: ControllerPosture, next: ControllerPosture, out: Draft[]): void {
  if (part18Checked(previous) && part18Checked(next) && previous.userManagement.available !== next.userManagement.available) {
    out.push(
      next.userManagement.available
        ? { kind: "user-management-appeared", severity: "info", subject: "", text: "The controller now offers OPC UA user management (Part 18): passwords can be rotated from Fieldproof.", before: "absent", after: "present" }
        : {
            kind: "user-management-disappeared",
            // Often a firmware change; rotations now need the vendor tool.
            severity: "medium",
            subject: "",
            text: "The controller no longer offers OPC UA user management (Part 18): passwords can only be changed with the vendor tool.",
            before: "present",
            after: "absent",
          },
    );
  }
  const a = previous.userManagement.passwordPolicy;
  const b = next.userManagement.passwordPolicy;
  if (!a || !b) return;
  if (a.minLength === b.minLength && a.maxLength === b.maxLength && a.options === b.options && a.restrictions === b.restrictions) return;
  // A shorter minimum or a character class no longer required is a weaker policy.
  const weaker = b.minLength < a.minLength || (a.options & ~b.options & REQUIRED_CLASS_BITS) !== 0;
  const describe = (p: typeof a): string => {
    const classes = REQUIRED_CLASSES.filter(([bit]) => (p.options & bit) !== 0).map(([, word]) => word);
    return `${p.minLength} to ${p.maxLength} characters${classes.length > 0 ? ` with ${listOf(classes)}` : ""}`;
  };
  const same = describe(a) === describe(b);
  out.push({
    kind: "password-policy-changed",
    severity: weaker ? "medium" : same ? "info" : "low",
    subject: "",
    text: same
      ? `The password policy's wording or supported options changed; it still asks for ${describe(b)}.`
      : `The password policy changed from ${describe(a)} to ${describe(b)}${weaker ? ": it is weaker than before" : ""}.`,
    before: describe(a),
    after: describe(b),
  });
}

function clockDrift(next: ControllerPosture, toleranceMs: number, out: Draft[]): void {
  const server = parseInstant(next.serverTime);
  const observed = parseInstant(next.observedAt);
  if (server === null || observed === null) return;
  const drift = server - observed;
  if (Math.abs(drift) <= toleranceMs) return;
  out.push({
    kind: "clock-drift",
    // Beyond a day, certificate validity checks and log correlation on the controller go wrong.
    severity: Math.abs(drift) > DAY_MS ? "medium" : "low",
    subject: "",
    text: `The controller's clock is ${humanDuration(drift)} ${drift > 0 ? "ahead of" : "behind"} this laptop's; its own timestamps (logs, certificates it issues) will not line up with the records.`,
    before: null,
    after: next.serverTime,
  });
}


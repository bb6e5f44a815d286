import { describe, expect, it } from "vitest";
import type { ControllerPosture } from "../../shared/domain/posture";
import { diffPosture, POSTURE_CHANGE_KINDS, type PostureChange } from "../../shared/findings";
import { account, certificate, DAY, endpoint, iso, posture, THUMB_B } from "./findings.fixtures";

const kinds = (changes: readonly PostureChange[]): string[] => changes.map((c) => c.kind);
const one = (before: ControllerPosture, after: ControllerPosture): PostureChange => {
  const changes = diffPosture(before, after);
  expect(changes).toHaveLength(1);
  return changes[0]!;
};

describe("diffPosture", () => {
  const base = posture();

  it("reports nothing for identical postures, or for the same posture read again later", () => {
    expect(diffPosture(base, posture())).toEqual([]);
    const later = posture({ observedAt: iso(DAY), serverTime: iso(DAY + 60_000) });
    expect(diffPosture(base, later)).toEqual([]);
  });

  it("treats the first visit as the baseline (no changes)", () => {
    expect(diffPosture(null, base)).toEqual([]);
  });

  describe("accounts", () => {
    it("account added: high with an admin role, medium without", () => {
      const admin = one(base, posture({ accounts: [...base.accounts!, account("eve", ["SecurityAdmin"])] }));
      expect(admin).toMatchObject({ kind: "account-added", severity: "high", subject: "eve", before: null, after: "SecurityAdmin" });
      expect(admin.text).toBe('Account "eve" appeared, with SecurityAdmin.');
      expect(one(base, posture({ accounts: [...base.accounts!, account("viewer", ["Observer"])] })).severity).toBe("medium");
    });

    it("account removed", () => {
      expect(one(base, posture({ accounts: [base.accounts![0]!] }))).toMatchObject({ kind: "account-removed", severity: "low", subject: "maint", before: "Engineer, Operator" });
    });

    it("roles changed: gaining an admin role is high, losing one is low", () => {
      const gained = one(base, posture({ accounts: [base.accounts![0]!, account("maint", ["Engineer", "Operator", "SecurityAdmin"], "Shared maintenance account")] }));
      expect(gained).toMatchObject({ kind: "account-roles-changed", severity: "high", text: 'Account "maint" gained SecurityAdmin.' });
      const lost = one(base, posture({ accounts: [base.accounts![0]!, account("maint", ["Operator"], "Shared maintenance account")] }));
      expect(lost).toMatchObject({ kind: "account-roles-changed", severity: "low", text: 'Account "maint" lost Engineer.' });
    });

    it("disabled and enabled again", () => {
      const disabled = posture({ accounts: [base.accounts![0]!, account("maint", ["Engineer", "Operator"], "Shared maintenance account", 2)] });
      expect(one(base, disabled)).toMatchObject({ kind: "account-disabled", severity: "low", before: "enabled", after: "disabled" });
      expect(one(disabled, base)).toMatchObject({ kind: "account-enabled", severity: "medium" });
    });

    it("description changed, quoting both", () => {
      const change = one(base, posture({ accounts: [base.accounts![0]!, account("maint", ["Engineer", "Operator"], "Shared maintenance account, expires 2027-01-01")] }));
      expect(change).toMatchObject({ kind: "account-description-changed", severity: "info", before: "Shared maintenance account" });
      expect(change.text).toContain("expires 2027-01-01");
    });

    it("compares nothing when either visit could not read the accounts", () => {
      expect(diffPosture(base, posture({ accounts: null, gaps: [{ stage: "accounts", code: "BadUserAccessDenied", message: "no" }] }))).toEqual([]);
      expect(diffPosture(posture({ accounts: null }), base)).toEqual([]);
    });
  });

  it("certificate changed (thumbprint)", () => {
    const change = one(base, posture({ certificate: certificate(iso(400 * DAY), THUMB_B) }));
    expect(change).toMatchObject({ kind: "certificate-changed", severity: "high", before: base.certificate!.thumbprintSha256, after: THUMB_B });
  });

  describe("endpoints and security policies", () => {
    it("endpoint added and removed (by URL)", () => {
      const extra = endpoint("Basic256Sha256", "SignAndEncrypt", ["UserName"], "opc.tcp://10.0.0.5:4840");
      expect(one(base, posture({ endpoints: [...base.endpoints, extra] }))).toMatchObject({ kind: "endpoint-added", severity: "medium", subject: "opc.tcp://10.0.0.5:4840" });
      expect(one(posture({ endpoints: [...base.endpoints, extra] }), base)).toMatchObject({ kind: "endpoint-removed", severity: "low" });
    });

    it("security policy added: None is high, deprecated medium, a modern one info; removed is info", () => {
      expect(one(base, posture({ endpoints: [...base.endpoints, endpoint("None", "None")] }))).toMatchObject({ kind: "security-policy-added", severity: "high", subject: "None / None" });
      expect(one(base, posture({ endpoints: [...base.endpoints, endpoint("Basic256", "Sign")] })).severity).toBe("medium");
      expect(one(base, posture({ endpoints: [...base.endpoints, endpoint("Aes128_Sha256_RsaOaep", "Sign")] })).severity).toBe("info");
      expect(one(base, posture({ endpoints: base.endpoints.slice(1) }))).toMatchObject({ kind: "security-policy-removed", severity: "info", subject: "Basic256Sha256 / Sign" });
    });

    it("anonymous enabled and disabled", () => {
      const anonymous = posture({ anonymousAllowed: true, endpoints: base.endpoints.map((e) => ({ ...e, userTokens: [...e.userTokens, { type: "Anonymous" as const, policyId: "anon", securityPolicy: null }] })) });
      expect(one(base, anonymous)).toMatchObject({ kind: "anonymous-enabled", severity: "high" });
      expect(one(anonymous, base)).toMatchObject({ kind: "anonymous-disabled", severity: "low" });
    });

    it("compares nothing when either visit missed the endpoints", () => {
      const missed = posture({ endpoints: [], gaps: [{ stage: "endpoints", code: "BadTimeout", message: "t" }] });
      expect(diffPosture(base, missed)).toEqual([]);
      expect(diffPosture(missed, base)).toEqual([]);
    });
  });

  describe("Part 18 and password policy", () => {
    const noPart18 = posture({ userManagement: { available: false, passwordPolicy: null } });

    it("user management disappeared (medium) and appeared (info)", () => {
      expect(one(base, noPart18)).toMatchObject({ kind: "user-management-disappeared", severity: "medium" });
      expect(one(noPart18, base)).toMatchObject({ kind: "user-management-appeared", severity: "info" });
    });

    it("does not report Part 18 gone when the session failed", () => {
      const failed = posture({ userManagement: { available: false, passwordPolicy: null }, accounts: null, gaps: [{ stage: "session", code: "BadUserAccessDenied", message: "no" }] });
      expect(diffPosture(base, failed)).toEqual([]);
    });

    it("password policy changed: weaker is medium, stricter is low, wording only is info", () => {
      const policy = (minLength: number, options: number, restrictions = "12 to 64 characters") => posture({ userManagement: { available: true, passwordPolicy: { minLength, maxLength: 64, options, restrictions } } });
      const weaker = one(base, policy(8, 254));
      expect(weaker).toMatchObject({ kind: "password-policy-changed", severity: "medium" });
      expect(weaker.text).toBe(
        "The password policy changed from 12 to 64 characters with an upper-case letter, a lower-case letter and a digit to 8 to 64 characters with an upper-case letter, a lower-case letter and a digit: it is weaker than before.",
      );
      expect(one(base, policy(12, 254 - 128)).severity).toBe("medium");
      expect(one(base, policy(16, 254 + 256)).severity).toBe("low");
      expect(one(base, policy(12, 254, "Twelve or more")).severity).toBe("info");
    });
  });

  describe("clock drift", () => {
    it("beyond 5 minutes: low, saying ahead or behind; beyond a day: medium", () => {
      const ahead = diffPosture(base, posture({ serverTime: iso(7 * 60_000) }));
      expect(ahead).toEqual([expect.objectContaining({ kind: "clock-drift", severity: "low" })]);
      expect(ahead[0]!.text).toContain("7 minutes ahead of");
      const behind = diffPosture(base, posture({ serverTime: iso(-3 * DAY) }));
      expect(behind[0]).toMatchObject({ kind: "clock-drift", severity: "medium" });
      expect(behind[0]!.text).toContain("3 days behind");
    });

    it("exactly 5 minutes is tolerated; the tolerance is an option", () => {
      expect(diffPosture(base, posture({ serverTime: iso(5 * 60_000) }))).toEqual([]);
      expect(kinds(diffPosture(base, posture({ serverTime: iso(2 * 60_000) }), { clockDriftToleranceMs: 60_000 }))).toEqual(["clock-drift"]);
    });

    it("is checked on the first visit too, and not when the clock was not read", () => {
      expect(kinds(diffPosture(null, posture({ serverTime: iso(-3_600_000) })))).toEqual(["clock-drift"]);
      expect(diffPosture(base, posture({ serverTime: null }))).toEqual([]);
    });
  });

  it("reports nothing when the controller was unreachable on either visit", () => {
    const down = posture({ reachable: false, endpoints: [], certificate: null, accounts: null, serverTime: null, userManagement: { available: false, passwordPolicy: null }, gaps: [{ stage: "connect", code: "ECONNREFUSED", message: "x" }] });
    expect(diffPosture(base, down)).toEqual([]);
    expect(diffPosture(down, base)).toEqual([]);
  });

  it("lists many changes most severe first, then by kind and subject, the same way every time", () => {
    const next = posture({
      anonymousAllowed: true,
      endpoints: [...base.endpoints, endpoint("None", "None", ["Anonymous"])],
      accounts: [account("zed", ["Observer"]), account("amy", ["Observer"]), account("fp-tech", ["SecurityAdmin", "ConfigureAdmin", "Engineer"], "changed")],
      certificate: certificate(iso(400 * DAY), THUMB_B),
      serverTime: iso(10 * 60_000),
    });
    const changes = diffPosture(base, next);
    expect(changes.map((c) => `${c.severity}:${c.kind}:${c.subject}`)).toEqual([
      "high:certificate-changed:",
      "high:security-policy-added:None / None",
      "high:anonymous-enabled:",
      "medium:account-added:amy",
      "medium:account-added:zed",
      "low:account-removed:maint",
      "low:clock-drift:",
      "info:account-description-changed:fp-tech",
    ]);
    expect(diffPosture(base, next)).toEqual(changes);
    expect(Object.isFrozen(changes)).toBe(true);
    for (const change of changes) {
      expect(POSTURE_CHANGE_KINDS).toContain(change.kind);
      expect(change.text.length).toBeGreaterThan(10);
    }
  });
});

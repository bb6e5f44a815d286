import { describe, expect, it } from "vitest";
import { controllerFindings, DEFAULT_POLICY, dueDate, FindingPolicySchema, identityFindings, rotationMaxAgeMonthsFor, type FindingPolicy } from "../../shared/findings";
import { addCalendarMonths, humanDuration, parseEnd, parseInstant, wholeMonths } from "../../shared/domain/time";
import { identity, NOW, posture } from "./findings.fixtures";

describe("FindingPolicy", () => {
  it("defaults to 15 months, 30 days, 30-day certificate warning, blast radius 4, None insecure, Basic128Rsa15/Basic256 deprecated", () => {
    expect(DEFAULT_POLICY).toMatchObject({ rotationMaxAgeMonths: 15, holderLeftGraceDays: 30, certificateWarningDays: 30, blastRadiusThreshold: 4 });
    expect(DEFAULT_POLICY.insecureSecurityPolicies).toEqual(["None"]);
    expect(DEFAULT_POLICY.deprecatedSecurityPolicies).toEqual(["Basic128Rsa15", "Basic256"]);
    expect(Object.isFrozen(DEFAULT_POLICY)).toBe(true);
    expect(FindingPolicySchema.safeParse(DEFAULT_POLICY).success).toBe(true);
  });

  it("refuses settings that would switch a rule off", () => {
    expect(FindingPolicySchema.safeParse({ ...DEFAULT_POLICY, rotationMaxAgeMonths: 0 }).success).toBe(false);
    expect(FindingPolicySchema.safeParse({ ...DEFAULT_POLICY, blastRadiusThreshold: 1 }).success).toBe(false);
    expect(FindingPolicySchema.safeParse({ ...DEFAULT_POLICY, rotationMaxAgeMonthsBySite: { rivermill: 1.5 } }).success).toBe(false);
  });

  it("takes a site's own rotation age, and ignores prototype keys and nonsense", () => {
    const policy: FindingPolicy = { ...DEFAULT_POLICY, rotationMaxAgeMonthsBySite: { rivermill: 12, broken: -3 } };
    expect(rotationMaxAgeMonthsFor(policy, "rivermill")).toBe(12);
    expect(rotationMaxAgeMonthsFor(policy, "northgate")).toBe(15);
    expect(rotationMaxAgeMonthsFor(policy, "broken")).toBe(15);
    expect(rotationMaxAgeMonthsFor(policy, "__proto__")).toBe(15);
    expect(rotationMaxAgeMonthsFor(policy, "toString")).toBe(15);
    expect(rotationMaxAgeMonthsFor(policy, null)).toBe(15);
  });
});

describe("time helpers", () => {
  it("parses ISO dates and instants only, rejecting days that do not exist", () => {
    expect(parseInstant("2026-12-05")).toBe(Date.UTC(2026, 11, 5));
    expect(parseInstant("2026-12-05T08:00:00Z")).toBe(Date.UTC(2026, 11, 5, 8));
    expect(parseInstant("2026-12-05T09:00:00+01:00")).toBe(Date.UTC(2026, 11, 5, 8));
    expect(parseInstant("2028-02-29")).toBe(Date.UTC(2028, 1, 29));
    for (const bad of ["2026-02-29", "2026-13-01", "2026-12-05T25:00:00Z", "5 Dec 2026", "2026-12-05T08:00:00", "", null, undefined, "x".repeat(10_000)]) {
      expect(parseInstant(bad)).toBeNull();
    }
  });

  it("a bare expiry date ends at the following midnight; an instant at itself", () => {
    expect(parseEnd("2026-12-05")).toBe(Date.UTC(2026, 11, 6));
    expect(parseEnd("2026-12-05T12:00:00Z")).toBe(Date.UTC(2026, 11, 5, 12));
  });

  it("adds calendar months, clamping to the month's last day, across years and leap days", () => {
    expect(addCalendarMonths(Date.UTC(2025, 7, 31, 10), 15)).toBe(Date.UTC(2026, 10, 30, 10));
    expect(addCalendarMonths(Date.UTC(2026, 10, 30), 15)).toBe(Date.UTC(2028, 1, 29));
    expect(wholeMonths(Date.UTC(2025, 7, 22), Date.UTC(2026, 10, 22))).toBe(15);
    expect(wholeMonths(Date.UTC(2025, 7, 22), Date.UTC(2026, 10, 21))).toBe(14);
    expect(humanDuration(-3 * 86_400_000 - 5)).toBe("3 days");
    expect(humanDuration(60_000)).toBe("1 minute");
  });
});

describe("hostile facts never throw and keep sentences readable", () => {
  it("identities with huge, empty or marked-up names", () => {
    for (const name of ["", "<script>alert(1)</script>", "n".repeat(10_000), "\u0000\u202e\n\t"]) {
      const facts = identity({
        name,
        effectiveOwner: null,
        flags: { shared: true, breakGlass: true, vendor: true, default: true },
        holders: [{ name: "h".repeat(10_000), leftAt: "2026-01-01" }, { name: "", leftAt: "not a date" }],
        breakGlassUses: [{ at: "2026-11-01T00:00:00Z", by: "b".repeat(10_000), workOrder: "<b>WO</b>" }, { at: "garbage" }],
        vendorExpiresAt: "2026-01-01",
        controllers: Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, line: "l".repeat(5_000), cell: "" })),
        lastRotatedAt: null,
        firstSeenAt: "2020-01-01",
      });
      const findings = identityFindings(facts, DEFAULT_POLICY, NOW);
      expect(findings.length).toBeGreaterThanOrEqual(6);
      for (const f of findings) expect(f.explanation.length).toBeLessThan(1_000);
      // First seen in 2020: the age deadline (2021) is the earliest, ahead of the leaver (2026-01-31).
      expect(dueDate(facts, DEFAULT_POLICY)?.reason).toBe("rotation-age");
    }
  });

  it("controllers with odd names and policy strings", () => {
    const odd = posture({ endpoints: [{ url: "opc.tcp://x", securityMode: "None", securityPolicy: "", securityLevel: 0, userTokens: [] }] });
    expect(() => controllerFindings({ id: "", name: "", posture: odd, trustedThumbprintSha256: "" }, DEFAULT_POLICY, NOW)).not.toThrow();
    expect(controllerFindings({ id: "c", name: "x".repeat(10_000), posture: posture({ anonymousAllowed: true }), trustedThumbprintSha256: null }, DEFAULT_POLICY, NOW)[0]?.explanation.length).toBeLessThan(1_000);
  });
});

import { describe, expect, it } from "vitest";
import { Finding } from "../../shared/domain/identity";
import { DEFAULT_POLICY, dueDate, identityFindings, type IdentityFacts } from "../../shared/findings";
import { DAY, identity, NOW } from "./findings.fixtures";

const codes = (facts: IdentityFacts, now: Date = NOW): string[] => identityFindings(facts, DEFAULT_POLICY, now).map((f) => f.code);
const only = (facts: IdentityFacts, now: Date = NOW): Finding => {
  const findings = identityFindings(facts, DEFAULT_POLICY, now);
  expect(findings).toHaveLength(1);
  return findings[0]!;
};

describe("identityFindings", () => {
  it("finds nothing on a well-kept identity", () => {
    expect(identityFindings(identity(), DEFAULT_POLICY, NOW)).toEqual([]);
  });

  describe("unowned", () => {
    it("fires without an effective owner, or with a blank one", () => {
      expect(only(identity({ effectiveOwner: null }))).toMatchObject({ code: "unowned", severity: "medium" });
      expect(codes(identity({ effectiveOwner: { name: "  ", source: "identity" } }))).toEqual(["unowned"]);
    });

    it("does not fire when the owner is inherited from the line", () => {
      expect(codes(identity({ effectiveOwner: { name: "Press shop", source: "line" } }))).toEqual([]);
    });
  });

  describe("shared-without-holders", () => {
    const shared = { shared: true, breakGlass: false, vendor: false, default: false };

    it("fires for a shared account with no holders, or only holders who left", () => {
      expect(only(identity({ flags: shared }))).toMatchObject({ code: "shared-without-holders", severity: "medium" });
      const left = only(identity({ flags: shared, holders: [{ name: "Ana", leftAt: "2026-11-01" }], lastRotatedAt: "2026-11-02T00:00:00Z" }));
      expect(left.explanation).toContain("everyone recorded as holding it has left");
    });

    it("does not fire with an active holder (including one leaving in the future), nor for an unshared account", () => {
      expect(codes(identity({ flags: shared, holders: [{ name: "Ana", leftAt: null }] }))).toEqual([]);
      expect(codes(identity({ flags: shared, holders: [{ name: "Ana", leftAt: "2027-01-31" }] }))).toEqual([]);
      expect(codes(identity({ holders: [] }))).toEqual([]);
    });
  });

  describe("rotation-overdue", () => {
    const rotated = "2025-08-22T08:00:00.000Z"; // exactly 15 calendar months before NOW

    it("does not fire at exactly 15 months; fires one day later, saying since when", () => {
      expect(codes(identity({ lastRotatedAt: rotated }))).toEqual([]);
      const finding = only(identity({ lastRotatedAt: rotated }), new Date(NOW.getTime() + DAY));
      expect(finding).toMatchObject({ code: "rotation-overdue", severity: "medium" });
      expect(finding.explanation).toContain("last changed on 2025-08-22, 15 months ago");
      expect(finding.references).toContain("NERC CIP-007-6 R5.6");
    });

    it("counts from first seen when never rotated, and says the real age is unknown", () => {
      const finding = only(identity({ lastRotatedAt: null, firstSeenAt: "2025-01-01T00:00:00Z" }));
      expect(finding.explanation).toContain("first saw it on 2025-01-01");
      expect(finding.explanation).toContain("may be much older");
      expect(codes(identity({ lastRotatedAt: null, firstSeenAt: "2026-01-01T00:00:00Z" }))).toEqual([]);
    });

    it("counts from the credential's known set date when it is newer than the last rotation", () => {
      expect(codes(identity({ lastRotatedAt: "2024-01-01T00:00:00Z", credentialSetAt: "2026-03-01T00:00:00Z" }))).toEqual([]);
      expect(codes(identity({ lastRotatedAt: null, credentialSetAt: "2024-01-01T00:00:00Z", firstSeenAt: "2026-10-01T00:00:00Z" }))).toEqual(["rotation-overdue"]);
    });

    it("applies the site's own policy", () => {
      const policy = { ...DEFAULT_POLICY, rotationMaxAgeMonthsBySite: { rivermill: 6 } };
      const facts = identity({ lastRotatedAt: "2026-04-01T00:00:00Z" });
      expect(identityFindings(facts, policy, NOW).map((f) => f.code)).toEqual(["rotation-overdue"]);
      expect(identityFindings({ ...facts, siteId: "northgate" }, policy, NOW)).toEqual([]);
      // A site id that is an Object.prototype key must not change anything.
      expect(identityFindings({ ...facts, siteId: "constructor" }, policy, NOW)).toEqual([]);
    });

    it("does not apply a password age to certificates, nor fire on unreadable dates", () => {
      expect(codes(identity({ kind: "certificate", lastRotatedAt: "2020-01-01T00:00:00Z" }))).toEqual([]);
      expect(codes(identity({ lastRotatedAt: "last spring", firstSeenAt: "a while ago" }))).toEqual([]);
    });
  });

  describe("holder-left-not-rotated", () => {
    const shared = { shared: true, breakGlass: false, vendor: false, default: false };
    const facts = identity({
      flags: shared,
      lastRotatedAt: "2026-06-01T00:00:00Z",
      holders: [
        { name: "Ana Ruiz", leftAt: "2026-10-23" },
        { name: "Ben Okafor", leftAt: null },
      ],
    });

    it("is due (no finding) until exactly 30 days after leaving, a finding after", () => {
      expect(codes(facts, new Date("2026-11-22T00:00:00Z"))).toEqual([]);
      const finding = only(facts, new Date("2026-11-22T00:00:00.001Z"));
      expect(finding).toMatchObject({ code: "holder-left-not-rotated", severity: "high" });
      expect(finding.explanation).toContain("Ana Ruiz (left 2026-10-23)");
      expect(finding.explanation).toContain("by 2026-11-22");
      expect(finding.references).toContain("NERC CIP-004-7 R5.4");
    });

    it("the due date shows the deadline before it passes", () => {
      const due = dueDate(facts, DEFAULT_POLICY);
      expect(due).toMatchObject({ reason: "holder-left", date: "2026-11-22", at: "2026-11-22T00:00:00.000Z", reference: "NERC CIP-004-7 R5.4" });
      expect(due?.why).toContain("Ana Ruiz");
    });

    it("does not fire when the account was rotated on or after the leave date", () => {
      expect(codes({ ...facts, lastRotatedAt: "2026-10-23T00:00:00Z" })).toEqual([]);
      expect(codes({ ...facts, lastRotatedAt: "2026-11-01T00:00:00Z" })).toEqual([]);
    });

    it("follows the policy's grace period", () => {
      expect(identityFindings(facts, { ...DEFAULT_POLICY, holderLeftGraceDays: 10 }, new Date("2026-11-05T00:00:00Z")).map((f) => f.code)).toEqual(["holder-left-not-rotated"]);
    });
  });

  describe("break-glass-used-not-rotated", () => {
    const breakGlass = { shared: false, breakGlass: true, vendor: false, default: false };

    it("fires for a use after the last rotation, due at once, naming who and the work order", () => {
      const facts = identity({ flags: breakGlass, breakGlassUses: [{ at: "2026-11-20T03:10:00Z", by: "Ana Ruiz", workOrder: "WO-4411" }] });
      const finding = only(facts);
      expect(finding).toMatchObject({ code: "break-glass-used-not-rotated", severity: "high" });
      expect(finding.explanation).toContain("2026-11-20 by Ana Ruiz (work order WO-4411)");
      expect(dueDate(facts, DEFAULT_POLICY)).toMatchObject({ reason: "break-glass-used", at: "2026-11-20T03:10:00.000Z" });
    });

    it("counts every use since the rotation", () => {
      const facts = identity({ flags: breakGlass, breakGlassUses: [{ at: "2026-11-20T03:10:00Z" }, { at: "2026-11-21T03:10:00Z" }] });
      expect(only(facts).explanation).toContain("used 2 times since its last rotation");
    });

    it("does not fire when it was rotated after the use", () => {
      const facts = identity({ flags: breakGlass, lastRotatedAt: "2026-11-20T09:00:00Z", breakGlassUses: [{ at: "2026-11-20T03:10:00Z" }] });
      expect(codes(facts)).toEqual([]);
    });
  });

  describe("vendor-access-expired", () => {
    const vendor = { shared: false, breakGlass: false, vendor: true, default: false };
    const facts = identity({ name: "acme-support", flags: vendor, vendorName: "Acme Automation", vendorExpiresAt: "2026-11-22" });

    it("not on the expiry day itself (the last valid day); from the next day on, saying the date", () => {
      expect(codes(facts, new Date("2026-11-22T23:59:59Z"))).toEqual([]);
      const finding = only(facts, new Date("2026-11-23T00:00:00Z"));
      expect(finding).toMatchObject({ code: "vendor-access-expired", severity: "high" });
      expect(finding.explanation).toContain("Acme Automation access that ended on 2026-11-22");
      expect(only(facts, new Date("2026-12-10T00:00:00Z")).explanation).toContain("(17 days ago)");
    });

    it("does not fire once the account is disabled everywhere, nor without an expiry", () => {
      expect(codes({ ...facts, enabled: false }, new Date("2027-01-01T00:00:00Z"))).toEqual([]);
      expect(codes({ ...facts, vendorExpiresAt: null }, new Date("2027-01-01T00:00:00Z"))).toEqual([]);
    });
  });

  describe("default-account and default-password", () => {
    const dflt = { shared: false, breakGlass: false, vendor: false, default: true };

    it("a factory default name is medium", () => {
      expect(only(identity({ name: "admin", flags: dflt }))).toMatchObject({ code: "default-account", severity: "medium" });
    });

    it("a confirmed default password is critical and replaces the name finding", () => {
      expect(only(identity({ name: "admin", flags: dflt, defaultPasswordConfirmed: true }))).toMatchObject({ code: "default-password", severity: "critical" });
      expect(codes(identity({ name: "plc-admin", defaultPasswordConfirmed: true }))).toEqual(["default-password"]);
    });

    it("a confirmed default password is due at once, from when it was found", () => {
      const facts = identity({ name: "admin", flags: dflt, defaultPasswordConfirmed: true, defaultPasswordFoundAt: "2026-11-30T08:15:00.000Z" });
      expect(dueDate(facts, DEFAULT_POLICY)).toMatchObject({ reason: "default-password", at: "2026-11-30T08:15:00.000Z", date: "2026-11-30" });
      expect(dueDate({ ...facts, defaultPasswordConfirmed: false }, DEFAULT_POLICY)?.reason).not.toBe("default-password");
    });

    it("neither fires otherwise", () => {
      expect(codes(identity({ name: "admin" }))).toEqual([]);
    });
  });

  describe("blast-radius", () => {
    const on = (n: number, lines: readonly string[]) => Array.from({ length: n }, (_, i) => ({ id: `c-${i}`, line: lines[i % lines.length]!, cell: `Cell ${i}` }));

    it("does not fire below the threshold (3 controllers)", () => {
      expect(codes(identity({ controllers: on(3, ["Body Line 1"]) }))).toEqual([]);
    });

    it("fires at 4 controllers on one line (medium), saying how many and which line", () => {
      const finding = only(identity({ controllers: on(4, ["Body Line 1"]) }));
      expect(finding).toMatchObject({ code: "blast-radius", severity: "medium", title: "On 4 controllers" });
      expect(finding.explanation).toContain("4 controllers on 1 line (Body Line 1)");
    });

    it("is high when it crosses lines, listing them sorted", () => {
      const finding = only(identity({ controllers: on(4, ["Press Line 2", "Body Line 1"]) }));
      expect(finding.severity).toBe("high");
      expect(finding.explanation).toContain("(Body Line 1 and Press Line 2)");
    });

    it("counts distinct controllers, not entries", () => {
      const twice = [...on(3, ["Body Line 1"]), ...on(3, ["Body Line 1"])];
      expect(codes(identity({ controllers: twice }))).toEqual([]);
    });
  });

  it("orders several findings by severity then code, all valid and citing a standard", () => {
    const facts = identity({
      name: "admin",
      flags: { shared: true, breakGlass: false, vendor: false, default: true },
      effectiveOwner: null,
      lastRotatedAt: null,
      firstSeenAt: "2024-01-01T00:00:00Z",
      defaultPasswordConfirmed: true,
    });
    const findings = identityFindings(facts, DEFAULT_POLICY, NOW);
    expect(findings.map((f) => `${f.severity}:${f.code}`)).toEqual(["critical:default-password", "medium:rotation-overdue", "medium:shared-without-holders", "medium:unowned"]);
    for (const f of findings) {
      expect(Finding.safeParse(f).success).toBe(true);
      expect(f.references.length).toBeGreaterThan(0);
      expect(f.subject).toEqual({ type: "identity", id: "id-1" });
    }
  });
});

describe("dueDate", () => {
  it("is the rotation age when nothing else applies: 15 calendar months after the last change", () => {
    expect(dueDate(identity({ lastRotatedAt: "2026-06-01T00:00:00Z" }), DEFAULT_POLICY)).toMatchObject({
      reason: "rotation-age",
      date: "2027-09-01",
      reference: "NERC CIP-007-6 R5.6",
      others: [],
    });
  });

  it("clamps to the end of a shorter month (31 May + 15 months = 31 Aug; 30 Nov + 15 = 28 Feb)", () => {
    expect(dueDate(identity({ lastRotatedAt: "2025-05-31T00:00:00Z" }), DEFAULT_POLICY)?.date).toBe("2026-08-31");
    expect(dueDate(identity({ lastRotatedAt: "2025-11-30T00:00:00Z" }), DEFAULT_POLICY)?.date).toBe("2027-02-28");
  });

  it("picks the earliest deadline and keeps the others, sorted", () => {
    const facts = identity({
      flags: { shared: true, breakGlass: false, vendor: true, default: false },
      vendorName: "Acme Automation",
      vendorExpiresAt: "2026-12-05",
      holders: [{ name: "Ana", leftAt: "2026-11-01" }],
      lastRotatedAt: "2026-06-01T00:00:00Z",
    });
    const due = dueDate(facts, DEFAULT_POLICY);
    expect(due).toMatchObject({ reason: "holder-left", date: "2026-12-01" });
    expect(due?.others.map((o) => `${o.reason}@${o.date}`)).toEqual(["vendor-access-ends@2026-12-05", "rotation-age@2027-09-01"]);
    expect(due?.others[0]?.at).toBe("2026-12-05T23:59:59.999Z");
  });

  it("includes a credential's own expiry (a certificate's notAfter) and skips the age rule for certificates", () => {
    const due = dueDate(identity({ kind: "certificate", credentialExpiresAt: "2027-03-01T00:00:00Z" }), DEFAULT_POLICY);
    expect(due).toMatchObject({ reason: "credential-expires", date: "2027-03-01", others: [] });
  });

  it("is null when nothing about the identity can be dated", () => {
    expect(dueDate(identity({ kind: "certificate" }), DEFAULT_POLICY)).toBeNull();
    expect(dueDate(identity({ firstSeenAt: "", lastRotatedAt: null }), DEFAULT_POLICY)).toBeNull();
  });

  it("agrees with the findings: overdue exactly when the finding fires", () => {
    const facts = identity({ lastRotatedAt: "2025-08-22T08:00:00.000Z" });
    const due = new Date(dueDate(facts, DEFAULT_POLICY)!.at);
    expect(codes(facts, due)).toEqual([]);
    expect(codes(facts, new Date(due.getTime() + 1))).toEqual(["rotation-overdue"]);
  });
});

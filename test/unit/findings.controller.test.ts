import { describe, expect, it } from "vitest";
import { Finding } from "../../shared/domain/identity";
import { controllerFindings, DEFAULT_POLICY, type ControllerFacts } from "../../shared/findings";
import { at, certificate, DAY, endpoint, iso, NOW, posture, THUMB_A, THUMB_B } from "./findings.fixtures";

function facts(overrides: Partial<ControllerFacts> = {}): ControllerFacts {
  return { id: "body-l1-plc-1", name: "Body Line 1 Cell 10 PLC", posture: posture(), trustedThumbprintSha256: THUMB_A, ...overrides };
}

const codes = (c: ControllerFacts, now: Date = NOW): string[] => controllerFindings(c, DEFAULT_POLICY, now).map((f) => f.code);

describe("controllerFindings", () => {
  it("finds nothing on a healthy controller", () => {
    expect(controllerFindings(facts(), DEFAULT_POLICY, NOW)).toEqual([]);
  });

  it("finds nothing before the first visit or when the controller was unreachable", () => {
    expect(codes(facts({ posture: null }))).toEqual([]);
    const unreachable = posture({ reachable: false, anonymousAllowed: true, endpoints: [endpoint("None", "None", ["Anonymous"])], certificate: null, userManagement: { available: false, passwordPolicy: null }, accounts: null, gaps: [{ stage: "connect", code: "ECONNREFUSED", message: "refused" }] });
    expect(codes(facts({ posture: unreachable }))).toEqual([]);
  });

  describe("anonymous-access", () => {
    it("fires when an endpoint offers an Anonymous token, and names where", () => {
      const p = posture({ anonymousAllowed: true, endpoints: [endpoint("Basic256Sha256", "SignAndEncrypt", ["Anonymous", "UserName"])] });
      const [finding] = controllerFindings(facts({ posture: p }), DEFAULT_POLICY, NOW);
      expect(finding?.code).toBe("anonymous-access");
      expect(finding?.severity).toBe("high");
      expect(finding?.explanation).toContain("Basic256Sha256 / SignAndEncrypt");
      expect(finding?.explanation).toContain("Body Line 1 Cell 10 PLC");
      expect(finding?.references).toContain("NERC CIP-007-6 R5.1");
    });

    it("fires on the posture's own conclusion even if the endpoint list is incomplete", () => {
      const p = posture({ anonymousAllowed: true, endpoints: [], gaps: [{ stage: "endpoints", code: "BadTimeout", message: "t" }] });
      expect(codes(facts({ posture: p }))).toEqual(["anonymous-access"]);
    });

    it("does not fire without an Anonymous token", () => {
      expect(codes(facts())).not.toContain("anonymous-access");
    });
  });

  describe("insecure-security-policy", () => {
    it("is high for SecurityPolicy None and names it", () => {
      const p = posture({ endpoints: [endpoint("None", "None"), endpoint("Basic256Sha256", "SignAndEncrypt")] });
      const [finding] = controllerFindings(facts({ posture: p }), DEFAULT_POLICY, NOW);
      expect(finding).toMatchObject({ code: "insecure-security-policy", severity: "high", title: "Endpoint offers None" });
      expect(finding?.references).toContain("IEC 62443-3-3 SR 3.1");
    });

    it("is medium for deprecated policies only, naming each, also given as URIs", () => {
      const p = posture({
        endpoints: [endpoint("http://opcfoundation.org/UA/SecurityPolicy#Basic256", "SignAndEncrypt"), endpoint("Basic128Rsa15", "Sign"), endpoint("Basic256Sha256", "SignAndEncrypt")],
      });
      const [finding] = controllerFindings(facts({ posture: p }), DEFAULT_POLICY, NOW);
      expect(finding?.severity).toBe("medium");
      expect(finding?.title).toBe("Endpoint offers Basic128Rsa15 and Basic256");
      expect(finding?.explanation).toContain("deprecated");
    });

    it("is critical when a UserName token on a None endpoint is not encrypted", () => {
      const none = endpoint("None", "None");
      const clear = { ...none, userTokens: [{ type: "UserName" as const, policyId: "u", securityPolicy: null }] };
      const p = posture({ endpoints: [clear, endpoint("Basic256Sha256", "SignAndEncrypt")] });
      const [finding] = controllerFindings(facts({ posture: p }), DEFAULT_POLICY, NOW);
      expect(finding?.severity).toBe("critical");
      expect(finding?.explanation).toContain("without encryption");
    });

    it("does not fire for Basic256Sha256 and newer, nor when the endpoints could not be read", () => {
      expect(codes(facts())).not.toContain("insecure-security-policy");
      const partial = posture({ endpoints: [endpoint("None", "None")], gaps: [{ stage: "endpoints", code: "BadTimeout", message: "t" }] });
      expect(codes(facts({ posture: partial }))).not.toContain("insecure-security-policy");
    });

    it("follows the policy: a plant may also deprecate Basic256Sha256", () => {
      const strict = { ...DEFAULT_POLICY, deprecatedSecurityPolicies: [...DEFAULT_POLICY.deprecatedSecurityPolicies, "Basic256Sha256"] };
      expect(controllerFindings(facts(), strict, NOW).map((f) => f.code)).toEqual(["insecure-security-policy"]);
    });
  });

  describe("certificate expiry", () => {
    const withNotAfter = (notAfter: string): ControllerFacts => facts({ posture: posture({ certificate: certificate(notAfter) }) });

    it("29 and 30 days left: expiring (medium), saying how many days", () => {
      const [f29] = controllerFindings(withNotAfter(iso(29 * DAY)), DEFAULT_POLICY, NOW);
      expect(f29).toMatchObject({ code: "certificate-expiring", severity: "medium", title: "Application certificate expires in 29 days" });
      const [f30] = controllerFindings(withNotAfter(iso(30 * DAY)), DEFAULT_POLICY, NOW);
      expect(f30?.title).toBe("Application certificate expires in 30 days");
      expect(f30?.explanation).toContain("2026-12-22");
    });

    it("31 days left: nothing", () => {
      expect(codes(withNotAfter(iso(31 * DAY)))).toEqual([]);
    });

    it("within 7 days it is high; on the last day it says today", () => {
      expect(controllerFindings(withNotAfter(iso(5 * DAY)), DEFAULT_POLICY, NOW)[0]?.severity).toBe("high");
      expect(controllerFindings(withNotAfter(iso(8 * DAY)), DEFAULT_POLICY, NOW)[0]?.severity).toBe("medium");
      const [today] = controllerFindings(withNotAfter(iso(3_600_000)), DEFAULT_POLICY, NOW);
      expect(today?.title).toBe("Application certificate expires today");
    });

    it("notAfter itself is still valid; one millisecond later it has expired", () => {
      expect(codes(withNotAfter(NOW.toISOString()))).toEqual(["certificate-expiring"]);
      const [expired] = controllerFindings(withNotAfter(NOW.toISOString()), DEFAULT_POLICY, at(1));
      expect(expired).toMatchObject({ code: "certificate-expired", severity: "high" });
      const [old] = controllerFindings(withNotAfter(iso(-10 * DAY)), DEFAULT_POLICY, NOW);
      expect(old?.explanation).toContain("10 days ago");
    });

    it("an unreadable notAfter gives no finding rather than a guess", () => {
      expect(codes(withNotAfter("next Tuesday"))).toEqual([]);
    });
  });

  describe("certificate-changed", () => {
    it("is critical when the presented certificate is not the trusted one", () => {
      const [finding] = controllerFindings(facts({ trustedThumbprintSha256: THUMB_B }), DEFAULT_POLICY, NOW);
      expect(finding).toMatchObject({ code: "certificate-changed", severity: "critical" });
      expect(finding?.explanation).toContain(THUMB_A.slice(0, 16));
      expect(finding?.explanation).toContain(THUMB_B.slice(0, 16));
    });

    it("does not fire when it matches (ignoring case and colons) or nothing is trusted yet", () => {
      const colons = THUMB_A.toUpperCase().match(/../g)!.join(":");
      expect(codes(facts({ trustedThumbprintSha256: colons }))).toEqual([]);
      expect(codes(facts({ trustedThumbprintSha256: null }))).toEqual([]);
    });
  });

  describe("manual-rotation-only", () => {
    it("is low when the controller has no Part 18", () => {
      const p = posture({ userManagement: { available: false, passwordPolicy: null } });
      const [finding] = controllerFindings(facts({ posture: p }), DEFAULT_POLICY, NOW);
      expect(finding).toMatchObject({ code: "manual-rotation-only", severity: "low" });
      expect(finding?.action).toContain("vendor tool");
    });

    it("does not fire when the session or capabilities could not be read", () => {
      const session = posture({ userManagement: { available: false, passwordPolicy: null }, gaps: [{ stage: "session", code: "BadUserAccessDenied", message: "no" }] });
      const capabilities = posture({ userManagement: { available: false, passwordPolicy: null }, gaps: [{ stage: "capabilities", code: "BadTimeout", message: "t" }] });
      expect(codes(facts({ posture: session }))).toEqual([]);
      expect(codes(facts({ posture: capabilities }))).toEqual([]);
    });
  });

  it("orders several findings by severity, then code, and every one is a valid, frozen Finding", () => {
    const p = posture({
      anonymousAllowed: true,
      endpoints: [endpoint("None", "None", ["Anonymous", "UserName"]), endpoint("Basic256", "SignAndEncrypt")],
      certificate: certificate(iso(-1 * DAY)),
      userManagement: { available: false, passwordPolicy: null },
    });
    const findings = controllerFindings(facts({ posture: p, trustedThumbprintSha256: THUMB_B }), DEFAULT_POLICY, NOW);
    expect(findings.map((f) => `${f.severity}:${f.code}`)).toEqual([
      "critical:certificate-changed",
      "high:anonymous-access",
      "high:certificate-expired",
      "high:insecure-security-policy",
      "low:manual-rotation-only",
    ]);
    for (const f of findings) {
      expect(Finding.safeParse(f).success).toBe(true);
      expect(f.references.length).toBeGreaterThan(0);
      expect(Object.isFrozen(f)).toBe(true);
    }
    expect(Object.isFrozen(findings)).toBe(true);
    // Same facts, same answer.
    expect(controllerFindings(facts({ posture: p, trustedThumbprintSha256: THUMB_B }), DEFAULT_POLICY, NOW)).toEqual(findings);
  });
});

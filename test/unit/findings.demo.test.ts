import { describe, expect, it } from "vitest";
import type { ControllerPosture, EndpointInfo } from "../../shared/domain/posture";
import { ControllerPosture as ControllerPostureSchema } from "../../shared/domain/posture";
import { classifyAccount, controllerFindings, DEFAULT_POLICY, identityFindings, knownDefaultPasswords, type IdentityFacts } from "../../shared/findings";
import { buildPlant } from "../../main/simulator/build";
import type { PlantBuild, SimControllerSpec } from "../../main/simulator/types";
import { THUMB_A } from "./findings.fixtures";

/**
 * The demo plant end to end, without servers: what a client reads from each simulated controller
 * (as docs/simulator.md describes it), through the classifier, into findings. Every weakness the
 * plant was built with must come out as a finding, on the right controller or account, and nothing
 * else may.
 */

const DAY = 86_400_000;

function endpointsOf(spec: SimControllerSpec): EndpointInfo[] {
  const tokens = (): EndpointInfo["userTokens"] => [
    ...(spec.security.allowAnonymous ? [{ type: "Anonymous" as const, policyId: "anonymous", securityPolicy: null }] : []),
    { type: "UserName", policyId: "username", securityPolicy: "Basic256Sha256" },
    { type: "Certificate", policyId: "certificate", securityPolicy: "Basic256Sha256" },
  ];
  const secure = ["Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"].flatMap((policy) =>
    (["Sign", "SignAndEncrypt"] as const).map((mode) => ({ url: "opc.tcp://127.0.0.1:4840", securityMode: mode, securityPolicy: policy, securityLevel: mode === "Sign" ? 2 : 3, userTokens: tokens() })),
  );
  return spec.security.securityPolicyNone ? [{ url: "opc.tcp://127.0.0.1:4840", securityMode: "None", securityPolicy: "None", securityLevel: 0, userTokens: tokens() }, ...secure] : secure;
}

function postureOf(spec: SimControllerSpec, build: PlantBuild): ControllerPosture {
  const created = Date.parse(build.createdAt);
  return ControllerPostureSchema.parse({
    endpointUrl: "opc.tcp://127.0.0.1:4840",
    observedAt: new Date(created + 3_600_000).toISOString(),
    reachable: true,
    serverTime: new Date(created + 3_600_000).toISOString(),
    applicationUri: spec.applicationUri,
    productName: spec.model,
    softwareVersion: "2.157",
    endpoints: endpointsOf(spec),
    certificate: {
      subject: `CN=${spec.id}`,
      issuer: `CN=${spec.id}`,
      notBefore: build.createdAt,
      notAfter: new Date(created + spec.security.certificateValidityDays * DAY).toISOString(),
      thumbprintSha256: THUMB_A,
      thumbprintSha1: "c".repeat(40),
      applicationUri: spec.applicationUri,
      selfSigned: true,
    },
    anonymousAllowed: spec.security.allowAnonymous,
    userManagement: { available: spec.security.part18, passwordPolicy: spec.security.part18 ? { minLength: 12, maxLength: 64, options: 254, restrictions: "12 to 64" } : null },
    pushManagement: { available: true },
    // Without Part 18 the names and roles still come from the RoleSet, but not the descriptions.
    accounts: spec.accounts.map((a) => ({ userName: a.userName, description: spec.security.part18 ? a.description : "", userConfiguration: a.noDelete ? 1 : 0, roles: [...a.roles] })),
    sessions: [],
    gaps: [],
  });
}

describe.each([5, 12])("the demo plant with %i controllers", (size) => {
  const build = buildPlant({ seed: `findings-demo-${size}`, controllers: size, createdAt: new Date("2026-11-22T08:00:00Z") });
  const now = new Date(Date.parse(build.createdAt) + 3_600_000);

  it("gives each deliberate controller weakness its finding, on that controller only", () => {
    const expected = new Set<string>();
    for (const weakness of build.weaknesses) {
      if (weakness.kind === "anonymousAccess") expected.add(`${weakness.controllerId}:anonymous-access:high`);
      if (weakness.kind === "securityPolicyNone") expected.add(`${weakness.controllerId}:insecure-security-policy:high`);
      if (weakness.kind === "shortLivedCertificate") expected.add(`${weakness.controllerId}:certificate-expiring:high`);
      if (weakness.kind === "noPart18") expected.add(`${weakness.controllerId}:manual-rotation-only:low`);
    }
    expect(expected.size).toBe(4);
    const found = build.controllers.flatMap((spec) =>
      controllerFindings({ id: spec.id, name: spec.name, posture: postureOf(spec, build), trustedThumbprintSha256: THUMB_A }, DEFAULT_POLICY, now).map((f) => `${spec.id}:${f.code}:${f.severity}`),
    );
    expect(new Set(found)).toEqual(expected);
    expect(found).toHaveLength(expected.size);
  });

  it("gives every account weakness its finding: expired vendor access, factory defaults, shared accounts without holders", () => {
    const expected = new Set<string>();
    const noDescriptions = new Set(build.weaknesses.filter((w) => w.kind === "noPart18").map((w) => w.controllerId));
    const found: string[] = [];
    for (const spec of build.controllers) {
      const posture = postureOf(spec, build);
      for (const account of posture.accounts ?? []) {
        const truth = spec.accounts.find((a) => a.userName === account.userName)!;
        const c = classifyAccount(account, { vendor: spec.vendor });
        const facts: IdentityFacts = {
          id: `${spec.id}/${account.userName}`,
          kind: c.kind,
          name: account.userName,
          flags: c.flags,
          siteId: build.site.id,
          controllers: [{ id: spec.id, line: spec.line, cell: spec.cell }],
          effectiveOwner: { name: `${spec.line} team`, source: "line" },
          holders: [],
          firstSeenAt: now.toISOString(),
          lastRotatedAt: null,
          breakGlassUses: [],
          vendorName: c.vendorName ?? null,
          vendorExpiresAt: c.vendorExpiresAt ?? null,
          // The opt-in check: one login with the first known factory password.
          defaultPasswordConfirmed: knownDefaultPasswords(spec.vendor, account.userName)[0] === truth.initialPassword,
        };
        found.push(...identityFindings(facts, DEFAULT_POLICY, now).map((f) => `${facts.id}:${f.code}`));
        if (truth.flags.default) expected.add(`${facts.id}:default-password`);
        if (truth.flags.shared) expected.add(`${facts.id}:shared-without-holders`);
      }
    }
    for (const weakness of build.weaknesses) {
      // A controller without Part 18 does not show descriptions, so its vendor expiry must be entered by hand.
      if (weakness.kind === "expiredVendorAccount" && !noDescriptions.has(weakness.controllerId)) expected.add(`${weakness.controllerId}/${weakness.userName}:vendor-access-expired`);
    }
    expect([...expected].some((e) => e.endsWith("vendor-access-expired"))).toBe(true);
    expect(new Set(found)).toEqual(expected);
    expect(found).toHaveLength(expected.size);
  });
});

import { describe, expect, it } from "vitest";
import type { ControllerPosture, EndpointInfo } from "../../shared/domain/posture";
import { ControllerPosture as ControllerPostureSchema } from "../../shared/domain/posture";
import { classifyAccount, controllerFindings, DEFAULT_POLICY, identityFindings, knownDefaultPasswords, type IdentityFacts } from "../../shared/findings";
import { buildPlant } from "../../main/simulator/build";
import { declaredAccounts } from "../../main/simulator/plantFile";
import type { PlantBuild, SimControllerSpec } from "../../main/simulator/types";
import { THUMB_A } from "./findings.fixtures";

/**
 * The demo plant end to end, without servers: what a client reads from each simulated controller
 * (as docs/simulator.md describes it), through the classifier, into findings. Every weakness the
 * plant was built with must come out as a finding, on the right controller or account, and nothing
 * else may. The posture is the one the technician's own login reads once the laptop is trusted (the
 * strictClientTrust controller): on the limitedTechnicianRole controller that login (an Engineer) may
 * read neither Part 18 Users nor RoleSet Identities, nor use Part 12; a noUserList controller lists
 * no account at all, and the plant file declares them instead.
 */

const DAY = 86_400_000;

function endpointsOf(spec: SimControllerSpec): EndpointInfo[] {
  const tokens = (): EndpointInfo["userTokens"] => [
    ...(spec.security.allowAnonymous ? [{ type: "Anonymous" as const, policyId: "anonymous", securityPolicy: null }] : []),
    { type: "UserName", policyId: "username", securityPolicy: "Basic256Sha256" },
    { type: "Certificate", policyId: "certificate", securityPolicy: "Basic256Sha256" },
  ];
  const modes = spec.security.encryptedOnly ? (["SignAndEncrypt"] as const) : (["Sign", "SignAndEncrypt"] as const);
  const secure = ["Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"].flatMap((policy) =>
    modes.map((mode) => ({ url: "opc.tcp://127.0.0.1:4840", securityMode: mode, securityPolicy: policy, securityLevel: mode === "Sign" ? 2 : 3, userTokens: tokens() })),
  );
  return spec.security.securityPolicyNone ? [{ url: "opc.tcp://127.0.0.1:4840", securityMode: "None", securityPolicy: "None", securityLevel: 0, userTokens: tokens() }, ...secure] : secure;
}

/** The technician's login may read Part 18 Users and RoleSet Identities (SecurityAdmin, ConfigureAdmin or Supervisor). */
function technicianReadsAccounts(spec: SimControllerSpec): boolean {
  const roles = spec.accounts.find((a) => a.flags.technician)!.roles;
  return roles.some((role) => role === "SecurityAdmin" || role === "ConfigureAdmin" || role === "Supervisor");
}

/** Whether the controller lists accounts to the technician at all (Part 18 Users or RoleSet). */
function listed(spec: SimControllerSpec): boolean {
  return (spec.security.part18 || spec.security.roleSet) && technicianReadsAccounts(spec);
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
    pushManagement: { available: spec.accounts.find((a) => a.flags.technician)!.roles.includes("SecurityAdmin") },
    // Without Part 18 the names and roles still come from the RoleSet, but not the descriptions; with
    // neither, or when the technician may read neither, no account (a gap, not an empty list).
    accounts: listed(spec)
      ? spec.accounts.map((a) => ({ userName: a.userName, description: spec.security.part18 ? a.description : "", userConfiguration: a.noDelete ? 1 : 0, roles: [...a.roles] }))
      : null,
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
    // A controller that cannot list its accounts has no Part 18 either.
    for (const profile of build.profiles) if (profile.kind === "noUserList") expected.add(`${profile.controllerId}:manual-rotation-only:low`);
    expect(expected.size).toBe(5);
    const found = build.controllers.flatMap((spec) =>
      controllerFindings({ id: spec.id, name: spec.name, posture: postureOf(spec, build), trustedThumbprintSha256: THUMB_A }, DEFAULT_POLICY, now).map((f) => `${spec.id}:${f.code}:${f.severity}`),
    );
    expect(new Set(found)).toEqual(expected);
    expect(found).toHaveLength(expected.size);
  });

  it("gives every account weakness its finding: expired vendor access, factory defaults, shared accounts without holders", () => {
    const expected = new Set<string>();
    const found: string[] = [];
    expect(build.controllers.filter((spec) => !listed(spec))).toHaveLength(2);
    for (const spec of build.controllers) {
      const posture = postureOf(spec, build);
      // Where nothing is listed, the plant file's declared accounts stand in (a noUserList controller;
      // never its factory default: the opt-in factory password check finds that one, outside this model).
      const accounts = posture.accounts ?? declaredAccounts(spec).map((a) => ({ userName: a.userName, description: a.description, userConfiguration: 0, roles: [] }));
      for (const account of accounts) {
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
        // A controller without Part 18 that lists its accounts (RoleSet) shows no descriptions, so its
        // vendor expiry must be entered by hand; a declared account carries its description.
        if (truth.vendorExpiry?.expired && account.description !== "") expected.add(`${facts.id}:vendor-access-expired`);
      }
    }
    expect([...expected].some((e) => e.endsWith("vendor-access-expired"))).toBe(true);
    expect(new Set(found)).toEqual(expected);
    expect(found).toHaveLength(expected.size);
  });
});

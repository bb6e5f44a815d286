import type { AccountInfo, CertificateInfo, ControllerPosture, EndpointInfo } from "../../shared/domain/posture";
import { ControllerPosture as ControllerPostureSchema } from "../../shared/domain/posture";
import type { IdentityFacts } from "../../shared/findings";

/** The demo plant's default clock, so dates in tests read like the simulator's. */
export const NOW = new Date("2026-11-22T08:00:00Z");
export const DAY = 86_400_000;

export const THUMB_A = "a".repeat(64);
export const THUMB_B = "b".repeat(64);

export function at(offsetMs: number, from: Date = NOW): Date {
  return new Date(from.getTime() + offsetMs);
}

export function iso(offsetMs: number, from: Date = NOW): string {
  return at(offsetMs, from).toISOString();
}

type TokenType = EndpointInfo["userTokens"][number]["type"];

export function endpoint(securityPolicy: string, securityMode: EndpointInfo["securityMode"], tokens: readonly TokenType[] = ["UserName"], url = "opc.tcp://127.0.0.1:4840"): EndpointInfo {
  return {
    url,
    securityMode,
    securityPolicy,
    securityLevel: securityMode === "SignAndEncrypt" ? 3 : securityMode === "Sign" ? 2 : 0,
    userTokens: tokens.map((type, i) => ({ type, policyId: `${type.toLowerCase()}-${i}`, securityPolicy: type === "UserName" ? "Basic256Sha256" : null })),
  };
}

export function certificate(notAfter: string, thumbprintSha256: string = THUMB_A): CertificateInfo {
  return {
    subject: "CN=plc",
    issuer: "CN=plc",
    notBefore: "2025-01-01T00:00:00.000Z",
    notAfter,
    thumbprintSha256,
    thumbprintSha1: "c".repeat(40),
    applicationUri: "urn:fieldproof-demo:site:plc",
    selfSigned: true,
  };
}

export function account(userName: string, roles: readonly string[] = ["Operator"], description = "", userConfiguration = 0): AccountInfo {
  return { userName, description, userConfiguration, roles: [...roles] };
}

/** A healthy posture: secure endpoints only, valid certificate, Part 18, no anonymous. Validated by the real schema. */
export function posture(overrides: Partial<ControllerPosture> = {}): ControllerPosture {
  const base: ControllerPosture = {
    endpointUrl: "opc.tcp://127.0.0.1:4840",
    observedAt: NOW.toISOString(),
    reachable: true,
    serverTime: NOW.toISOString(),
    applicationUri: "urn:fieldproof-demo:site:plc",
    productName: "AC-1500",
    softwareVersion: "1.0",
    endpoints: [endpoint("Basic256Sha256", "Sign"), endpoint("Basic256Sha256", "SignAndEncrypt"), endpoint("Aes256_Sha256_RsaPss", "SignAndEncrypt")],
    certificate: certificate(iso(365 * DAY)),
    anonymousAllowed: false,
    userManagement: { available: true, passwordPolicy: { minLength: 12, maxLength: 64, options: 254, restrictions: "12 to 64 characters" } },
    pushManagement: { available: true },
    accounts: [account("fp-tech", ["SecurityAdmin", "ConfigureAdmin", "Engineer"]), account("maint", ["Engineer", "Operator"], "Shared maintenance account")],
    sessions: [],
    gaps: [],
  };
  return ControllerPostureSchema.parse({ ...base, ...overrides });
}

/** A well-kept identity: owned, recently rotated, no flags. */
export function identity(overrides: Partial<IdentityFacts> = {}): IdentityFacts {
  return {
    id: "id-1",
    kind: "user",
    name: "maint",
    flags: { shared: false, breakGlass: false, vendor: false, default: false },
    siteId: "rivermill",
    controllers: [{ id: "body-l1-plc-1", line: "Body Line 1", cell: "Cell 10" }],
    effectiveOwner: { name: "Body shop maintenance", source: "line" },
    holders: [],
    firstSeenAt: "2026-01-10T00:00:00.000Z",
    lastRotatedAt: "2026-06-01T00:00:00.000Z",
    breakGlassUses: [],
    vendorExpiresAt: null,
    defaultPasswordConfirmed: false,
    ...overrides,
  };
}

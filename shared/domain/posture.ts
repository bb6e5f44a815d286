import { z } from "zod";

/** OPC UA security policies by short name: None, Basic128Rsa15, Basic256, Basic256Sha256, Aes128_Sha256_RsaOaep, Aes256_Sha256_RsaPss. */
export const SecurityPolicyName = z.string().max(80);
export const SecurityModeName = z.enum(["None", "Sign", "SignAndEncrypt"]);
export const UserTokenTypeName = z.enum(["Anonymous", "UserName", "Certificate", "IssuedToken"]);

export const CertificateInfo = z.object({
  subject: z.string().max(1000),
  issuer: z.string().max(1000),
  notBefore: z.string(),
  notAfter: z.string(),
  /** Hex SHA-256 of the DER: what the technician compares on first use. */
  thumbprintSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Hex SHA-1 of the DER: what OPC UA tools (UaExpert, GDS) show. */
  thumbprintSha1: z.string().regex(/^[0-9a-f]{40}$/),
  applicationUri: z.string().max(1000).nullable(),
  selfSigned: z.boolean(),
  // Read since the certificate findings (optional: earlier records lack them, and lacking them fires nothing).
  keyType: z.enum(["rsa", "ec", "ed25519", "ed448", "other"]).optional(),
  /** RSA modulus or EC curve size in bits; null when unknown. */
  keyBits: z.number().int().nonnegative().nullable().optional(),
  /** The signature's hash, as "SHA-1", "SHA-256"; null when unknown. */
  signatureHash: z.string().max(20).nullable().optional(),
  dnsNames: z.array(z.string().max(253)).max(64).optional(),
  ipAddresses: z.array(z.string().max(45)).max(64).optional(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const EndpointInfo = z.object({
  url: z.string().max(1000),
  securityMode: SecurityModeName,
  securityPolicy: SecurityPolicyName,
  securityLevel: z.number().int(),
  userTokens: z.array(z.object({ type: UserTokenTypeName, policyId: z.string().max(200), securityPolicy: SecurityPolicyName.nullable() })).max(50),
});
export type EndpointInfo = z.infer<typeof EndpointInfo>;

export const AccountInfo = z.object({
  userName: z.string().max(500),
  description: z.string().max(2000),
  /** Part 18 UserConfigurationMask: 1 NoDelete, 2 Disabled, 4 NoChangeByUser, 8 MustChangePassword. */
  userConfiguration: z.number().int().nonnegative(),
  roles: z.array(z.string().max(200)).max(100),
});
export type AccountInfo = z.infer<typeof AccountInfo>;

export const SessionInfo = z.object({
  sessionName: z.string().max(500),
  clientName: z.string().max(500),
  userName: z.string().max(500).nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const PasswordPolicyInfo = z.object({
  minLength: z.number().int().nonnegative(),
  maxLength: z.number().int().nonnegative(),
  /** Part 18 PasswordOptionsMask as read (bits for required character classes etc.). */
  options: z.number().int().nonnegative(),
  restrictions: z.string().max(2000).nullable(),
});
export type PasswordPolicyInfo = z.infer<typeof PasswordPolicyInfo>;

/** One thing that could not be read, so a partial posture is honest about its gaps. */
export const PostureGap = z.object({
  stage: z.enum(["connect", "endpoints", "session", "accounts", "roles", "sessions", "policy", "capabilities", "clock", "certificates"]),
  code: z.string().max(80),
  message: z.string().max(1000),
});
export type PostureGap = z.infer<typeof PostureGap>;

/** What one visit to a controller observed. Never carries a password. */
export const ControllerPosture = z.object({
  endpointUrl: z.string().max(1000),
  observedAt: z.string(),
  reachable: z.boolean(),
  /** The controller's own clock (Server_ServerStatus_CurrentTime), when read. */
  serverTime: z.string().nullable(),
  applicationUri: z.string().max(1000).nullable(),
  productName: z.string().max(500).nullable(),
  softwareVersion: z.string().max(200).nullable(),
  endpoints: z.array(EndpointInfo).max(100),
  certificate: CertificateInfo.nullable(),
  anonymousAllowed: z.boolean(),
  userManagement: z.object({
    available: z.boolean(),
    passwordPolicy: PasswordPolicyInfo.nullable(),
    /** Whether this login may set another account's password (ModifyUser, SecurityAdmin); absent in records made before it was read. */
    modifyUsers: z.boolean().optional(),
  }),
  pushManagement: z.object({ available: z.boolean() }),
  /** null when the accounts could not be read (see gaps). */
  accounts: z.array(AccountInfo).max(10_000).nullable(),
  sessions: z.array(SessionInfo).max(10_000).nullable(),
  gaps: z.array(PostureGap).max(50),
});
export type ControllerPosture = z.infer<typeof ControllerPosture>;

/** A visit that learned nothing yet: the starting point of a read, and what an unreachable controller gives. */
export function unreachablePosture(endpointUrl: string, observedAt: string, gaps: readonly PostureGap[] = []): ControllerPosture {
  return {
    endpointUrl,
    observedAt,
    reachable: false,
    serverTime: null,
    applicationUri: null,
    productName: null,
    softwareVersion: null,
    endpoints: [],
    certificate: null,
    anonymousAllowed: false,
    userManagement: { available: false, passwordPolicy: null },
    pushManagement: { available: false },
    accounts: null,
    sessions: null,
    gaps: [...gaps],
  };
}

/**
 * The controller answered a login but has no way to list its accounts (no Part 18 Users, no RoleSet
 * mappings), as many PLCs ship: its accounts are only what the technician declares. Not the same as
 * a list the login was refused (an access gap) or a controller not reached.
 */
export function cannotListAccounts(posture: ControllerPosture | null | undefined): boolean {
  if (!posture || !posture.reachable || posture.accounts !== null) return false;
  if (posture.gaps.some((g) => g.stage === "connect" || g.stage === "session")) return false;
  return !posture.gaps.some((g) => (g.stage === "accounts" || g.stage === "roles") && /AccessDenied|ACCESS_DENIED|TIMEOUT|UNREACHABLE/.test(g.code));
}

import { z } from "zod";

/** A credential-bearing account or key. */
export const IdentityKind = z.enum(["user", "service", "certificate", "apiKey", "sshKey"]);
export type IdentityKind = z.infer<typeof IdentityKind>;

export const IdentityFlags = z.object({
  shared: z.boolean(),
  breakGlass: z.boolean(),
  vendor: z.boolean(),
  /** Factory default account name (or a known default password was confirmed). */
  default: z.boolean(),
});
export type IdentityFlags = z.infer<typeof IdentityFlags>;

export const Severity = z.enum(["critical", "high", "medium", "low", "info"]);
export type Severity = z.infer<typeof Severity>;

export const FindingCode = z.enum([
  "unowned",
  "shared-without-holders",
  "rotation-overdue",
  "holder-left-not-rotated",
  "break-glass-used-not-rotated",
  "vendor-access-expired",
  "default-account",
  "default-password",
  "anonymous-access",
  "insecure-security-policy",
  "certificate-expired",
  "certificate-expiring",
  "blast-radius",
  "manual-rotation-only",
  "certificate-changed",
  "certificate-weak-key",
  "certificate-weak-signature",
  "certificate-name-mismatch",
  "certificate-self-signed",
  "certificate-unknown-issuer",
]);
export type FindingCode = z.infer<typeof FindingCode>;

/** A computed posture problem, in plain language, with what to do about it. */
export const Finding = z.object({
  code: FindingCode,
  severity: Severity,
  subject: z.object({ type: z.enum(["identity", "controller"]), id: z.string() }),
  title: z.string(),
  explanation: z.string(),
  action: z.string(),
  /** Standards the finding maps to (e.g. "NERC CIP-007-6 R5.6"). */
  references: z.array(z.string()),
});
export type Finding = z.infer<typeof Finding>;

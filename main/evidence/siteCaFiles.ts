import { z } from "zod";
import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { sha256Hex } from "./crypto";

/**
 * The two files a site CA travels in, by USB like bundles and receipts:
 * - the laptop's request (`fieldproof ca request`): the intermediate's CSR (its key stays on the
 *   laptop), signed by the laptop's Ed25519 device key, so IT knows which laptop asks;
 * - IT's answer (`fieldproof it ca issue`): the intermediate and the root, signed by IT's key, so the
 *   laptop knows the root is IT's (it trusts IT's key from it-public.json).
 * Each signature covers `<context>\n<SHA-256 of the canonical body>`, the body being the file's
 * fields other than the signature, in a fixed order.
 */

export const CA_REQUEST_FORMAT = "fieldproof-ca-request/v1";
export const SITE_CA_FORMAT = "fieldproof-site-ca/v1";

/** A site name: what a plant calls it, kept short and free of control characters. */
export const SiteName = z
  .string()
  .trim()
  .min(1, "a site name must not be empty")
  .max(64, "a site name is at most 64 characters")
  .regex(/^[\p{L}\p{N} ._-]+$/u, "a site name has letters, digits, spaces, dots, dashes and underscores only");

const Pem = (label: string) => z.string().regex(new RegExp(`^-----BEGIN ${label}-----\\r?\\n[A-Za-z0-9+/=\\r\\n]+-----END ${label}-----\\s*$`), `a PEM ${label.toLowerCase()}`);

export const CaRequestBody = z.object({
  format: z.literal(CA_REQUEST_FORMAT),
  site: SiteName,
  // Also a file name at IT: letters, digits, dashes and underscores only.
  deviceId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "a device id has letters, digits, dashes and underscores only"),
  deviceName: z.string().min(1).max(64),
  deviceFingerprint: z.string().min(1).max(100),
  /** Raw Ed25519 public key of the device, base64. */
  devicePublicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  csr: Pem("CERTIFICATE REQUEST"),
  requestedAt: z.string(),
});
export const CaRequestFile = CaRequestBody.extend({ signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/) });
export type CaRequestFile = z.infer<typeof CaRequestFile>;

export const SiteCaBody = z.object({
  format: z.literal(SITE_CA_FORMAT),
  site: SiteName,
  deviceFingerprint: z.string().min(1).max(100),
  intermediate: Pem("CERTIFICATE"),
  root: Pem("CERTIFICATE"),
  /** The root's CRL as of the issue (signed by the root): which issuing certificates IT revoked. */
  rootCrl: Pem("X509 CRL"),
  issuedAt: z.string(),
  itKeyName: z.string(),
});
export const SiteCaFile = SiteCaBody.extend({ signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/) });
export type SiteCaFile = z.infer<typeof SiteCaFile>;

function canonical<T extends z.ZodRawShape>(schema: z.ZodObject<T>, value: Record<string, unknown>): string {
  // The schema's key order, not the file's: a file re-indented or re-ordered still verifies.
  return JSON.stringify(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, value[k]])));
}

export function caRequestSigningBytes(body: z.infer<typeof CaRequestBody>): Buffer {
  return Buffer.from(`${CA_REQUEST_FORMAT}\n${sha256Hex(canonical(CaRequestBody, body))}`);
}

export function siteCaSigningBytes(body: z.infer<typeof SiteCaBody>): Buffer {
  return Buffer.from(`${SITE_CA_FORMAT}\n${sha256Hex(canonical(SiteCaBody, body))}`);
}

export function parseSiteCaFile<T>(text: string, schema: z.ZodType<T>, what: string, madeBy: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_REQUEST", `This is not a ${what} (it is not JSON). Use the file \`${madeBy}\` wrote.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new AppError("INVALID_REQUEST", `This is not a valid ${what}: ${describeIssues(parsed.error, 2)}. Use the file \`${madeBy}\` wrote.`);
  return parsed.data;
}

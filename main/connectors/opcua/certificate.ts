import { X509Certificate, createHash } from "node:crypto";
import type { CertificateInfo } from "../../../shared/domain/posture";
import { cleanOptional, cleanText } from "./text";

/**
 * The first certificate of an OPC UA certificate field. Servers may send a chain (several DER
 * certificates back to back); the leaf is first and is the one a pin refers to.
 */
export function leafCertificate(chain: Buffer): Buffer | null {
  const length = derLength(chain, 0);
  return length === null ? null : chain.subarray(0, length);
}

/** Hex SHA-256 of a DER certificate, as CertificateInfo.thumbprintSha256. */
export function sha256Hex(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}

/** "ab:CD 12…" -> "abcd12…", so a thumbprint copied from another tool compares equal. */
export function normalizeThumbprint(value: string): string {
  return value.replace(/[\s:]/g, "").toLowerCase();
}

/** The first 16 hex digits, for messages ("was 1a2b3c4d5e6f7a8b…"). */
export function shortThumbprint(value: string): string {
  return `${value.slice(0, 16)}…`;
}

/** What the technician needs to decide trust, from a DER certificate (or chain); null if it does not parse. */
export function describeCertificate(chain: Buffer): CertificateInfo | null {
  const der = leafCertificate(chain);
  if (!der) return null;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    return null;
  }
  const notBefore = new Date(x509.validFrom);
  const notAfter = new Date(x509.validTo);
  if (Number.isNaN(notBefore.getTime()) || Number.isNaN(notAfter.getTime())) return null;
  return {
    subject: cleanText(oneLine(x509.subject), 1000).text,
    issuer: cleanText(oneLine(x509.issuer), 1000).text,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    thumbprintSha256: sha256Hex(der),
    thumbprintSha1: createHash("sha1").update(der).digest("hex"),
    applicationUri: cleanOptional(/(?:^|,\s*)URI:([^,]+)/.exec(x509.subjectAltName ?? "")?.[1], 1000),
    selfSigned: isSelfSigned(x509),
  };
}

function oneLine(name: string): string {
  return name.split("\n").filter(Boolean).join(", ");
}

function isSelfSigned(x509: X509Certificate): boolean {
  try {
    return x509.subject === x509.issuer && x509.verify(x509.publicKey);
  } catch {
    return false;
  }
}

/** Total length of the DER element at `offset` (tag + length + content), or null if malformed. */
function derLength(buffer: Buffer, offset: number): number | null {
  if (buffer.length < offset + 2 || buffer[offset] !== 0x30) return null;
  const first = buffer[offset + 1]!;
  if (first < 0x80) return offset + 2 + first <= buffer.length ? 2 + first : null;
  const bytes = first & 0x7f;
  if (bytes === 0 || bytes > 4 || buffer.length < offset + 2 + bytes) return null;
  let length = 0;
  for (let i = 0; i < bytes; i += 1) length = length * 256 + buffer[offset + 2 + i]!;
  const total = 2 + bytes + length;
  return offset + total <= buffer.length ? total : null;
}

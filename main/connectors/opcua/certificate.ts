import "reflect-metadata";
import * as peculiar from "@peculiar/x509";
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
    ...keyFacts(x509),
    signatureHash: signatureHash(der),
    dnsNames: sanEntries(x509.subjectAltName, "DNS").map((n) => cleanText(n, 253).text),
    ipAddresses: sanEntries(x509.subjectAltName, "IP Address").map((n) => cleanText(n, 45).text),
  };
}

function keyFacts(x509: X509Certificate): Pick<CertificateInfo, "keyType" | "keyBits"> {
  const key = x509.publicKey;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  const curveBits: Record<string, number> = { prime256v1: 256, "P-256": 256, secp384r1: 384, "P-384": 384, secp521r1: 521, "P-521": 521, secp256k1: 256 };
  if (type === "rsa" || type === "rsa-pss") return { keyType: "rsa", keyBits: details?.modulusLength ?? null };
  if (type === "ec") return { keyType: "ec", keyBits: details?.namedCurve ? (curveBits[details.namedCurve] ?? null) : null };
  if (type === "ed25519") return { keyType: "ed25519", keyBits: 256 };
  if (type === "ed448") return { keyType: "ed448", keyBits: 456 };
  return { keyType: "other", keyBits: null };
}

/** The hash of the certificate's signature ("SHA-1", "SHA-256"), read by @peculiar/x509 (node does not expose it). */
function signatureHash(der: Buffer): string | null {
  try {
    const algorithm = new peculiar.X509Certificate(new Uint8Array(der)).signatureAlgorithm as { hash?: { name?: unknown } | string; name?: unknown };
    const hash = typeof algorithm.hash === "string" ? algorithm.hash : algorithm.hash?.name;
    return typeof hash === "string" ? hash.slice(0, 20) : null;
  } catch {
    return null;
  }
}

/** Entries of one kind of node's subjectAltName text ("URI:a, DNS:b, IP Address:c"), at most 64. */
function sanEntries(san: string | undefined, kind: string): string[] {
  if (!san) return [];
  return san
    .split(/,\s*/)
    .filter((part) => part.startsWith(`${kind}:`))
    .map((part) => part.slice(kind.length + 1).trim())
    .filter(Boolean)
    .slice(0, 64);
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

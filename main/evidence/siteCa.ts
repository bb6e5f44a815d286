import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createHash, randomBytes, webcrypto, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { AppError } from "../../shared/domain/errors";

x509.cryptoProvider.set(webcrypto as never);

/**
 * The site CA, offline: IT's root (kept offline, its key behind a passphrase of its own), an issuing
 * intermediate per laptop and site (path length 0, short-lived, its key made on the laptop and never
 * leaving it), and the controller certificates a laptop issues from it. RSA with SHA-256 throughout:
 * the certificate type every OPC UA server supports (RsaSha256ApplicationCertificateType; Siemens
 * S7-1500 and open62541 take nothing else), so a chain is never refused for its algorithm.
 */

const RSA = (modulusLength: number): webcrypto.RsaHashedKeyGenParams => ({ name: "RSASSA-PKCS1-v1_5", modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" });
const SIGNING = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
const ROOT_BITS = 3072;
const INTERMEDIATE_BITS = 2048;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CertificateFacts {
  readonly pem: string;
  /** SHA-256 of the DER, lower-case hex (what `openssl x509 -fingerprint -sha256` prints, without colons). */
  readonly sha256: string;
  /** SHA-256 of the SubjectPublicKeyInfo DER, lower-case hex: compares keys across CSR and certificate. */
  readonly spkiSha256: string;
  readonly serial: string;
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** A random positive serial of 16 bytes (RFC 5280: at most 20 octets, positive), as hex. */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x10;
  return bytes.toString("hex");
}

const sha256 = (data: ArrayBuffer | Buffer): string => createHash("sha256").update(Buffer.from(data as ArrayBuffer)).digest("hex");

export function certificateFacts(pem: string): CertificateFacts {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
  } catch (error) {
    throw new AppError("INVALID_REQUEST", "This is not a PEM or DER X.509 certificate.", { cause: error });
  }
  return {
    pem: cert.toString("pem"),
    sha256: sha256(cert.rawData),
    spkiSha256: sha256(cert.publicKey.rawData),
    serial: cert.serialNumber.toLowerCase(),
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
  };
}

async function exportPkcs8(key: webcrypto.CryptoKey): Promise<Buffer> {
  return Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
}

function importPkcs8(der: Buffer): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey("pkcs8", der, SIGNING, false, ["sign"]);
}

/** Quotes a value for an X.500 name string (RFC 4514): markup or commas in a site name stay text. */
function rdn(value: string): string {
  return value.replace(/([,+"\\<>;=#])/g, "\\$1").replace(/^ | $/g, "\\ ");
}

/** `it ca init`: a self-signed root, valid `years` years; the key as PKCS#8 DER for the caller to protect. */
export async function makeRootCa(name: string, now: Date, years = 20): Promise<{ certificatePem: string; keyDer: Buffer }> {
  const keys = await webcrypto.subtle.generateKey(RSA(ROOT_BITS), true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${rdn(name)}, O=Fieldproof site CA`,
    notBefore: new Date(now.getTime() - HOUR),
    notAfter: new Date(now.getTime() + years * 365 * DAY),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificatePem: cert.toString("pem"), keyDer: await exportPkcs8(keys.privateKey) };
}

/** On the laptop: the issuing intermediate's key (kept here, protected) and the CSR IT signs. */
export async function makeIntermediateRequest(site: string, deviceName: string): Promise<{ csrPem: string; keyDer: Buffer; spkiSha256: string }> {
  const keys = await webcrypto.subtle.generateKey(RSA(INTERMEDIATE_BITS), true, ["sign", "verify"]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ name: `CN=${rdn(`Fieldproof ${site} issuing CA (${deviceName})`)}, O=Fieldproof site CA`, keys, signingAlgorithm: SIGNING });
  return { csrPem: csr.toString("pem"), keyDer: await exportPkcs8(keys.privateKey), spkiSha256: sha256(csr.publicKey.rawData) };
}

/** Reads a CSR and checks its signature, its key (RSA 2048 to 4096: what RsaSha256 controllers take) and its subject. */
export async function readCsr(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (error) {
    throw new AppError("INVALID_REQUEST", "This is not a PKCS#10 certificate signing request (PEM or DER).", { cause: error });
  }
  let verified = false;
  try {
    verified = await csr.verify();
  } catch {
    verified = false;
  }
  if (!verified) throw new AppError("INTEGRITY_ERROR", "The certificate signing request's signature does not verify: it was altered or made wrongly. Nothing was issued.");
  const algorithm = csr.publicKey.algorithm as { name?: string; modulusLength?: number };
  const bits = algorithm.modulusLength ?? (await rsaBits(csr));
  if (!/^RSA/i.test(algorithm.name ?? "") || bits < 2048 || bits > 4096) {
    throw new AppError(
      "INVALID_REQUEST",
      `The CSR's key is ${algorithm.name ?? "of an unknown kind"}${bits ? ` (${bits} bits)` : ""}; the site CA signs RSA keys of 2048 to 4096 bits only (RsaSha256, which every OPC UA server takes). Make the CSR with an RSA 2048 key. Nothing was issued.`,
    );
  }
  if (csr.subjectName.toJSON().length === 0) throw new AppError("INVALID_REQUEST", "The CSR has an empty subject; give the controller a subject (its name, e.g. CN=PLC 07) in its tool. Nothing was issued.");
  return csr;
}

async function rsaBits(csr: x509.Pkcs10CertificateRequest): Promise<number> {
  try {
    const key = await webcrypto.subtle.importKey("spki", csr.publicKey.rawData, SIGNING, true, ["verify"]);
    return (key.algorithm as webcrypto.RsaHashedKeyAlgorithm).modulusLength;
  } catch {
    return 0;
  }
}

const HOST = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MAX_NAMES = 32;

/**
 * The names a controller certificate may carry: one application URI (a URI with a scheme, as OPC UA
 * requires: urn:, http:, ...), host names without wildcards, IP addresses; at most 32 of each.
 * Checked before anything is signed.
 */
export function checkLeafNames(names: LeafNames): LeafNames {
  const uri = names.applicationUri.trim();
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(uri) || uri.length > 1000) {
    throw new AppError("INVALID_REQUEST", `"${uri.slice(0, 100)}" is not an application URI (a URI such as urn:plc-07:opcua:server). Nothing was issued.`);
  }
  if (names.dns.length > MAX_NAMES || names.ips.length > MAX_NAMES) throw new AppError("INVALID_REQUEST", `A controller certificate names at most ${MAX_NAMES} host names and ${MAX_NAMES} addresses. Nothing was issued.`);
  for (const dns of names.dns) {
    if (dns.includes("*")) throw new AppError("INVALID_REQUEST", `The site CA issues no wildcard names ("${dns}"): name the controller's own host names. Nothing was issued.`);
    if (!HOST.test(dns)) throw new AppError("INVALID_REQUEST", `"${dns.slice(0, 100)}" is not a host name. Nothing was issued.`);
  }
  for (const ip of names.ips) {
    if (isIP(ip) === 0) throw new AppError("INVALID_REQUEST", `"${ip.slice(0, 100)}" is not an IPv4 or IPv6 address. Nothing was issued.`);
  }
  return { applicationUri: uri, dns: [...names.dns], ips: [...names.ips] };
}

/** `it ca issue`: IT's root signs the laptop's intermediate for one site (CA, path length 0). */
export async function issueIntermediate(
  root: { certificatePem: string; keyDer: Buffer },
  csrPem: string,
  o: { site: string; deviceFingerprint: string; days: number; now: Date },
): Promise<string> {
  const csr = await readCsr(csrPem);
  if (sha256(csr.publicKey.rawData) === sha256(new x509.X509Certificate(root.certificatePem).publicKey.rawData)) {
    throw new AppError("INVALID_REQUEST", "The request carries the root's own key. Nothing was issued.");
  }
  const rootCert = new x509.X509Certificate(root.certificatePem);
  const notAfter = new Date(Math.min(o.now.getTime() + o.days * DAY, rootCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${rdn(`Fieldproof ${o.site} issuing CA`)}, OU=${rdn(`device ${o.deviceFingerprint}`)}, O=Fieldproof site CA`,
    issuer: rootCert.subject,
    notBefore: new Date(o.now.getTime() - HOUR),
    notAfter,
    publicKey: csr.publicKey,
    signingKey: await importPkcs8(root.keyDer),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(rootCert),
    ],
  });
  return cert.toString("pem");
}

/** What a controller certificate names: its application URI (OPC UA requires it in the SAN), host names and addresses. */
export interface LeafNames {
  readonly applicationUri: string;
  readonly dns: readonly string[];
  readonly ips: readonly string[];
}

/** The names a CSR asks for (its subjectAltName extension request), or none. */
export async function csrNames(csrPem: string): Promise<{ subject: string; names: LeafNames | null; spkiSha256: string }> {
  const csr = await readCsr(csrPem);
  const raw = csr.extensions.find((e) => e.type === "2.5.29.17");
  const san = raw ? new x509.SubjectAlternativeNameExtension(raw.rawData) : undefined;
  const spkiSha256 = sha256(csr.publicKey.rawData);
  if (!san) return { subject: csr.subject, names: null, spkiSha256 };
  const items = san.names.items;
  const uri = items.find((n) => n.type === "url")?.value;
  return {
    subject: csr.subject,
    spkiSha256,
    names: uri ? { applicationUri: uri, dns: items.filter((n) => n.type === "dns").map((n) => n.value), ips: items.filter((n) => n.type === "ip").map((n) => n.value) } : null,
  };
}

/**
 * A controller's application instance certificate from the laptop's intermediate: serverAuth and
 * clientAuth, the key usages Part 6 asks of an RSA application certificate, the application URI,
 * host names and addresses in the SAN, a random serial, valid from an hour ago (controller clocks
 * drift) for `days` days but never past the intermediate.
 */
export async function issueLeaf(
  issuer: { certificatePem: string; keyDer: Buffer },
  csrPem: string,
  o: { names: LeafNames; days: number; now: Date },
): Promise<string> {
  const csr = await readCsr(csrPem);
  const names = checkLeafNames(o.names);
  const ca = new x509.X509Certificate(issuer.certificatePem);
  if (sha256(csr.publicKey.rawData) === sha256(ca.publicKey.rawData)) throw new AppError("INVALID_REQUEST", "The CSR carries the issuing CA's own key. Nothing was issued.");
  const notAfter = new Date(Math.min(o.now.getTime() + o.days * DAY, ca.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    // The CSR's subject as it was encoded (a string would re-encode UTF8String as PrintableString).
    subject: csr.subjectName,
    issuer: ca.subjectName,
    notBefore: new Date(o.now.getTime() - HOUR),
    notAfter,
    publicKey: csr.publicKey,
    signingKey: await importPkcs8(issuer.keyDer),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation | x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment,
        true,
      ),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: "url", value: names.applicationUri },
        ...names.dns.map((value) => ({ type: "dns" as const, value })),
        ...names.ips.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  return cert.toString("pem");
}

/**
 * Checks an intermediate against its root as the laptop installs it: signed by the root, a CA with
 * path length 0, within its validity. Throws with what IT must do.
 */
export async function checkIntermediate(intermediatePem: string, rootPem: string, now: Date): Promise<void> {
  const cert = new x509.X509Certificate(intermediatePem);
  const root = new x509.X509Certificate(rootPem);
  if (!(await root.verify({ date: now, signatureOnly: true }))) throw new AppError("INTEGRITY_ERROR", "The site CA's root certificate is not self-signed as a root must be. Ask IT for the file again.");
  if (!root.getExtension(x509.BasicConstraintsExtension)?.ca) throw new AppError("INVALID_REQUEST", "The site CA's root is not a CA certificate. Ask IT for the file again.");
  if (now < root.notBefore || now > root.notAfter) {
    throw new AppError("PRECONDITION_FAILED", `The site CA's root is valid ${root.notBefore.toISOString()} to ${root.notAfter.toISOString()}; this laptop's clock says ${now.toISOString()}. Check the clock, or ask IT for a new root.`);
  }
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  if (!usage || (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) throw new AppError("INVALID_REQUEST", "The issuing certificate may not sign certificates (no keyCertSign). Ask IT to issue it with fieldproof it ca issue.");
  if (!(await cert.verify({ publicKey: root.publicKey, signatureOnly: true }))) {
    throw new AppError("INTEGRITY_ERROR", "The issuing certificate is not signed by the root in the same file: it was altered or mixed up. Ask IT to issue it again (fieldproof it ca issue).");
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca || bc.pathLength !== 0) throw new AppError("INVALID_REQUEST", "The issuing certificate is not an intermediate CA with path length 0. Ask IT to issue it with fieldproof it ca issue.");
  if (now < cert.notBefore) throw new AppError("PRECONDITION_FAILED", `The issuing certificate is valid only from ${cert.notBefore.toISOString()}; this laptop's clock says ${now.toISOString()}. Set the clock, or ask IT why.`);
  if (now > cert.notAfter) {
    throw new AppError(
      "PRECONDITION_FAILED",
      `The issuing certificate expired on ${cert.notAfter.toISOString()}. IT: issue a new one (fieldproof ca request on the laptop, then fieldproof it ca issue); nothing can be signed with this one.`,
    );
  }
}

/** node's view of a PEM certificate's SHA-256 (DER), lower-case hex; for comparing with what a controller presents. */
export function derSha256(certificate: string | Buffer): string {
  return sha256(new X509Certificate(certificate).raw);
}

/** Why a certificate is revoked (RFC 5280 CRLReason), as a CRL entry says it. */
export const REVOCATION_REASONS = ["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation"] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/** DER INTEGER of a non-negative number (for the CRLNumber extension). */
function derInteger(n: number): ArrayBuffer {
  let hex = Math.floor(n).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.of(0), bytes]);
  const der = Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.length);
}

/**
 * A CRL signed by `issuer` listing `entries`, valid from an hour ago for `days` days, numbered
 * `number` (CRLNumber; a newer CRL has a larger one). PEM.
 */
export async function makeCrl(
  issuer: { certificatePem: string; keyDer: Buffer },
  entries: readonly { serial: string; revokedAt: string; reason: RevocationReason }[],
  o: { now: Date; days: number; number: number },
): Promise<string> {
  const ca = new x509.X509Certificate(issuer.certificatePem);
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.subjectName,
    thisUpdate: new Date(o.now.getTime() - HOUR),
    nextUpdate: new Date(o.now.getTime() + o.days * DAY),
    entries: entries.map((e) => ({ serialNumber: e.serial, revocationDate: new Date(e.revokedAt), reason: x509.X509CrlReason[e.reason] })),
    signingKey: await importPkcs8(issuer.keyDer),
    signingAlgorithm: SIGNING,
    extensions: [await x509.AuthorityKeyIdentifierExtension.create(ca), new x509.Extension("2.5.29.20", false, derInteger(o.number))],
  });
  return pemOfCrl(crl.rawData);
}

/** PEM with the label openssl and RFC 7468 use ("X509 CRL"; @peculiar/x509 writes "CRL"). */
function pemOfCrl(der: ArrayBuffer): string {
  const body = Buffer.from(der).toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN X509 CRL-----\n${body}\n-----END X509 CRL-----\n`;
}

export interface CrlFacts {
  readonly pem: string;
  readonly sha256: string;
  readonly issuer: string;
  readonly thisUpdate: string;
  readonly nextUpdate: string | null;
  /** CRLNumber (a newer CRL of the same issuer has a larger one); 0 when it carries none. */
  readonly number: number;
  /** Revoked serials, lower-case hex. */
  readonly revoked: readonly string[];
}

/** A CRL already checked when it was stored: its dates and revoked serials, without a signature check. */
export function crlFactsUnchecked(crlPem: string): Omit<CrlFacts, "pem"> {
  const crl = new x509.X509Crl(crlPem);
  return { sha256: sha256(crl.rawData), issuer: crl.issuer, thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate ? crl.nextUpdate.toISOString() : null, number: crlNumber(crl), revoked: crl.entries.map((e) => e.serialNumber.toLowerCase()) };
}

/** The CRLNumber extension's value (a DER INTEGER), or 0. */
function crlNumber(crl: x509.X509Crl): number {
  const ext = crl.extensions.find((e) => e.type === "2.5.29.20");
  if (!ext) return 0;
  const der = Buffer.from(ext.value);
  if (der[0] !== 0x02 || der[1] === undefined || der[1] > 8 || der.length < 2 + der[1]) return 0;
  return Number.parseInt(der.subarray(2, 2 + der[1]).toString("hex") || "0", 16);
}

/** Reads a CRL and checks that `issuerPem` signed it; throws with what to do otherwise. */
export async function checkCrl(crlPem: string, issuerPem: string): Promise<CrlFacts> {
  let crl: x509.X509Crl;
  try {
    crl = new x509.X509Crl(crlPem);
  } catch (error) {
    throw new AppError("INVALID_REQUEST", "This is not an X.509 CRL (PEM or DER). Use the file fieldproof it ca crl wrote.", { cause: error });
  }
  const issuer = new x509.X509Certificate(issuerPem);
  let signed = false;
  try {
    signed = await crl.verify({ publicKey: issuer.publicKey });
  } catch {
    signed = false;
  }
  if (!signed) throw new AppError("INTEGRITY_ERROR", `The CRL is not signed by ${issuer.subject}: it was altered, or is another CA's. Nothing was installed.`);
  return {
    pem: pemOfCrl(crl.rawData),
    sha256: sha256(crl.rawData),
    issuer: crl.issuer,
    thisUpdate: crl.thisUpdate.toISOString(),
    nextUpdate: crl.nextUpdate ? crl.nextUpdate.toISOString() : null,
    number: crlNumber(crl),
    revoked: crl.entries.map((e) => e.serialNumber.toLowerCase()),
  };
}

/** The DER inside a PEM block (certificate, CSR or CRL). */
export function derOf(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
}

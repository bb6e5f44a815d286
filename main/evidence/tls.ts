import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, X509Certificate, type KeyObject } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import { ed25519Sign, ed25519Verify, fingerprintOf, sha256Hex } from "./crypto";

x509.cryptoProvider.set(webcrypto as never);

/**
 * TLS between a laptop and IT's collector. No public CA exists on a plant network, so both ends are
 * self-signed and pinned: the laptop pins the collector's certificate (its SHA-256, signed by IT's key
 * in it-public.json), the collector recognises a laptop by the Ed25519 device key its client
 * certificate carries (the key IT enrolled), so the key itself is the credential and nothing can be
 * copied off the wire. Validity dates do not carry trust here (a laptop's clock can be years off), so
 * the collector's certificate is valid from 2000 to 9999 and the pin decides.
 */

const FAR_PAST = new Date("2000-01-01T00:00:00Z");
const NO_EXPIRY = new Date("9999-12-31T23:59:59Z");
const PIN_CONTEXT = "fieldproof-collector-pin/v1\n";

export interface CollectorTls {
  readonly certificatePem: string;
  /** PKCS#8 DER of the P-256 key; kept protected by IT's passphrase on disk. */
  readonly keyDer: Buffer;
  /** SHA-256 of the certificate's DER, lower-case hex: what laptops pin. */
  readonly sha256: string;
}

/** A new P-256 key and self-signed certificate for the collector's HTTPS. */
export async function makeCollectorTls(hostnames: readonly string[]): Promise<CollectorTls> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]));
  const names = [...new Set(["localhost", ...hostnames])];
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString("hex").replace(/^[89a-f]/, "7"),
    name: "CN=Fieldproof IT collector, O=Fieldproof",
    notBefore: FAR_PAST,
    notAfter: NO_EXPIRY,
    keys,
    signingAlgorithm: alg,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...names.map((value) => ({ type: "dns" as const, value })), { type: "ip", value: "127.0.0.1" }]),
    ],
  });
  const keyDer = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const certificatePem = cert.toString("pem");
  return { certificatePem, keyDer, sha256: certificateSha256(certificatePem) };
}

/** SHA-256 of a PEM certificate's DER, lower-case hex. */
export function certificateSha256(pem: string): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (error) {
    throw new AppError("INVALID_REQUEST", "This is not a PEM certificate.", { cause: error });
  }
  return sha256Hex(cert.raw);
}

/** How a pin is shown to people: the hex in groups of four, like device fingerprints. */
export function formatPin(sha256: string): string {
  return `SHA256:${sha256.toUpperCase().match(/.{4}/g)!.slice(0, 8).join(" ")}`;
}

/** IT's signature over the collector's pin, so a trust file with the pin changed by hand is refused. */
export function signPin(itKey: KeyObject, sha256: string): string {
  return ed25519Sign(itKey, Buffer.from(PIN_CONTEXT + sha256)).toString("base64");
}

export function pinSignedBy(itPublicKey: KeyObject, sha256: string, signature: string): boolean {
  return ed25519Verify(itPublicKey, Buffer.from(PIN_CONTEXT + sha256), Buffer.from(signature, "base64"));
}

/** PEM of a PKCS#8 DER private key (what node:tls takes). */
export function privateKeyPem(der: Buffer): string {
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "pem", type: "pkcs8" }).toString();
}

export interface DeviceTls {
  readonly certificatePem: string;
  readonly keyPem: string;
}

/**
 * The laptop's client certificate: self-signed by its device key (the certificate is only a carrier
 * for the key; the TLS handshake proves the laptop holds it). Subject names the device for IT's list.
 */
export async function deviceClientCertificate(deviceKey: KeyObject, device: { id: string; name: string }, now: Date): Promise<DeviceTls> {
  const pkcs8 = deviceKey.export({ format: "der", type: "pkcs8" });
  const spki = createPublicKey(deviceKey).export({ format: "der", type: "spki" });
  const privateKey = await webcrypto.subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, false, ["sign"]);
  const publicKey = await webcrypto.subtle.importKey("spki", spki, { name: "Ed25519" }, true, ["verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(16).toString("hex").replace(/^[89a-f]/, "7"),
    name: [{ CN: [device.name.slice(0, 64) || "Fieldproof laptop"] }, { O: ["Fieldproof laptop"] }],
    notBefore: new Date(now.getTime() - 86_400_000),
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    keys: { privateKey, publicKey },
    signingAlgorithm: { name: "Ed25519" },
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: `urn:fieldproof:device:${device.id}` }]),
    ],
  });
  return { certificatePem: cert.toString("pem"), keyPem: deviceKey.export({ format: "pem", type: "pkcs8" }).toString() };
}

export interface PeerDevice {
  /** The device key's fingerprint (as `fieldproof info` shows it). */
  readonly fingerprint: string;
  readonly name: string;
  /** From the certificate's urn:fieldproof:device: name; a claim until a bundle signed by the key says so. */
  readonly deviceId: string | null;
}

/** What a client certificate says about the laptop, or null when it is not an Ed25519 device certificate. */
export function peerDevice(cert: X509Certificate | undefined): PeerDevice | null {
  if (!cert || cert.publicKey.asymmetricKeyType !== "ed25519") return null;
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1] ?? "";
  const id = /URI:urn:fieldproof:device:([A-Za-z0-9._-]{1,100})/.exec(cert.subjectAltName ?? "")?.[1] ?? null;
  return { fingerprint: fingerprintOf(cert.publicKey), name: cn.slice(0, 120), deviceId: id };
}

import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/** Ed25519 (RFC 8032) through Node's crypto; keys travel as PEM (SPKI / PKCS#8). */
export interface Ed25519KeyPair {
  readonly publicKeyPem: string;
  readonly privateKeyDer: Buffer;
}

export function generateEd25519(): Ed25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    privateKeyDer: privateKey.export({ type: "pkcs8", format: "der" }),
  };
}

export function privateKeyFromDer(der: Buffer): KeyObject {
  return createPrivateKey({ key: der, format: "der", type: "pkcs8" });
}

export function publicKeyFromPem(pem: string): KeyObject {
  const key = createPublicKey(pem);
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`expected an Ed25519 public key, got ${key.asymmetricKeyType ?? "unknown"}`);
  return key;
}

/** The Ed25519 public key in `pem`, or undefined when it is not one. */
export function tryPublicKeyFromPem(pem: string): KeyObject | undefined {
  try {
    return publicKeyFromPem(pem);
  } catch {
    return undefined;
  }
}

export function publicKeyFromRaw(raw: Buffer): KeyObject {
  if (raw.length !== 32) throw new Error("an Ed25519 public key is 32 bytes");
  // SPKI DER prefix for Ed25519 (RFC 8410) followed by the raw key.
  const der = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  return createPublicKey({ key: der, format: "der", type: "spki" });
}

/** The 32-byte raw public key (what C2SP key ids are computed over); a private key gives its public half. */
export function rawPublicKey(key: KeyObject): Buffer {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ type: "spki", format: "der" });
  return der.subarray(der.length - 32);
}

export function pemOf(key: KeyObject): string {
  return key.export({ type: "spki", format: "pem" }).toString();
}

export function ed25519Sign(key: KeyObject, data: Buffer): Buffer {
  return sign(null, data, key);
}

export function ed25519Verify(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  if (signature.length !== 64) return false;
  return verify(null, data, key, signature);
}

export function sha256(data: Buffer | string): Buffer {
  return createHash("sha256").update(data).digest();
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Key id used in DSSE signatures and shown to people: hex SHA-256 of the SPKI DER. */
export function keyIdOf(key: KeyObject): string {
  return sha256Hex(key.export({ type: "spki", format: "der" }));
}

/** Fingerprint for humans comparing keys by eye or over the phone: SHA256: and grouped hex. */
export function fingerprintOf(key: KeyObject): string {
  const hex = keyIdOf(key).toUpperCase();
  return `SHA256:${hex.match(/.{4}/g)!.slice(0, 8).join(" ")}`;
}

/**
 * A fingerprint as people type it (any case, with or without SHA256:, spaces or colons) in the form
 * fingerprintOf prints, or null when it is not 32 hex digits.
 */
export function canonicalFingerprint(input: string): string | null {
  const hex = input.trim().replace(/^SHA256:/i, "").replace(/[\s:]/g, "").toUpperCase();
  if (!/^[0-9A-F]{32}$/.test(hex)) return null;
  return `SHA256:${hex.match(/.{4}/g)!.join(" ")}`;
}

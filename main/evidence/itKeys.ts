import { generateIdentity, identityToRecipient } from "age-encryption";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { ed25519Verify, fingerprintOf, generateEd25519, publicKeyFromPem, publicKeyFromRaw, rawPublicKey } from "./crypto";
import { validKeyName } from "./note";
import { certificateSha256, pinSignedBy } from "./tls";

/**
 * What a laptop needs to know about IT: the key that cosigns receipts and the age recipient that
 * new secrets are sealed to. Public parts only; IT keeps the private halves.
 */
export const ItTrustFile = z.object({
  format: z.literal("fieldproof-it-trust/v1"),
  keyName: z.string().refine(validKeyName, "a key name has no spaces or plus signs"),
  /** Raw Ed25519 public key, base64. */
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
  fingerprint: z.string(),
  ageRecipient: z.string().regex(/^age1[02-9ac-hj-np-z]{58}$/, "an age X25519 recipient looks like age1..."),
  createdAt: z.string(),
  /**
   * IT's collector (written by `fieldproof collector init`): its TLS certificate, the SHA-256 of its
   * DER that laptops pin, and IT's signature over that pin (a pin edited by hand is refused).
   */
  collector: z
    .object({
      certificate: z.string().startsWith("-----BEGIN CERTIFICATE-----"),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
      /**
       * Where laptops reach it (`collector init --address`), so a technician types nothing. Not signed:
       * the pin decides who the laptop talks to; a wrong address only fails to connect.
       */
      address: z
        .string()
        .regex(/^https:\/\/[^\s/@?#]+$/i, "the collector's address is https://host:port, with no user name, password or path")
        .optional(),
    })
    .optional(),
  /**
   * IT's site CA root (written by `fieldproof it ca init`): the SHA-256 of its DER, which the laptop
   * pins, and IT's signature over that pin. A site CA file with another root is refused, whoever
   * signed it: the pin arrives only with the trust file a technician installs from IT.
   */
  siteCa: z
    .object({
      rootSha256: z.string().regex(/^[0-9a-f]{64}$/),
      rootSubject: z.string().max(1000),
      signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
    })
    .optional(),
});
export type ItTrustFile = z.infer<typeof ItTrustFile>;

export interface NewItKeys {
  readonly keyName: string;
  readonly publicKeyPem: string;
  readonly privateKeyDer: Buffer;
  readonly ageIdentity: string;
  readonly trust: ItTrustFile;
}

export async function generateItKeys(now: Date): Promise<NewItKeys> {
  const pair = generateEd25519();
  const publicKey = publicKeyFromPem(pair.publicKeyPem);
  const keyName = `fieldproof-it/${randomBytes(4).toString("hex")}`;
  const ageIdentity = await generateIdentity();
  const ageRecipient = await identityToRecipient(ageIdentity);
  return {
    keyName,
    publicKeyPem: pair.publicKeyPem,
    privateKeyDer: pair.privateKeyDer,
    ageIdentity,
    trust: {
      format: "fieldproof-it-trust/v1",
      keyName,
      publicKey: rawPublicKey(publicKey).toString("base64"),
      fingerprint: fingerprintOf(publicKey),
      ageRecipient,
      createdAt: now.toISOString(),
    },
  };
}

export function parseTrustFile(text: string): ItTrustFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_REQUEST", "This is not an IT trust file (it is not JSON). Use the it-public.json that `fieldproof it init` wrote.");
  }
  const parsed = ItTrustFile.safeParse(json);
  if (!parsed.success) {
    throw new AppError("INVALID_REQUEST", `This is not a valid IT trust file: ${describeIssues(parsed.error, 1)}.`);
  }
  const key = publicKeyFromRaw(Buffer.from(parsed.data.publicKey, "base64"));
  if (fingerprintOf(key) !== parsed.data.fingerprint) throw new AppError("INTEGRITY_ERROR", "The IT trust file's fingerprint does not match its key: the file was altered.");
  const collector = parsed.data.collector;
  if (collector && (certificateSha256(collector.certificate) !== collector.sha256 || !pinSignedBy(key, collector.sha256, collector.signature))) {
    throw new AppError("INTEGRITY_ERROR", "The IT trust file's collector certificate is not the one IT's key signed: the file was altered. Ask IT for it-public.json again.");
  }
  const siteCa = parsed.data.siteCa;
  if (siteCa && !ed25519Verify(key, siteCaRootPinBytes(siteCa.rootSha256), Buffer.from(siteCa.signature, "base64"))) {
    throw new AppError("INTEGRITY_ERROR", "The IT trust file's site CA root pin is not the one IT's key signed: the file was altered. Ask IT for it-public.json again.");
  }
  return parsed.data;
}

/** What IT's key signs to pin the site CA's root in it-public.json. */
export function siteCaRootPinBytes(rootSha256: string): Buffer {
  return Buffer.from(`fieldproof-site-ca-root-pin/v1\n${rootSha256}`);
}

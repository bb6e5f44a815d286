import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../shared/domain/errors";

/**
 * Protects private keys at rest. In the desktop app: Electron safeStorage (OS keychain / DPAPI /
 * libsecret). Elsewhere: a passphrase, stretched with scrypt, sealing with AES-256-GCM.
 */
export interface KeyProtector {
  readonly kind: "safeStorage" | "passphrase";
  protect(plain: Buffer): string;
  /** Throws AppError LOCKED when the blob cannot be opened (wrong passphrase, other OS account). */
  unprotect(blob: string): Buffer;
}

const SealedBlob = z.object({
  v: z.literal(1),
  kdf: z.literal("scrypt"),
  N: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.string(),
  iv: z.string(),
  tag: z.string(),
  ct: z.string(),
});

/** scrypt cost: N=2^15, r=8 (~32 MiB, ~0.1 s here) — slow for a guesser, quick for a person. */
const COST = { N: 1 << 15, r: 8, p: 1 };

export function passphraseProtector(passphrase: string, label = "passphrase", minLength = 8): KeyProtector {
  if (passphrase.length < minLength) {
    throw new AppError("INVALID_REQUEST", `The ${label} must be at least ${minLength} characters long.`);
  }
  const derive = (salt: Buffer, N: number, r: number, p: number): Buffer =>
    scryptSync(passphrase.normalize("NFC"), salt, 32, { N, r, p, maxmem: 128 * N * r * 2 });
  return {
    kind: "passphrase",
    protect(plain) {
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", derive(salt, COST.N, COST.r, COST.p), iv);
      const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
      return JSON.stringify({
        v: 1,
        kdf: "scrypt",
        ...COST,
        salt: salt.toString("base64"),
        iv: iv.toString("base64"),
        tag: cipher.getAuthTag().toString("base64"),
        ct: ct.toString("base64"),
      });
    },
    unprotect(blob) {
      const parsed = SealedBlob.safeParse(safeJson(blob));
      if (!parsed.success) throw new AppError("INTEGRITY_ERROR", "The stored key is not in a format this version understands; nothing was changed.");
      const b = parsed.data;
      try {
        const decipher = createDecipheriv("aes-256-gcm", derive(Buffer.from(b.salt, "base64"), b.N, b.r, b.p), Buffer.from(b.iv, "base64"));
        decipher.setAuthTag(Buffer.from(b.tag, "base64"));
        return Buffer.concat([decipher.update(Buffer.from(b.ct, "base64")), decipher.final()]);
      } catch {
        throw new AppError("LOCKED", `The ${label} is wrong: the key could not be opened. Nothing was changed; try again.`);
      }
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

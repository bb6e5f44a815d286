import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { z } from "zod";
import type { Seeded } from "./seed";
import type { PasswordPolicy } from "./types";

/** What the simulated controllers enforce on new passwords, and publish in Part 18 PasswordLength/PasswordOptions. */
export const PASSWORD_POLICY: PasswordPolicy = {
  minLength: 12,
  maxLength: 64,
  requireUpper: true,
  requireLower: true,
  requireDigit: true,
  requireSpecial: false,
};

/** Why a new password is refused, or null if it is acceptable. */
export function policyViolation(password: string, policy: PasswordPolicy = PASSWORD_POLICY): string | null {
  if (password.length < policy.minLength) return `shorter than ${policy.minLength} characters`;
  if (password.length > policy.maxLength) return `longer than ${policy.maxLength} characters`;
  if (policy.requireUpper && !/[A-Z]/.test(password)) return "no upper-case letter";
  if (policy.requireLower && !/[a-z]/.test(password)) return "no lower-case letter";
  if (policy.requireDigit && !/[0-9]/.test(password)) return "no digit";
  if (policy.requireSpecial && !/[^A-Za-z0-9]/.test(password)) return "no special character";
  return null;
}

export function describePolicy(policy: PasswordPolicy = PASSWORD_POLICY): string {
  const classes = [
    policy.requireUpper && "an upper-case letter",
    policy.requireLower && "a lower-case letter",
    policy.requireDigit && "a digit",
    policy.requireSpecial && "a special character",
  ].filter((item): item is string => typeof item === "string");
  const last = classes.pop();
  const list = classes.length > 0 ? `${classes.join(", ")} and ${last}` : last;
  return `${policy.minLength} to ${policy.maxLength} characters${list ? `, with at least ${list}` : ""}.`;
}

const UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ";
const LOWER = "abcdefghijkmnopqrstuvwxyz";
const DIGITS = "23456789";
const SPECIAL = "!#%+-=?@";

/** A random-looking password that satisfies every character class (for generated accounts). */
export function strongPassword(rng: Seeded, label: string, length: number): string {
  const mandatory = [UPPER, LOWER, DIGITS, SPECIAL].map((alphabet, i) => rng.chars(`${label}:class${i}`, 1, alphabet));
  const rest = rng.chars(`${label}:rest`, length - mandatory.length, UPPER + LOWER + DIGITS + SPECIAL);
  return rng.shuffle(`${label}:order`, [...mandatory, ...rest]).join("");
}

/**
 * Stored password: scrypt with a per-user salt. The cost is modest (N=2^14, ~30 ms here) because a
 * simulated plant hashes a few hundred passwords on first start; it is a controller, not a vault.
 */
export const PasswordHash = z.object({
  algorithm: z.literal("scrypt"),
  N: z.number().int().positive(),
  r: z.number().int().positive(),
  p: z.number().int().positive(),
  salt: z.string().min(1),
  hash: z.string().min(1),
});
export type PasswordHash = z.infer<typeof PasswordHash>;

const COST = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password.normalize("NFC"), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<PasswordHash> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, COST);
  return { algorithm: "scrypt", ...COST, salt: salt.toString("base64"), hash: key.toString("base64") };
}

export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, "base64");
  const key = await scrypt(password, Buffer.from(stored.salt, "base64"), { N: stored.N, r: stored.r, p: stored.p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

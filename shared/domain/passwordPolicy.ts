import { z } from "zod";

/** What a new password must satisfy on a controller; read from Part 18 where offered, else defaults. */
export const GeneratorPolicy = z.object({
  minLength: z.number().int().min(1).max(1024),
  maxLength: z.number().int().min(1).max(1024),
  /** Length to generate (clamped into [minLength, maxLength]). */
  length: z.number().int().min(1).max(1024),
  requireUpper: z.boolean(),
  requireLower: z.boolean(),
  requireDigit: z.boolean(),
  requireSpecial: z.boolean(),
  /** Symbols the generator may use; vendor tools often reject some. */
  symbols: z.string().max(64),
  /** Characters never to use (look-alikes, characters a vendor tool or HMI keyboard cannot type). */
  forbidden: z.string().max(256),
});
export type GeneratorPolicy = z.infer<typeof GeneratorPolicy>;

/** Sane defaults: 24 characters, all classes, no look-alikes, symbols that type on any HMI keyboard. */
export const DEFAULT_GENERATOR_POLICY: GeneratorPolicy = {
  minLength: 12,
  maxLength: 64,
  length: 24,
  requireUpper: true,
  requireLower: true,
  requireDigit: true,
  requireSpecial: true,
  symbols: "!#%+-=?@_",
  forbidden: "0O1lI|`'\"\\ ",
};

export const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const LOWER = "abcdefghijklmnopqrstuvwxyz";
export const DIGITS = "0123456789";

/** Part 18 PasswordOptionsMask bits that require character classes. */
const REQUIRES = { upper: 1 << 5, lower: 1 << 6, digit: 1 << 7, special: 1 << 8 } as const;

/** Combines what the controller publishes (Part 18) with the site defaults: the stricter wins. */
export function policyForController(published: { minLength: number; maxLength: number; options: number } | null, base: GeneratorPolicy = DEFAULT_GENERATOR_POLICY): GeneratorPolicy {
  if (!published) return base;
  const minLength = Math.max(base.minLength, published.minLength);
  const maxLength = published.maxLength > 0 ? Math.min(base.maxLength, published.maxLength) : base.maxLength;
  return {
    ...base,
    minLength,
    maxLength,
    length: Math.min(Math.max(base.length, minLength), maxLength),
    requireUpper: base.requireUpper || (published.options & REQUIRES.upper) !== 0,
    requireLower: base.requireLower || (published.options & REQUIRES.lower) !== 0,
    requireDigit: base.requireDigit || (published.options & REQUIRES.digit) !== 0,
    requireSpecial: base.requireSpecial || (published.options & REQUIRES.special) !== 0,
  };
}

/** The alphabets a policy allows, per class, after removing forbidden characters. */
export function alphabets(policy: GeneratorPolicy): { upper: string; lower: string; digit: string; special: string } {
  const keep = (chars: string): string => [...chars].filter((c) => !policy.forbidden.includes(c)).join("");
  return { upper: keep(UPPER), lower: keep(LOWER), digit: keep(DIGITS), special: keep(policy.symbols) };
}

/** Why no password can satisfy the policy, or null when one can. */
export function unsatisfiable(policy: GeneratorPolicy): string | null {
  if (policy.minLength > policy.maxLength) return `the minimum length (${policy.minLength}) is above the maximum (${policy.maxLength})`;
  if (policy.length < policy.minLength || policy.length > policy.maxLength) return `the length to generate (${policy.length}) is outside ${policy.minLength}..${policy.maxLength}`;
  const a = alphabets(policy);
  const required = [
    ["upper-case letters", policy.requireUpper, a.upper],
    ["lower-case letters", policy.requireLower, a.lower],
    ["digits", policy.requireDigit, a.digit],
    ["special characters", policy.requireSpecial, a.special],
  ] as const;
  for (const [name, needed, chars] of required) if (needed && chars.length === 0) return `${name} are required but every one of them is forbidden`;
  const classes = required.filter(([, needed]) => needed).length;
  if (policy.length < classes) return `${policy.length} characters cannot hold the ${classes} required character classes`;
  const pool = a.upper + a.lower + a.digit + a.special;
  if (pool.length < 10) return "fewer than 10 characters are allowed at all";
  if (policy.length * Math.log2(pool.length) < 64) return `a ${policy.length}-character password from ${pool.length} allowed characters is weaker than 64 bits`;
  return null;
}

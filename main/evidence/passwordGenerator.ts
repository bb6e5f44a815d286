import { randomInt } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import { alphabets, unsatisfiable, type GeneratorPolicy } from "../../shared/domain/passwordPolicy";

/** A new password from the OS CSPRNG: one character of each required class, the rest from all allowed, shuffled. */
export function generatePassword(policy: GeneratorPolicy): string {
  const reason = unsatisfiable(policy);
  if (reason) throw new AppError("PRECONDITION_FAILED", `No password can satisfy this controller's policy: ${reason}. Adjust the password policy in Settings; nothing was changed.`);
  const a = alphabets(policy);
  const pool = a.upper + a.lower + a.digit + a.special;
  const chars: string[] = [];
  if (policy.requireUpper) chars.push(pick(a.upper));
  if (policy.requireLower) chars.push(pick(a.lower));
  if (policy.requireDigit) chars.push(pick(a.digit));
  if (policy.requireSpecial) chars.push(pick(a.special));
  while (chars.length < policy.length) chars.push(pick(pool));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join("");
}

function pick(alphabet: string): string {
  return alphabet[randomInt(alphabet.length)]!;
}

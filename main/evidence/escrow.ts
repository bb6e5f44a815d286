import { Encrypter } from "age-encryption";
import { AppError } from "../../shared/domain/errors";

/**
 * Seals a secret to IT's age X25519 recipient (age-encryption.org/v1, binary). IT opens it with the
 * stock tool: `age -d -i it-identity.txt FILE`. The laptop cannot open it.
 */
export async function sealToIt(secret: string, recipient: string): Promise<Buffer> {
  if (!/^age1[02-9ac-hj-np-z]{58}$/.test(recipient)) throw new AppError("PRECONDITION_FAILED", "The trusted IT key has no valid age recipient; install IT's it-public.json again.");
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return Buffer.from(await encrypter.encrypt(secret));
}

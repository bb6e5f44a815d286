import { Decrypter } from "age-encryption";
import { readFileSync } from "node:fs";

/** What IT gets out of a sealed secret (as `age -d -i it-identity.txt` prints it). */
export interface SealedSecret {
  readonly rotationId: string;
  readonly controllerId: string;
  readonly userName: string;
  readonly password: string;
}

export async function openSealed(identityFile: string, data: Buffer): Promise<SealedSecret> {
  const identity = readFileSync(identityFile, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"))!;
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  return JSON.parse(await decrypter.decrypt(data, "text")) as SealedSecret;
}

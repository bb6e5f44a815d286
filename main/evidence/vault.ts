import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import type { VaultRepository } from "../db/vaultRepository";
import type { KeyProtector } from "./protector";

/**
 * The laptop's own secrets (the technician's controller logins, a new password while its rotation
 * is pending). Values are sealed with AES-256-GCM under a random vault key; the vault key is
 * protected like the device key (OS keychain or passphrase). Nothing here is ever in clear on disk.
 */
export class Vault {
  private key: Buffer | undefined;

  constructor(
    private readonly repo: VaultRepository,
    private readonly protector: () => KeyProtector,
    private readonly now: () => Date,
  ) {}

  put(ref: string, secret: string): void {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.vaultKey(), iv);
    cipher.setAAD(Buffer.from(ref, "utf8"));
    const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
    this.repo.put(ref, `v1.${iv.toString("base64")}.${cipher.getAuthTag().toString("base64")}.${ct.toString("base64")}`, this.now().toISOString());
  }

  get(ref: string): string | undefined {
    const sealed = this.repo.get(ref);
    if (sealed === undefined) return undefined;
    const [v, iv, tag, ct] = sealed.split(".");
    if (v !== "v1" || !iv || !tag || ct === undefined) throw new AppError("INTEGRITY_ERROR", `The vault entry ${ref} is damaged.`);
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.vaultKey(), Buffer.from(iv, "base64"));
      decipher.setAAD(Buffer.from(ref, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64"));
      return Buffer.concat([decipher.update(Buffer.from(ct, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new AppError("INTEGRITY_ERROR", `The vault entry ${ref} cannot be opened: it was altered or belongs to another store.`);
    }
  }

  delete(ref: string): void {
    this.repo.delete(ref);
  }

  refs(prefix: string): string[] {
    return this.repo.refs(prefix);
  }

  private vaultKey(): Buffer {
    if (this.key) return this.key;
    const protector = this.protector();
    const stored = this.repo.key();
    if (stored) {
      this.key = protector.unprotect(stored.protectedKey);
    } else {
      const key = randomBytes(32);
      this.repo.setKey(protector.protect(key), protector.kind);
      this.key = key;
    }
    return this.key;
  }
}

export function loginRef(controllerId: string, userName: string): string {
  return `login/${controllerId}/${userName}`;
}

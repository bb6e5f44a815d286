import { safeStorage } from "electron";
import type { KeyProtector } from "../evidence/protector";

export interface KeyProtection {
  readonly keyProtector?: KeyProtector;
  readonly lockedHint: string;
}

/**
 * The device key is sealed by the operating system's keychain (Keychain, DPAPI, libsecret/kwallet).
 * On Linux without a keyring Electron falls back to a fixed, public key ("basic_text"): that is no
 * protection, so it is refused unless FIELDPROOF_ALLOW_PLAINTEXT_KEYSTORE=1 says otherwise, and
 * the technician protects the key with a passphrase instead.
 */
export function chooseKeyProtection(env: NodeJS.ProcessEnv = process.env): KeyProtection {
  const passphraseHint = "The device key is locked: enter this laptop's Fieldproof passphrase to unlock it.";
  if (!safeStorage.isEncryptionAvailable()) return { lockedHint: passphraseHint };
  if (process.platform === "linux" && safeStorage.getSelectedStorageBackend() === "basic_text" && env.FIELDPROOF_ALLOW_PLAINTEXT_KEYSTORE !== "1") {
    return { lockedHint: `${passphraseHint} (No OS keyring was found, so a passphrase protects the key.)` };
  }
  return {
    lockedHint: passphraseHint,
    keyProtector: {
      kind: "safeStorage",
      protect: (plain) => safeStorage.encryptString(plain.toString("base64")).toString("base64"),
      unprotect: (blob) => Buffer.from(safeStorage.decryptString(Buffer.from(blob, "base64")), "base64"),
    },
  };
}

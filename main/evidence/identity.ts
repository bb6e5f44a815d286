import { randomBytes, type KeyObject } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import type { JournalRepository } from "../db/journalRepository";
import { fingerprintOf, generateEd25519, keyIdOf, privateKeyFromDer, publicKeyFromPem } from "./crypto";
import type { Signer } from "./dsse";
import { Journal, type ActiveSigners } from "./journal";
import { passphraseProtector, type KeyProtector } from "./protector";

export interface IdentityOptions {
  readonly repo: JournalRepository;
  readonly now: () => Date;
  readonly defaultDeviceName: string;
  readonly appVersion: string;
  /** How the device key is protected; undefined = locked until `unlock(passphrase)`. */
  readonly protector?: KeyProtector | undefined;
  /** Why there is no protector yet, shown in the LOCKED error (e.g. how to provide a passphrase). */
  readonly lockedHint?: string;
}

export interface DeviceStatus {
  readonly state: "new" | "locked" | "unlocked";
  readonly deviceId: string | null;
  readonly name: string;
  readonly fingerprint: string | null;
  readonly protector: "safeStorage" | "passphrase" | null;
}

export interface TechnicianStatus {
  readonly name: string;
  readonly hasKey: boolean;
  readonly signedIn: boolean;
}

/** The laptop's signing identity: the device key (made on first use) and the technician's optional key. */
export class Identity {
  readonly journal: Journal;
  private protector: KeyProtector | undefined;
  private deviceKey: { readonly id: string; readonly signer: Signer } | undefined;
  private technicianKey: KeyObject | undefined;

  constructor(private readonly options: IdentityOptions) {
    this.protector = options.protector;
    this.journal = new Journal(options.repo, () => this.activeSigners(), options.now);
  }

  status(): DeviceStatus {
    const row = this.options.repo.device();
    if (!row) return { state: "new", deviceId: null, name: this.options.defaultDeviceName, fingerprint: null, protector: this.protector?.kind ?? null };
    return {
      state: this.deviceKey ? "unlocked" : "locked",
      deviceId: row.deviceId,
      name: row.name,
      fingerprint: fingerprintOf(publicKeyFromPem(row.publicKey)),
      protector: row.protector,
    };
  }

  /** Supplies the passphrase (CLI prompt, unlock dialog). A wrong one leaves everything as it was. */
  unlock(passphrase: string): DeviceStatus {
    const row = this.options.repo.device();
    // For an existing key a short passphrase is simply the wrong one.
    if (row && passphrase.length < 8) throw new AppError("LOCKED", "The passphrase is wrong: the key could not be opened. Nothing was changed; try again.");
    const candidate = passphraseProtector(passphrase);
    if (row) {
      if (row.protector !== "passphrase") throw new AppError("PRECONDITION_FAILED", "This device key is protected by the operating system's keychain, not a passphrase.");
      this.openDevice(candidate);
    }
    this.protector = candidate;
    return this.status();
  }

  /** Opens (or, on first use, creates and enrols) the device key. */
  ensureDevice(): { readonly id: string; readonly signer: Signer } {
    if (this.deviceKey) return this.deviceKey;
    const protector = this.requireProtector();
    if (this.options.repo.device()) return this.openDevice(protector);
    return this.createDevice(protector);
  }

  /** The protector of the (opened) device key, for sealing other local secrets the same way. */
  keyProtector(): KeyProtector {
    this.ensureDevice();
    return this.requireProtector();
  }

  deviceId(): string {
    return this.ensureDevice().id;
  }

  devicePublicKeyPem(): string {
    this.ensureDevice();
    return this.options.repo.device()!.publicKey;
  }

  /** Renames the laptop; the new name is recorded and appears in every later record. */
  rename(name: string): void {
    const trimmed = name.trim();
    if (!trimmed) throw new AppError("INVALID_REQUEST", "The device name must not be empty.");
    const device = this.ensureDevice();
    if (this.options.repo.device()!.name === trimmed) return;
    this.journal.transaction(() => {
      this.options.repo.renameDevice(trimmed);
      this.journal.appendInTransaction("device.renamed", [{ name: `fieldproof:device/${device.id}` }], { name: trimmed });
    });
  }

  /** Sets the technician profile; with a PIN, a personal key is made and co-signs records once signed in. */
  setTechnician(name: string, pin: string | null): TechnicianStatus {
    const trimmed = name.trim();
    if (!trimmed) throw new AppError("INVALID_REQUEST", "The technician's name must not be empty.");
    let row: { name: string; publicKey: string; keyId: string; protectedKey: string } | null = null;
    let key: KeyObject | undefined;
    if (pin !== null) {
      const pair = generateEd25519();
      const publicKey = publicKeyFromPem(pair.publicKeyPem);
      row = { name: trimmed, publicKey: pair.publicKeyPem, keyId: keyIdOf(publicKey), protectedKey: passphraseProtector(pin, "PIN", 6).protect(pair.privateKeyDer) };
      key = privateKeyFromDer(pair.privateKeyDer);
    }
    this.journal.transaction(() => {
      this.options.repo.setTechnicianKey(row);
      this.technicianKey = key;
      this.journal.appendInTransaction("technician.set", [{ name: `fieldproof:technician/${trimmed}` }], { name: trimmed, publicKeyPem: row?.publicKey ?? null });
    });
    return this.technician()!;
  }

  /** Opens the technician's key with their PIN for this session. */
  signInTechnician(pin: string): TechnicianStatus {
    const row = this.options.repo.technicianKey();
    if (!row) throw new AppError("PRECONDITION_FAILED", "No technician key is set on this laptop. Set a technician with a PIN in Settings first.");
    this.technicianKey = privateKeyFromDer(passphraseProtector(pin, "PIN", 6).unprotect(row.protectedKey));
    return this.technician()!;
  }

  signOutTechnician(): void {
    this.technicianKey = undefined;
  }

  technician(): TechnicianStatus | null {
    const row = this.options.repo.technicianKey();
    const projected = this.currentTechnicianName();
    if (!projected) return null;
    return { name: projected, hasKey: row !== undefined, signedIn: this.technicianKey !== undefined };
  }

  private currentTechnicianName(): string | null {
    const row = this.options.repo.technicianKey();
    if (row) return row.name;
    return this.options.repo.technicianName(this.options.repo.device()?.deviceId ?? "") ?? null;
  }

  private activeSigners(): ActiveSigners {
    const device = this.ensureDevice();
    const name = this.options.repo.device()?.name ?? this.options.defaultDeviceName;
    const techRow = this.options.repo.technicianKey();
    const techName = this.currentTechnicianName();
    let technician: ActiveSigners["technician"] = null;
    if (techName) {
      const signer = this.technicianKey && techRow ? { keyid: techRow.keyId, key: this.technicianKey } : null;
      technician = { name: techName, auth: signer ? "pin" : "none", signer };
    }
    return { deviceId: device.id, deviceName: name, device: device.signer, technician };
  }

  private requireProtector(): KeyProtector {
    if (this.protector) return this.protector;
    throw new AppError("LOCKED", this.options.lockedHint ?? "The device key is locked. Unlock Fieldproof with its passphrase.");
  }

  private openDevice(protector: KeyProtector): { readonly id: string; readonly signer: Signer } {
    const row = this.options.repo.device()!;
    if (row.protector !== protector.kind) {
      throw new AppError(
        "LOCKED",
        row.protector === "safeStorage"
          ? "This store's device key is protected by the desktop app's OS keychain. Open it with the Fieldproof desktop app, or use a separate --data-dir for the command line."
          : "This store's device key is protected by a passphrase. Provide it (FIELDPROOF_PASSPHRASE or the unlock prompt).",
      );
    }
    const key = privateKeyFromDer(protector.unprotect(row.protectedKey));
    this.deviceKey = { id: row.deviceId, signer: { keyid: row.keyId, key } };
    return this.deviceKey;
  }

  private createDevice(protector: KeyProtector): { readonly id: string; readonly signer: Signer } {
    const pair = generateEd25519();
    const publicKey = publicKeyFromPem(pair.publicKeyPem);
    const id = randomBytes(8).toString("hex");
    const keyid = keyIdOf(publicKey);
    const created = { id, signer: { keyid, key: privateKeyFromDer(pair.privateKeyDer) } };
    this.journal.transaction(() => {
      this.options.repo.insertDevice({
        deviceId: id,
        name: this.options.defaultDeviceName,
        publicKey: pair.publicKeyPem,
        keyId: keyid,
        protectedKey: protector.protect(pair.privateKeyDer),
        protector: protector.kind,
        createdAt: this.options.now().toISOString(),
      });
      this.deviceKey = created;
      try {
        this.journal.appendInTransaction("device.enrolled", [{ name: `fieldproof:device/${id}`, sha256: keyid }], {
          deviceId: id,
          name: this.options.defaultDeviceName,
          publicKeyPem: pair.publicKeyPem,
          appVersion: this.options.appVersion,
        });
      } catch (error) {
        this.deviceKey = undefined;
        throw error;
      }
    });
    return created;
  }
}

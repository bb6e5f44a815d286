import { randomBytes } from "node:crypto";
import { DualControlMode, Theme, type Settings } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import type { SettingsRepository } from "../db";
import type { Signer } from "../evidence/dsse";
import type { Identity } from "../evidence/identity";

export interface SettingsPatch {
  readonly theme?: Theme | undefined;
  readonly deviceName?: string | undefined;
}

/** A second person who confirms weakening dual control, as they would approve a rotation. */
export interface DualControlApprover {
  readonly personId: string;
  readonly name: string;
  readonly signer: Signer;
}

export interface SettingsServiceDeps {
  readonly repo: SettingsRepository;
  readonly identity: Identity;
  /** The host name the device name defaults to (the first-run suggestion starts from it). */
  readonly hostName: string;
  /**
   * Checks that this person may approve rotations on every line of the plant, is not the technician
   * and that the PIN opens their key; throws an AppError saying why not.
   */
  readonly approver: (personId: string, pin: string) => DualControlApprover;
  readonly now: () => Date;
}

const DUAL_CONTROL_KEY = "dualControl";
const SHARED_SCOPE_KEY = "sharedScope";
type SharedScope = "per-controller" | "per-line";
const COLLECTOR_KEY = "collectorUrl";
const SYNC_AUTOMATICALLY_KEY = "syncAutomatically";
const NAME_CHOSEN_KEY = "deviceNameChosen";
const SUGGESTION_KEY = "suggestedDeviceSuffix";
/** Strongest first: moving down the list weakens dual control. */
const STRENGTH: readonly DualControlMode[] = DualControlMode.options;

const MODE_TEXT: Record<DualControlMode, string> = {
  always: "every rotation needs an approval",
  "shared-and-break-glass": "shared and break-glass accounts need an approval",
  off: "no rotation needs an approval",
};

export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  async get(): Promise<Settings> {
    const theme = Theme.safeParse(this.deps.repo.get("theme"));
    const status = this.deps.identity.status();
    return {
      theme: theme.success ? theme.data : "light",
      deviceName: status.name,
      deviceNameChosen: this.deviceNameChosen(),
      suggestedDeviceName: this.suggestedDeviceName(),
      dualControl: this.dualControl(),
      sharedScope: this.sharedScope(),
      collectorUrl: this.collectorUrl(),
      syncAutomatically: this.syncAutomatically(),
    };
  }

  /** When rotations need a second person's approval. */
  dualControl(): DualControlMode {
    const value = DualControlMode.safeParse(this.deps.repo.get(DUAL_CONTROL_KEY));
    return value.success ? value.data : "shared-and-break-glass";
  }

  /**
   * Changes dual control. Making it stricter needs nobody; weakening it (a security decision taken on
   * the laptop) needs an approver with authority and their PIN, who co-signs the record. Either way
   * the change is a signed journal record, so IT's auditor sees who changed it and when.
   */
  /**
   * Store-level write for test fixtures only (a store set up without an approver): no guard, no
   * record. Not a use case: the IPC channel (renderer, CLI) goes through changeDualControl.
   */
  setDualControl(mode: DualControlMode): void {
    this.deps.repo.set(DUAL_CONTROL_KEY, mode);
  }

  changeDualControl(mode: DualControlMode, approval: { personId: string; pin: string } | null = null): DualControlMode {
    const previous = this.dualControl();
    if (mode === previous) return previous;
    const weakens = STRENGTH.indexOf(mode) > STRENGTH.indexOf(previous);
    let approver: DualControlApprover | null = null;
    if (weakens) {
      if (!approval) {
        throw new AppError(
          "FORBIDDEN",
          `Changing dual control to "${MODE_TEXT[mode]}" weakens it (now: ${MODE_TEXT[previous]}). It needs a second person who may approve rotations on every line to confirm with their PIN. Nothing was changed.`,
        );
      }
      approver = this.deps.approver(approval.personId, approval.pin);
    }
    const device = this.deps.identity.deviceId();
    this.deps.identity.journal.transaction(() => {
      this.deps.repo.set(DUAL_CONTROL_KEY, mode);
      this.deps.identity.journal.appendInTransaction(
        "settings.dualControl",
        [{ name: `fieldproof:device/${device}` }],
        {
          mode,
          previous,
          approval: approver ? { personId: approver.personId, name: approver.name, keyid: approver.signer.keyid, authority: "approve", approvedAt: this.deps.now().toISOString() } : null,
        },
        approver ? [approver.signer] : [],
      );
    });
    return mode;
  }

  /** Whether someone chose the device name, rather than it being the host name it started as. */
  deviceNameChosen(): boolean {
    return this.deps.repo.get(NAME_CHOSEN_KEY) === "1";
  }

  /**
   * The host name and the start of the device id (before the key exists: four random hex digits,
   * kept so the suggestion does not change between starts): three laptops called "vm" still differ.
   */
  suggestedDeviceName(): string {
    const host = (this.deps.hostName.trim() || "laptop").replace(/\s+/g, "-").slice(0, 40);
    const id = this.deps.identity.status().deviceId;
    if (id) return `${host}-${id.slice(0, 4)}`;
    let suffix = this.deps.repo.get(SUGGESTION_KEY);
    if (!suffix) {
      suffix = randomBytes(2).toString("hex");
      this.deps.repo.set(SUGGESTION_KEY, suffix);
    }
    return `${host}-${suffix}`;
  }

  /** The name stays as it is, and the first-run question is not asked again (also the e2e harness's default). */
  keepDeviceName(): void {
    this.deps.repo.set(NAME_CHOSEN_KEY, "1");
  }

  /** Names the laptop (a signed record when it changes) and remembers that the name was chosen. */
  chooseDeviceName(name: string): void {
    this.deps.identity.rename(name);
    this.deps.repo.set(NAME_CHOSEN_KEY, "1");
  }

  /**
   * The site's setting for accounts a crew holds: a new password per controller (the default: one
   * leaked password opens one controller) or one per line (what a shift can learn and hand on).
   */
  sharedScope(): SharedScope {
    return this.deps.repo.get(SHARED_SCOPE_KEY) === "per-line" ? "per-line" : "per-controller";
  }

  /** Changes it; a signed record says who chose which and when. */
  changeSharedScope(scope: SharedScope): SharedScope {
    const previous = this.sharedScope();
    if (scope === previous) return previous;
    const device = this.deps.identity.deviceId();
    this.deps.identity.journal.transaction(() => {
      this.deps.repo.set(SHARED_SCOPE_KEY, scope);
      this.deps.identity.journal.appendInTransaction("settings.sharedScope", [{ name: `fieldproof:device/${device}` }], { scope, previous });
    });
    return scope;
  }

  /** IT's collector the app syncs to (an origin, validated by SyncService.setCollector); null: none. */
  collectorUrl(): string | null {
    return this.deps.repo.get(COLLECTOR_KEY) || null;
  }

  /**
   * Not a signed record: the address only says where the app tries to deliver evidence. What IT
   * received is proven by IT's receipt (itself a record); a wrong address changes no evidence and
   * the upload is signed and its secrets sealed.
   */
  setCollectorUrl(url: string | null): void {
    this.deps.repo.set(COLLECTOR_KEY, url ?? "");
  }

  /** Whether the app syncs by itself (default on); like the address, a preference, not a record. */
  syncAutomatically(): boolean {
    return this.deps.repo.get(SYNC_AUTOMATICALLY_KEY) !== "off";
  }

  setSyncAutomatically(enabled: boolean): void {
    this.deps.repo.set(SYNC_AUTOMATICALLY_KEY, enabled ? "on" : "off");
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.theme) this.deps.repo.set("theme", patch.theme);
    // The device name is part of the evidence: renaming is a signed record. Saving it, even
    // unchanged, is the technician's choice of name (the first-run dialog's "Keep").
    if (patch.deviceName) this.chooseDeviceName(patch.deviceName);
    return this.get();
  }
}

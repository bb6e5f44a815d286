import { Theme, type Settings } from "../../shared/contract";
import type { SettingsRepository } from "../db";
import type { Identity } from "../evidence/identity";

export interface SettingsPatch {
  readonly theme?: Theme | undefined;
  readonly deviceName?: string | undefined;
}

export interface SettingsServiceDeps {
  readonly repo: SettingsRepository;
  readonly identity: Identity;
}

export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  async get(): Promise<Settings> {
    const theme = Theme.safeParse(this.deps.repo.get("theme"));
    return { theme: theme.success ? theme.data : "light", deviceName: this.deps.identity.status().name };
  }

  /** When rotations need a second person's approval. */
  dualControl(): "always" | "shared-and-break-glass" | "off" {
    const value = this.deps.repo.get("dualControl");
    return value === "always" || value === "off" ? value : "shared-and-break-glass";
  }

  setDualControl(mode: "always" | "shared-and-break-glass" | "off"): void {
    this.deps.repo.set("dualControl", mode);
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.theme) this.deps.repo.set("theme", patch.theme);
    // The device name is part of the evidence: renaming is a signed record.
    if (patch.deviceName) this.deps.identity.rename(patch.deviceName);
    return this.get();
  }
}

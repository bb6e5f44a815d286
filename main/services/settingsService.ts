import { Theme, type Settings } from "../../shared/contract";
import type { SettingsRepository } from "../db";
import type { Identity } from "../evidence/identity";

export interface SettingsPatch {
  readonly theme?: Theme | undefined;
  readonly deviceName?: string | undefined;
}

export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly identity: Identity,
  ) {}

  async get(): Promise<Settings> {
    const theme = Theme.safeParse(this.repo.get("theme"));
    return { theme: theme.success ? theme.data : "light", deviceName: this.identity.status().name };
  }

  /** When rotations need a second person's approval. */
  dualControl(): "always" | "shared-and-break-glass" | "off" {
    const value = this.repo.get("dualControl");
    return value === "always" || value === "off" ? value : "shared-and-break-glass";
  }

  setDualControl(mode: "always" | "shared-and-break-glass" | "off"): void {
    this.repo.set("dualControl", mode);
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.theme) this.repo.set("theme", patch.theme);
    // The device name is part of the evidence: renaming is a signed record.
    if (patch.deviceName) this.identity.rename(patch.deviceName);
    return this.get();
  }
}

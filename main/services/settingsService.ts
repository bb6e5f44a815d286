import { Theme, type Settings } from "../../shared/contract";
import type { SettingsRepository } from "../db";

export interface SettingsPatch {
  readonly theme?: Theme | undefined;
  readonly deviceName?: string | undefined;
}

export class SettingsService {
  constructor(
    private readonly repo: SettingsRepository,
    private readonly defaultDeviceName: string,
  ) {}

  async get(): Promise<Settings> {
    const theme = Theme.safeParse(this.repo.get("theme"));
    return {
      theme: theme.success ? theme.data : "light",
      deviceName: this.repo.get("deviceName") ?? this.defaultDeviceName,
    };
  }

  async update(patch: SettingsPatch): Promise<Settings> {
    if (patch.theme) this.repo.set("theme", patch.theme);
    if (patch.deviceName) this.repo.set("deviceName", patch.deviceName);
    return this.get();
  }
}

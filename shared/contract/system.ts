import { z } from "zod";
import { channel } from "./channel";

export const Theme = z.enum(["light", "dark"]);
export type Theme = z.infer<typeof Theme>;

export const ItSyncState = z.object({
  /** never: no receipt from IT yet; synced: IT holds everything; behind: records IT has not receipted. */
  state: z.enum(["never", "synced", "behind"]),
  lastReceiptAt: z.string().nullable(),
  recordsSinceReceipt: z.number().int().nonnegative(),
});
export type ItSyncState = z.infer<typeof ItSyncState>;

export const SystemInfo = z.object({
  appVersion: z.string(),
  storePath: z.string(),
  dataDir: z.string(),
  deviceName: z.string(),
  runtime: z.enum(["electron", "preview", "test", "cli"]),
  itSync: ItSyncState,
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const Settings = z.object({
  theme: Theme,
  deviceName: z.string(),
});
export type Settings = z.infer<typeof Settings>;

export const SettingsPatch = z.strictObject({
  theme: Theme.optional(),
  deviceName: z
    .string()
    .trim()
    .min(1, "device name must not be empty")
    .max(64, "device name must be at most 64 characters")
    .optional(),
});

const Empty = z.strictObject({});

export const systemChannels = {
  "system.info": channel(Empty, SystemInfo, "App version, store location, device name and IT sync state"),
  "settings.get": channel(Empty, Settings, "Read the technician-facing settings"),
  "settings.update": channel(SettingsPatch, Settings, "Change settings; returns the new settings"),
};

import { z } from "zod";
import { channel } from "./channel";
import { absolutePath } from "./paths";

export const Theme = z.enum(["light", "dark"]);
export type Theme = z.infer<typeof Theme>;

export const ItSyncState = z.object({
  /** never: no receipt from IT yet; synced: IT holds everything; behind: records IT has not receipted. */
  state: z.enum(["never", "synced", "behind"]),
  lastReceiptAt: z.string().nullable(),
  recordsSinceReceipt: z.number().int().nonnegative(),
});
export type ItSyncState = z.infer<typeof ItSyncState>;

/**
 * The automatic sync to IT's collector: off (no address set), paused (an address, but the technician
 * switched the automatic sync off: nothing is contacted until "Sync now"), idle (set, not probed yet), syncing,
 * in-sync (the last probe found nothing waiting, or the last sync was receipted), unreachable (since
 * when, with the records waiting) or refused (the collector, or the laptop, said no: reason and message).
 */
export const SyncStatus = z.object({
  state: z.enum(["off", "paused", "idle", "syncing", "in-sync", "unreachable", "refused"]),
  collectorUrl: z.string().nullable(),
  /** Records IT has not receipted yet (IT's receipt record itself not counted). */
  recordsWaiting: z.number().int().nonnegative(),
  /** unreachable: since when; refused: when. */
  since: z.string().nullable(),
  /** When this laptop last found itself in sync with the collector. */
  lastSyncAt: z.string().nullable(),
  /** refused: the collector's reason (unknown-device, fork, ...) or the laptop's (device-locked); unreachable: "busy" when the collector asked it to wait. */
  reason: z.string().nullable(),
  /** unreachable or refused: what happened and what to do. */
  message: z.string().nullable(),
  nextProbeAt: z.string().nullable(),
  /** syncing: records IT holds so far of this sync's total (chunk by chunk); null otherwise. */
  progress: z.object({ done: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).nullable(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** A collector address: http(s), host and optional port, no user or password (checked again in main). */
export const CollectorUrl = z
  .string()
  .trim()
  .max(300)
  .regex(/^https?:\/\/[^\s/@?#]+\/?$/i, "expected the collector's address such as https://it-ws-01:8443: https://, host and port, no user name, password or path");

export const SystemInfo = z.object({
  appVersion: z.string(),
  storePath: z.string(),
  dataDir: z.string(),
  deviceName: z.string(),
  /** SHA256: and the first 128 bits of the device key's SPKI hash, grouped; null before the key exists. */
  deviceFingerprint: z.string().nullable(),
  runtime: z.enum(["electron", "preview", "test", "cli"]),
  /** Whether "Browse…" can open the operating system's file dialogs (desktop app only). */
  nativeDialogs: z.boolean(),
  itSync: ItSyncState,
});
export type SystemInfo = z.infer<typeof SystemInfo>;

/**
 * When a rotation needs a second person's approval: always, only for shared and break-glass
 * accounts (the default), or never. Strongest first.
 */
export const DualControlMode = z.enum(["always", "shared-and-break-glass", "off"]);
export type DualControlMode = z.infer<typeof DualControlMode>;

export const Settings = z.object({
  theme: Theme,
  deviceName: z.string(),
  /** Whether someone chose the device name (first-run dialog, Settings, the CLI's first-run prompt); false: still the host name. */
  deviceNameChosen: z.boolean(),
  /** What the first-run dialog offers: the host name plus a short part of the device id, unique per laptop. */
  suggestedDeviceName: z.string(),
  dualControl: DualControlMode,
  /** Accounts a crew holds: a new password per controller (default) or one per line. */
  sharedScope: z.enum(["per-controller", "per-line"]),
  /** IT's collector the app syncs to when it can reach it; null: no automatic sync. */
  collectorUrl: z.string().nullable(),
  /** Whether the app syncs to that collector by itself (default on); off: only "Sync now" contacts it. */
  syncAutomatically: z.boolean(),
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

export const ClientCertificateView = z.object({
  subject: z.string(),
  thumbprintSha256: z.string(),
  notAfter: z.string(),
  /** Where Fieldproof keeps it (PEM). */
  file: z.string(),
});
export type ClientCertificateView = z.infer<typeof ClientCertificateView>;

const FileFilter = z.object({ name: z.string().max(80), extensions: z.array(z.string().regex(/^[a-z0-9*]{1,10}$/)).max(10) });

export const systemChannels = {
  "dialog.saveFile": channel(
    z.strictObject({ title: z.string().max(120), defaultName: z.string().max(255).optional(), filters: z.array(FileFilter).max(5).default([]) }),
    z.object({ path: z.string().nullable() }),
    "Ask where to save a file (native dialog; null when cancelled)",
  ),
  "dialog.openFile": channel(
    z.strictObject({ title: z.string().max(120), filters: z.array(FileFilter).max(5).default([]) }),
    z.object({ path: z.string().nullable() }),
    "Ask which file to open (native dialog; null when cancelled)",
  ),
  "system.info": channel(Empty, SystemInfo, "App version, store location, device name and IT sync state"),
  "system.clientCertificate": channel(Empty, ClientCertificateView, "The laptop's OPC UA certificate, which a controller with strict trust must list"),
  "system.exportClientCertificate": channel(
    z.strictObject({ path: absolutePath("/media/usb/fieldproof-laptop.der") }),
    z.object({ path: z.string(), bytes: z.number().int(), thumbprintSha256: z.string() }),
    "Write a copy of the laptop's OPC UA certificate (DER, what controllers' tools import) to carry to a controller",
  ),
  "settings.get": channel(Empty, Settings, "Read the technician-facing settings"),
  "settings.update": channel(SettingsPatch, Settings, "Change settings; returns the new settings"),
  "settings.setDualControl": channel(
    z.strictObject({
      mode: DualControlMode,
      /** Needed to weaken it: someone with approve authority on every line, not the technician, with their PIN. */
      approval: z.strictObject({ personId: z.string().min(1).max(64), pin: z.string().min(1).max(128) }).nullable().default(null),
    }),
    Settings,
    "Change when rotations need a second person's approval (weakening it needs an approver's PIN); a signed record either way",
  ),
  "settings.setSharedScope": channel(
    z.strictObject({ scope: z.enum(["per-controller", "per-line"]) }),
    Settings,
    "For accounts a crew holds: a new password per controller, or one per line (a signed record)",
  ),
  "settings.setCollector": channel(
    z.strictObject({ url: CollectorUrl.nullable() }),
    Settings,
    "Set (or clear, null) IT's collector address the app syncs to automatically; probes it at once",
  ),
  "settings.setSyncAutomatically": channel(
    z.strictObject({ enabled: z.boolean() }),
    Settings,
    "Switch the automatic sync to IT's collector on (probes at once) or off (nothing is contacted until Sync now)",
  ),
  "sync.status": channel(Empty, SyncStatus, "The automatic sync to IT's collector: state, records waiting, last sync"),
  "sync.now": channel(Empty, SyncStatus, "Probe IT's collector now and sync what is waiting; returns the new state"),
};

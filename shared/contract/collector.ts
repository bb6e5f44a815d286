import { z } from "zod";

/**
 * The wire between a laptop and IT's collector (POST /v1/bundles), written once: the collector
 * builds its answers to these shapes, the laptop parses what comes back with them (a proxy or an
 * impostor answering something else is refused, not half-understood).
 */
export const UploadAnswer = z.object({
  status: z.enum(["imported", "already-imported"]),
  deviceId: z.string(),
  deviceName: z.string(),
  deviceFingerprint: z.string(),
  enrolled: z.boolean(),
  newRecords: z.number().int().nonnegative(),
  range: z.object({ first: z.number().int(), last: z.number().int() }),
  treeSize: z.number().int().nonnegative(),
  sealedSecrets: z.number().int().nonnegative(),
  /** IT's receipt: the checkpoint with IT's cosignature, exactly what `fieldproof import` writes to the .receipt file. */
  receipt: z.string().min(1),
});
export type UploadAnswer = z.infer<typeof UploadAnswer>;

/** A refusal: `reason` is machine-readable (unknown-device, fork, tampered, ...), `message` says what to do. */
export const RefusalAnswer = z.object({
  refused: z.literal(true),
  reason: z.string().max(100),
  message: z.string().max(4000),
});
export type RefusalAnswer = z.infer<typeof RefusalAnswer>;

/** What IT decided about a device key that reached the collector. */
export const DeviceAccess = z.enum(["pending", "approved", "revoked"]);
export type DeviceAccess = z.infer<typeof DeviceAccess>;

/** A device as `fieldproof collector devices list` (and later the console) shows it. */
export const CollectorDevice = z.object({
  fingerprint: z.string(),
  deviceId: z.string().nullable(),
  name: z.string(),
  status: DeviceAccess,
  /** IT holds records of it (enrolled by a first approved upload or a USB import). */
  enrolled: z.boolean(),
  firstSeenAt: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
  recordsHeld: z.number().int().nonnegative(),
  lastImportAt: z.string().nullable(),
  /** Uploads received after revocation, kept apart (never merged into the evidence). */
  quarantined: z.number().int().nonnegative(),
  /** Uploads refused as a fork (a different record at a seq IT holds), each kept as evidence beside IT's record. */
  forks: z.number().int().nonnegative(),
  /** Uploads of this key the collector refused, by reason (gap, tampered, fork, busy, ...). */
  refusals: z.record(z.string(), z.number().int().nonnegative()),
  /** The latest of those refusals: why this laptop's last upload did not land, if it did not. */
  lastRefusal: z.object({ reason: z.string(), at: z.string(), message: z.string() }).nullable(),
});
export type CollectorDevice = z.infer<typeof CollectorDevice>;

/** GET /v1/state: what the collector holds for the laptop asking (identified by its client certificate). */
export const CollectorDeviceState = z.object({
  access: DeviceAccess,
  fingerprint: z.string(),
  deviceId: z.string().nullable(),
  /** Records IT holds for this device (0..treeSize-1) and the root it holds them under. */
  treeSize: z.number().int().nonnegative(),
  rootHash: z.string().nullable(),
});
export type CollectorDeviceState = z.infer<typeof CollectorDeviceState>;

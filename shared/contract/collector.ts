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

import { z } from "zod";

/**
 * What each kind of record carries. The journal refuses to sign data that does not match, and the
 * projection (laptop and IT alike) parses it with the same schema. Never a password or a hash of one.
 */
export const RecordData = {
  "device.enrolled": z.object({
    deviceId: z.string(),
    name: z.string(),
    publicKeyPem: z.string(),
    appVersion: z.string(),
  }),
  "device.renamed": z.object({ name: z.string().min(1).max(64) }),
  "technician.set": z.object({
    name: z.string().min(1).max(120),
    publicKeyPem: z.string().nullable(),
  }),
  "it.trusted": z.object({
    keyName: z.string(),
    publicKey: z.string(),
    fingerprint: z.string(),
    ageRecipient: z.string(),
  }),
  "receipt.imported": z.object({
    itKeyName: z.string(),
    treeSize: z.number().int().nonnegative(),
    rootHash: z.string(),
    cosignedAt: z.string(),
  }),
} as const;

export type RecordKind = keyof typeof RecordData;
export type RecordDataOf<K extends RecordKind> = z.infer<(typeof RecordData)[K]>;

export const RECORD_KINDS = Object.keys(RecordData) as RecordKind[];

export function isRecordKind(kind: string): kind is RecordKind {
  return Object.hasOwn(RecordData, kind);
}

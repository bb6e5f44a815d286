import { z } from "zod";
import { channel } from "./channel";
import { absolutePath } from "./paths";
import { JobStatus } from "./jobs";

const AbsolutePath = absolutePath("/media/usb/bundle.tar or E:\\bundle.tar");

export const DeviceState = z.object({
  state: z.enum(["new", "locked", "unlocked"]),
  deviceId: z.string().nullable(),
  name: z.string(),
  fingerprint: z.string().nullable(),
  protector: z.enum(["safeStorage", "passphrase"]).nullable(),
});

export const EvidenceSummary = z.object({
  device: DeviceState,
  technician: z.object({ name: z.string(), hasKey: z.boolean(), signedIn: z.boolean() }).nullable(),
  records: z.number().int().nonnegative(),
  recordsSinceReceipt: z.number().int().nonnegative(),
  lastExport: z.object({ path: z.string(), firstSeq: z.number(), lastSeq: z.number(), createdAt: z.string(), bytes: z.number() }).nullable(),
  lastReceipt: z.object({ treeSize: z.number(), itKeyName: z.string(), cosignedAt: z.string(), importedAt: z.string() }).nullable(),
  itTrust: z
    .object({
      keyName: z.string(),
      fingerprint: z.string(),
      ageRecipient: z.string(),
      trustedAt: z.string(),
      /** The collector certificate pinned from IT's trust file (SHA256:… as people read it), or null. */
      collectorPin: z.string().nullable(),
    })
    .nullable(),
});
export type EvidenceSummary = z.infer<typeof EvidenceSummary>;

export const RecordListItem = z.object({
  seq: z.number().int(),
  kind: z.string(),
  recordedAt: z.string(),
  subject: z.string(),
  technician: z.string().nullable(),
  receipted: z.boolean(),
});
export type RecordListItem = z.infer<typeof RecordListItem>;

export const RecordDetail = z.object({
  seq: z.number().int(),
  kind: z.string(),
  recordedAt: z.string(),
  prev: z.string(),
  payloadHash: z.string(),
  statementJson: z.string(),
  signatures: z.array(z.object({ keyid: z.string(), signer: z.string(), verified: z.boolean() })),
  receipted: z.boolean(),
});
export type RecordDetail = z.infer<typeof RecordDetail>;

export const ExportResult = z.object({
  path: z.string(),
  firstSeq: z.number(),
  lastSeq: z.number(),
  records: z.number(),
  sealed: z.number(),
  bytes: z.number(),
  sha256: z.string(),
});

export const evidenceChannels = {
  "evidence.summary": channel(z.strictObject({}), EvidenceSummary, "Device fingerprint, record counts, last export and receipt"),
  "evidence.records": channel(
    z.strictObject({ offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100), kind: z.string().max(80).optional() }),
    z.object({ total: z.number().int(), records: z.array(RecordListItem) }),
    "A page of journal records, newest first",
  ),
  "evidence.record": channel(z.strictObject({ seq: z.number().int().min(0) }), RecordDetail, "One record decoded: statement, signatures, chain position"),
  "evidence.export": channel(z.strictObject({ path: AbsolutePath, fromSeq: z.number().int().min(0).optional() }), JobStatus, "Export a bundle for IT (runs as a job)"),
  "evidence.exportResult": channel(z.strictObject({ jobId: z.string() }), ExportResult, "The result of a finished export job"),
  "evidence.importReceipt": channel(
    z.strictObject({ path: AbsolutePath }),
    z.object({ status: z.enum(["imported", "already-held"]), treeSize: z.number(), cosignedAt: z.string() }),
    "Import IT's receipt so the next export starts after it",
  ),
  "evidence.trustIt": channel(
    z.strictObject({ path: AbsolutePath, replace: z.boolean().default(false) }),
    z.object({
      keyName: z.string(),
      fingerprint: z.string(),
      ageRecipient: z.string(),
      collectorPin: z.string().nullable(),
      /** The collector's address the file names, if any. */
      collectorAddress: z.string().nullable(),
      /** Whether that address became the laptop's collector address (it had none). */
      collectorAddressSet: z.boolean(),
    }),
    "Install IT's public keys (it-public.json) and, where it names one, IT's collector certificate to pin and its address (when the laptop has none)",
  ),
  "device.unlock": channel(z.strictObject({ passphrase: z.string().min(1).max(1024) }), DeviceState, "Unlock (or, on first run, protect) the device key with a passphrase"),
  "technician.set": channel(
    z.strictObject({ name: z.string().trim().min(1, "enter the technician's name").max(120), pin: z.string().min(6, "a PIN has at least 6 characters").max(128).nullable() }),
    z.object({ name: z.string(), hasKey: z.boolean(), signedIn: z.boolean() }),
    "Set the technician profile (with a PIN: a personal signing key)",
  ),
  "technician.signIn": channel(z.strictObject({ pin: z.string().min(1).max(128) }), z.object({ name: z.string(), hasKey: z.boolean(), signedIn: z.boolean() }), "Open the technician's key with their PIN"),
};

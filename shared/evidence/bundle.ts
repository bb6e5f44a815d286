import { z } from "zod";

export const BUNDLE_FORMAT = "fieldproof-bundle/v1";

/** Names of the entries in a bundle (a POSIX tar file). */
export const BUNDLE_ENTRIES = {
  manifest: "manifest.json",
  records: "records.jsonl",
  checkpoint: "checkpoint",
  devicePem: "device.pem",
} as const;

/** Sealed secrets travel as sealed/<name>.age (age-encryption.org/v1 to IT's X25519 recipient). */
export const SEALED_ENTRY = /^sealed\/[A-Za-z0-9][A-Za-z0-9._-]{0,120}\.age$/;

const B64Hash = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "expected a base64 SHA-256 hash");

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  origin: z.string(),
  device: z.object({ id: z.string(), name: z.string(), keyId: z.string().regex(/^[0-9a-f]{64}$/), fingerprint: z.string() }),
  /** First and last seq of the records in this bundle (inclusive). */
  range: z.object({ first: z.number().int().nonnegative(), last: z.number().int().nonnegative() }),
  /** The log before this bundle: what IT should already hold. */
  previous: z.object({
    treeSize: z.number().int().nonnegative(),
    rootHash: B64Hash,
    /** sha256:<hex> of the last payload before `range.first` (the first record's `prev`). */
    headHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
    /** Hashes of the perfect subtrees covering [0, treeSize), largest first (RFC 9162 hashing). */
    compactRange: z.array(B64Hash).max(64),
  }),
  treeSize: z.number().int().positive(),
  rootHash: B64Hash,
  sealed: z.array(z.object({ file: z.string().regex(SEALED_ENTRY), sha256: z.string().regex(/^[0-9a-f]{64}$/) })).max(100_000),
  appVersion: z.string(),
  createdAt: z.string(),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

import { z } from "zod";

/** DSSE payload type for every record: an in-toto Statement v1. */
export const PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_TYPE = "https://in-toto.io/Statement/v1";
/** Our predicate type. Bump the version when the predicate's meaning changes. */
export const PREDICATE_TYPE = "https://fieldproof.dev/attestation/change/v1";
export const ZERO_HASH = `sha256:${"0".repeat(64)}`;

const Sha256Ref = z.string().regex(/^sha256:[0-9a-f]{64}$/, "expected sha256:<64 hex digits>");

export const SignatureEntry = z.object({ keyid: z.string().max(200), sig: z.string().max(200) });

/** A DSSE envelope as it travels in a bundle (one per line of records.jsonl). */
export const Envelope = z.object({
  payloadType: z.string().max(200),
  payload: z.string(),
  signatures: z.array(SignatureEntry).min(1).max(8),
});
export type Envelope = z.infer<typeof Envelope>;

export const Actor = z.object({
  device: z.object({ id: z.string(), name: z.string(), keyid: z.string() }),
  technician: z
    .object({
      name: z.string(),
      /** Key id of the technician's personal key when they signed too; null when only the device signed. */
      keyid: z.string().nullable(),
      /** How the technician proved who they are on this laptop. */
      auth: z.enum(["pin", "none"]),
    })
    .nullable(),
});
export type Actor = z.infer<typeof Actor>;

export const LogPosition = z.object({
  /** C2SP origin of the device's log: fieldproof/device/<device id>. */
  origin: z.string(),
  seq: z.number().int().nonnegative(),
  /** sha256 of the previous record's payload bytes; 64 zeros for seq 0. */
  prev: Sha256Ref,
});
export type LogPosition = z.infer<typeof LogPosition>;

export const Subject = z.object({
  name: z.string().max(300),
  digest: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type Subject = z.infer<typeof Subject>;

/** The envelope of a change, before the kind-specific `data` is checked against its own schema. */
export const Statement = z.object({
  _type: z.literal(STATEMENT_TYPE),
  subject: z.array(Subject).min(1).max(100),
  predicateType: z.literal(PREDICATE_TYPE),
  predicate: z.object({
    log: LogPosition,
    kind: z.string().max(80),
    recordedAt: z.string(),
    actor: Actor,
    data: z.record(z.string(), z.unknown()),
  }),
});
export type Statement = z.infer<typeof Statement>;

import type { KeyObject } from "node:crypto";
import { Envelope, Statement } from "../../shared/evidence";
import type { JournalRepository, StoredRecord } from "../db/journalRepository";
import { ed25519Verify, keyIdOf, publicKeyFromPem, tryPublicKeyFromPem } from "./crypto";
import { pae, verifyEnvelopeSignature } from "./dsse";

/** A public key a record introduced, and whose it is. */
export interface KnownKey {
  readonly keyid: string;
  readonly key: KeyObject;
  /** Who signs with it, for people: "device bay-laptop-07", "technician Ana Ruiz", "approver Bo Lind". */
  readonly signer: string;
}

/** What a signature check needs of a record. */
export interface SignedRecord {
  readonly envelope: Envelope;
  readonly payload: Buffer;
  readonly kind: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface SignatureCheck {
  readonly keyid: string;
  /** The key's owner; undefined when neither an earlier record nor this one introduced the key. */
  readonly known: KnownKey | undefined;
  readonly verified: boolean;
}

/** Record kinds that introduce a co-signer's key (in `data.publicKeyPem`), and whose role it is. */
const INTRODUCING: Readonly<Record<string, string>> = { "technician.set": "technician", "person.upserted": "approver" };

/**
 * The co-signer key a record introduces: a technician's (`technician.set`, past keys stay valid for
 * what they signed) or an approver's (`person.upserted`). A PEM that is not an Ed25519 key introduces
 * nothing, so whatever it would have signed reads as signed by an unknown key.
 */
export function introducedKey(kind: string, data: Readonly<Record<string, unknown>>): KnownKey | undefined {
  const role = INTRODUCING[kind];
  if (!role || typeof data.publicKeyPem !== "string") return undefined;
  const key = tryPublicKeyFromPem(data.publicKeyPem);
  return key ? { keyid: keyIdOf(key), key, signer: `${role} ${String(data.name)}` } : undefined;
}

/** Keys by key id, learnt in journal order; a key keeps the owner that introduced it first. */
export class KeyRing {
  private readonly keys = new Map<string, KnownKey>();

  constructor(keys: Iterable<KnownKey> = []) {
    for (const k of keys) this.add(k);
  }

  add(k: KnownKey): void {
    if (!this.keys.has(k.keyid)) this.keys.set(k.keyid, k);
  }

  get(keyid: string): KnownKey | undefined {
    return this.keys.get(keyid);
  }

  /** Learns the key `record` introduces, if any (call after checking the record). */
  learn(record: Pick<SignedRecord, "kind" | "data">): void {
    const k = introducedKey(record.kind, record.data);
    if (k) this.add(k);
  }
}

/**
 * Checks every signature of a record (Ed25519 over the DSSE PAE) against the keys `ring` learnt from
 * earlier records. A record that introduces a key may carry a signature by that key: that is a proof
 * of possession, checked against the key the record itself carries.
 */
export function checkSignatures(record: SignedRecord, ring: KeyRing): SignatureCheck[] {
  const own = introducedKey(record.kind, record.data);
  let message: Buffer | undefined; // built once, and only if there is a key to check against
  return record.envelope.signatures.map(({ keyid, sig }) => {
    const known = ring.get(keyid) ?? (own?.keyid === keyid ? own : undefined);
    if (!known) return { keyid, known, verified: false };
    message ??= pae(record.envelope.payloadType, record.payload);
    return { keyid, known, verified: ed25519Verify(known.key, message, Buffer.from(sig, "base64")) };
  });
}

/**
 * The keys a laptop record may be signed by, as the bundle verifier learns them: the device's, and
 * every technician's and approver's key an earlier record introduced (a replaced key still verifies
 * what it signed). Only a record the device signed introduces a key, as in a bundle.
 */
export function journalKeysBefore(repo: JournalRepository, seq: number): KeyRing {
  const device = repo.device()!;
  const deviceKey = publicKeyFromPem(device.publicKey);
  const deviceKeyId = keyIdOf(deviceKey);
  const ring = new KeyRing([{ keyid: deviceKeyId, key: deviceKey, signer: `device ${device.name}` }]);
  const introducing = Object.keys(INTRODUCING).flatMap((kind) => [...recordsOfKind(repo, kind)].filter((r) => r.seq < seq));
  for (const r of introducing.sort((a, b) => a.seq - b.seq)) {
    const envelope = Envelope.safeParse(JSON.parse(r.envelope));
    if (!envelope.success || !verifyEnvelopeSignature(envelope.data, deviceKeyId, deviceKey)) continue;
    const statement = Statement.safeParse(JSON.parse(Buffer.from(envelope.data.payload, "base64").toString("utf8")));
    if (statement.success) ring.learn(statement.data.predicate);
  }
  return ring;
}

function* recordsOfKind(repo: JournalRepository, kind: string, limit = 500): Generator<StoredRecord> {
  for (let offset = 0; ; offset += limit) {
    const page = repo.list({ offset, limit, kind });
    yield* page.records;
    if (offset + limit >= page.total) return;
  }
}

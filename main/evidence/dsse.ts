import type { KeyObject } from "node:crypto";
import type { Envelope } from "../../shared/evidence";
import { ed25519Sign, ed25519Verify } from "./crypto";

/** DSSE v1 Pre-Authentication Encoding: "DSSEv1" SP len(type) SP type SP len(body) SP body. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, "utf8"), type, Buffer.from(` ${payload.length} `, "utf8"), payload]);
}

export interface Signer {
  readonly keyid: string;
  readonly key: KeyObject;
}

export function signEnvelope(payloadType: string, payload: Buffer, signers: readonly Signer[]): Envelope {
  const message = pae(payloadType, payload);
  return {
    payloadType,
    payload: payload.toString("base64"),
    signatures: signers.map((s) => ({ keyid: s.keyid, sig: ed25519Sign(s.key, message).toString("base64") })),
  };
}

/** True when the signature with `keyid` verifies under `key`. Other signatures are not looked at. */
export function verifyEnvelopeSignature(envelope: Envelope, keyid: string, key: KeyObject): boolean {
  const entry = envelope.signatures.find((s) => s.keyid === keyid);
  if (!entry) return false;
  const payload = Buffer.from(envelope.payload, "base64");
  return ed25519Verify(key, pae(envelope.payloadType, payload), Buffer.from(entry.sig, "base64"));
}

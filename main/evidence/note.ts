import type { KeyObject } from "node:crypto";
import { ed25519Sign, ed25519Verify, rawPublicKey, sha256 } from "./crypto";

/**
 * C2SP signed notes (c2sp.org/signed-note), Ed25519 signatures (type 0x01), and tlog cosignatures
 * (c2sp.org/tlog-cosignature, type 0x04) over checkpoints (c2sp.org/tlog-checkpoint).
 */
const EM_DASH = "\u2014";
const SIG_TYPE_ED25519 = 0x01;
const SIG_TYPE_COSIGNATURE = 0x04;

export interface NoteSignature {
  readonly name: string;
  /** Decoded base64: key id (4 bytes) followed by the signature material. */
  readonly bytes: Buffer;
}

export interface Note {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export function keyHash(name: string, type: number, key: KeyObject): Buffer {
  return sha256(Buffer.concat([Buffer.from(name, "utf8"), Buffer.of(0x0a, type), rawPublicKey(key)])).subarray(0, 4);
}

export function validKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name);
}

export function signNote(text: string, name: string, key: KeyObject): string {
  if (!text.endsWith("\n")) throw new Error("a note's text ends with a newline");
  if (!validKeyName(name)) throw new Error(`invalid key name "${name}"`);
  const sig = ed25519Sign(key, Buffer.from(text, "utf8"));
  return `${text}\n${signatureLine(name, Buffer.concat([keyHash(name, SIG_TYPE_ED25519, key), sig]))}`;
}

export function signatureLine(name: string, bytes: Buffer): string {
  return `${EM_DASH} ${name} ${bytes.toString("base64")}\n`;
}

/** Splits a note into text and signature lines. Throws with a plain reason on malformed input. */
export function parseNote(note: string): Note {
  if (note.length > 1_000_000) throw new Error("note is too large");
  const split = note.lastIndexOf("\n\n");
  if (split < 0) throw new Error("no blank line between the text and the signatures");
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith("\n")) throw new Error("the signature block does not end with a newline");
  const signatures: NoteSignature[] = [];
  for (const line of sigBlock.slice(0, -1).split("\n")) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/u.exec(line);
    if (!match) throw new Error("malformed signature line");
    const bytes = Buffer.from(match[2]!, "base64");
    if (bytes.length < 5) throw new Error("signature line too short");
    signatures.push({ name: match[1]!, bytes });
  }
  if (signatures.length === 0) throw new Error("the note is not signed");
  return { text, signatures };
}

export function verifyNoteSignature(note: Note, name: string, key: KeyObject): boolean {
  const id = keyHash(name, SIG_TYPE_ED25519, key);
  return note.signatures.some(
    (s) => s.name === name && s.bytes.length === 68 && s.bytes.subarray(0, 4).equals(id) && ed25519Verify(key, Buffer.from(note.text, "utf8"), s.bytes.subarray(4)),
  );
}

function cosignedMessage(text: string, timestamp: bigint): Buffer {
  return Buffer.from(`cosignature/v1\ntime ${timestamp.toString()}\n${text}`, "utf8");
}

/** Adds a cosignature line to a checkpoint note (the receipt IT hands back). */
export function cosign(note: Note, name: string, key: KeyObject, timestamp: bigint): string {
  const ts = Buffer.alloc(8);
  ts.writeBigUInt64BE(timestamp);
  const sig = ed25519Sign(key, cosignedMessage(note.text, timestamp));
  const line = signatureLine(name, Buffer.concat([keyHash(name, SIG_TYPE_COSIGNATURE, key), ts, sig]));
  return `${note.text}\n${note.signatures.map((s) => signatureLine(s.name, s.bytes)).join("")}${line}`;
}

/** Returns the cosignature's timestamp (seconds since the epoch) when a valid one by `name` is present. */
export function verifyCosignature(note: Note, name: string, key: KeyObject): bigint | undefined {
  const id = keyHash(name, SIG_TYPE_COSIGNATURE, key);
  for (const s of note.signatures) {
    if (s.name !== name || s.bytes.length !== 4 + 8 + 64 || !s.bytes.subarray(0, 4).equals(id)) continue;
    const timestamp = s.bytes.readBigUInt64BE(4);
    if (ed25519Verify(key, cosignedMessage(note.text, timestamp), s.bytes.subarray(12))) return timestamp;
  }
  return undefined;
}

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
}

export function checkpointText(cp: Checkpoint): string {
  return `${cp.origin}\n${cp.size}\n${cp.rootHash.toString("base64")}\n`;
}

export function parseCheckpointText(text: string): Checkpoint {
  const lines = text.split("\n");
  if (lines.length < 4 || lines[lines.length - 1] !== "") throw new Error("a checkpoint has an origin, a size and a root hash line");
  const [origin, sizeLine, rootLine] = lines as [string, string, string];
  if (!origin || !/^\d{1,15}$/.test(sizeLine)) throw new Error("the checkpoint's tree size is not a number");
  const rootHash = Buffer.from(rootLine, "base64");
  if (rootHash.length !== 32 || rootHash.toString("base64") !== rootLine) throw new Error("the checkpoint's root hash is not 32 bytes of base64");
  return { origin, size: Number(sizeLine), rootHash };
}

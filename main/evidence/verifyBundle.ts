import type { KeyObject } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { isRecordKind, PAYLOAD_TYPE, RecordData, Statement, ZERO_HASH, type BundleManifest, type Envelope } from "../../shared/evidence";
import type { ImportedRecord } from "../db/itRepository";
import type { ParsedBundle } from "./bundleReader";
import { keyIdOf, pemOf, sha256Hex, tryPublicKeyFromPem } from "./crypto";
import { checkSignatures, KeyRing } from "./keyRing";
import { extendCompactRange, foldRange } from "./merkle";
import { parseCheckpointText, parseNote, verifyNoteSignature } from "./note";
import { verifyEnvelopes, type EnvelopeJob, type EnvelopeResults } from "./verifyPool";

/** What the verifier already trusts about the log before this bundle. */
export interface Anchor {
  readonly treeSize: number;
  readonly rootHash: Buffer;
  /** sha256:<hex> of the last payload IT holds (or 64 zeros for a new device). */
  readonly headHash: string;
  readonly peaks: readonly Buffer[];
  /** Where the anchor comes from, for messages: "IT's store" or "the bundle's manifest". */
  readonly source: string;
}

/** A record that passed every check: what IT stores, with its data for the projections. */
export interface VerifiedRecord extends ImportedRecord {
  readonly data: Record<string, unknown>;
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  readonly records: readonly VerifiedRecord[];
  readonly peaks: readonly Buffer[];
  readonly rootHash: Buffer;
  readonly deviceKey: KeyObject;
}

export interface VerifyOptions {
  /** The key to verify against: IT's enrolled key; by default the bundle's own device.pem. */
  readonly deviceKey?: KeyObject;
  /** What the log looked like before; by default the manifest's claim. */
  readonly anchor?: Anchor;
  /** Co-signers' keys (technicians, approvers) known before this bundle, by key id. */
  readonly technicianKeys?: ReadonlyMap<string, KeyObject>;
  /**
   * Import knows every co-signer key IT holds and refuses one it never saw. A bundle verified on its
   * own may carry co-signatures by keys introduced in an earlier bundle: those are reported as
   * checked on import, not as failures.
   */
  readonly coSignerKeysComplete?: boolean;
  readonly threads?: number;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/**
 * Checks a bundle completely, one stage after another (as sigstore-js's Verifier does): manifest,
 * device key, device signatures, statement format, chain continuity (no record dropped, reordered,
 * duplicated or replaced), co-signatures, the Merkle root over the whole log, the signed checkpoint,
 * and the sealed secrets. Each stage returns its check; the first failed check ends the run.
 */
export async function verifyBundle(bundle: ParsedBundle, options: VerifyOptions = {}): Promise<VerifyResult> {
  const checks: Check[] = [];
  const report = <T>(outcome: Outcome<T>): outcome is Passed<T> => {
    if (outcome.check) checks.push(outcome.check);
    return outcome.ok;
  };
  const rejected = (found: { deviceKey?: KeyObject; peaks?: readonly Buffer[]; rootHash?: Buffer } = {}): VerifyResult => ({
    ok: false,
    checks,
    records: [],
    peaks: found.peaks ?? [],
    rootHash: found.rootHash ?? Buffer.alloc(0),
    deviceKey: (found.deviceKey ?? tryPublicKeyFromPem(bundle.devicePem))!,
  });
  const m = bundle.manifest;
  const anchor = options.anchor ?? manifestAnchor(bundle);

  if (!report(checkManifest(bundle))) return rejected();
  const device = checkDeviceKey(bundle, options.deviceKey);
  if (!report(device)) return rejected({ deviceKey: options.deviceKey });
  const deviceKey = device.value;

  // Device signatures and payload hashes run on worker threads while this thread decodes the statements.
  const signing = startDeviceSignatures(bundle, deviceKey, options);
  if (!report(signing)) return rejected({ deviceKey });
  const statements = checkStatements(bundle);
  const signatures = await checkDeviceSignatures(bundle, signing.value, options);
  if (!report(signatures) || !report(statements)) return rejected({ deviceKey });
  const hashes = signatures.value;
  const records = statements.value;

  if (!report(checkChain(m, anchor, records, hashes)) || !report(checkCoSignatures(m, records, keyIdOf(deviceKey), options))) return rejected({ deviceKey });
  const tree = checkMerkle(m, anchor, hashes);
  if (!report(tree)) return rejected({ deviceKey });
  if (!report(checkCheckpoint(bundle, deviceKey, tree.value.rootHash)) || !report(checkSealed(bundle))) return rejected({ deviceKey, ...tree.value });
  return { ok: true, checks, records: verifiedRecords(bundle, records, hashes), ...tree.value, deviceKey };
}

export function manifestAnchor(bundle: ParsedBundle): Anchor {
  const m = bundle.manifest;
  return {
    treeSize: m.previous.treeSize,
    rootHash: Buffer.from(m.previous.rootHash, "base64"),
    headHash: m.range.first === 0 ? ZERO_HASH : m.previous.headHash,
    peaks: m.previous.compactRange.map((h) => Buffer.from(h, "base64")),
    source: "the bundle's manifest",
  };
}

/** The first failed check as an error (for import, which is all or nothing). */
export function firstFailure(result: VerifyResult): AppError | undefined {
  const failed = result.checks.find((c) => !c.ok);
  return failed ? new AppError("INTEGRITY_ERROR", `Bundle rejected (${failed.name}): ${failed.detail}.`) : undefined;
}

// --- Stages -------------------------------------------------------------------------------------

interface Passed<T> {
  readonly ok: true;
  /** Undefined when the stage had nothing to report (a bundle without co-signatures). */
  readonly check: Check | undefined;
  /** What later stages need. */
  readonly value: T;
}

/** One stage's finding: passed (its check and what later stages need) or failed (its check). */
type Outcome<T> = Passed<T> | { readonly ok: false; readonly check: Check };

const passed = <T>(name: string, detail: string | undefined, value: T): Passed<T> => ({ ok: true, check: detail === undefined ? undefined : { name, ok: true, detail }, value });
const failed = (name: string, detail: string): Outcome<never> => ({ ok: false, check: { name, ok: false, detail } });

/** A record as decoded from records.jsonl, at its place in the bundle. */
interface DecodedRecord {
  /** The seq this line must hold (range.first + index). */
  readonly seq: number;
  /** 1-based line in records.jsonl. */
  readonly line: number;
  readonly envelope: Envelope;
  readonly payload: Buffer;
  readonly statement: Statement;
}

function checkManifest(bundle: ParsedBundle): Outcome<void> {
  const m = bundle.manifest;
  const expectedCount = m.range.last - m.range.first + 1;
  if (m.origin !== `fieldproof/device/${m.device.id}`) return failed("manifest", `origin "${m.origin}" does not belong to device ${m.device.id}`);
  if (m.range.last < m.range.first) return failed("manifest", "the seq range is empty or reversed");
  if (m.treeSize !== m.range.last + 1) return failed("manifest", `tree size ${m.treeSize} does not end at seq ${m.range.last}`);
  if (m.previous.treeSize !== m.range.first) {
    return failed("manifest", `the previous tree (${m.previous.treeSize} records) does not end where this bundle starts (seq ${m.range.first})`);
  }
  if (bundle.envelopes.length !== expectedCount) {
    return failed(
      "manifest",
      `the manifest announces seq ${m.range.first}..${m.range.last} (${expectedCount} records) but records.jsonl holds ${bundle.envelopes.length}: records were dropped or added`,
    );
  }
  return passed("manifest", `device ${m.device.name} (${m.device.id}), records ${m.range.first}..${m.range.last}`, undefined);
}

/** device.pem must be the manifest's key and, on import, the key IT enrolled. Gives the key to verify with. */
function checkDeviceKey(bundle: ParsedBundle, enrolled: KeyObject | undefined): Outcome<KeyObject> {
  const m = bundle.manifest;
  const bundleKey = tryPublicKeyFromPem(bundle.devicePem);
  if (!bundleKey) return failed("device key", "device.pem is not an Ed25519 public key");
  if (keyIdOf(bundleKey) !== m.device.keyId) return failed("device key", "device.pem does not match the key id in the manifest");
  if (enrolled && keyIdOf(enrolled) !== keyIdOf(bundleKey)) {
    return failed("device key", `the bundle is signed with key ${m.device.fingerprint}, not the key enrolled for device ${m.device.id}`);
  }
  return passed("device key", `${m.device.fingerprint}${enrolled ? " (enrolled)" : " (from the bundle; compare with the laptop)"}`, enrolled ?? bundleKey);
}

/** Hands every record's device signature to the worker threads; refuses a record that has none to check. */
function startDeviceSignatures(bundle: ParsedBundle, deviceKey: KeyObject, options: VerifyOptions): Outcome<Promise<EnvelopeResults>> {
  const keyid = keyIdOf(deviceKey);
  const jobs: EnvelopeJob[] = [];
  for (const [i, e] of bundle.envelopes.entries()) {
    if (e.payloadType !== PAYLOAD_TYPE) return failed("signatures", `record at line ${i + 1} has payload type "${e.payloadType.slice(0, 60)}", expected ${PAYLOAD_TYPE}`);
    const sig = e.signatures.find((s) => s.keyid === keyid);
    if (!sig) return failed("signatures", `record at line ${i + 1} carries no signature by the device key`);
    jobs.push({ payloadType: e.payloadType, payload: e.payload, signature: sig.sig });
  }
  options.onProgress?.(0, jobs.length, "verifying signatures");
  const verification = verifyEnvelopes(pemOf(deviceKey), jobs, options.threads);
  verification.catch(() => undefined); // awaited by checkDeviceSignatures; do not let an early failure go unhandled meanwhile
  return passed("signatures", undefined, verification);
}

/** The workers' answer: every device signature verifies. Gives the payload and leaf hashes they computed. */
async function checkDeviceSignatures(bundle: ParsedBundle, verification: Promise<EnvelopeResults>, options: VerifyOptions): Promise<Outcome<EnvelopeResults>> {
  const results = await verification;
  const count = bundle.envelopes.length;
  if (results.bad.length > 0) {
    const bad = results.bad[0]!;
    return failed(
      "signatures",
      `the device signature of the record at line ${bad + 1} (seq ${bundle.manifest.range.first + bad}) does not verify: it was altered after signing${results.bad.length > 1 ? ` (${results.bad.length} records in all)` : ""}`,
    );
  }
  options.onProgress?.(count, count, "signatures verified");
  return passed("signatures", `${count} device signatures verify`, results);
}

/** Each payload is a Fieldproof in-toto statement, and a known kind's data has its kind's shape. */
function checkStatements(bundle: ParsedBundle): Outcome<DecodedRecord[]> {
  const first = bundle.manifest.range.first;
  const records: DecodedRecord[] = [];
  for (const [i, envelope] of bundle.envelopes.entries()) {
    const payload = Buffer.from(envelope.payload, "base64");
    const statement = Statement.safeParse(safeJson(payload));
    if (!statement.success) return failed("statements", `record at line ${i + 1} is not a Fieldproof in-toto statement`);
    const p = statement.data.predicate;
    if (isRecordKind(p.kind)) {
      const data = RecordData[p.kind].safeParse(p.data);
      if (!data.success) return failed("statements", `seq ${first + i} (${p.kind}) carries malformed data: ${describeIssues(data.error, 1)}`);
    }
    records.push({ seq: first + i, line: i + 1, envelope, payload, statement: statement.data });
  }
  return passed("statements", `${records.length} in-toto statements with known kinds and well-formed data`, records);
}

/** Every record is this device's, at its seq, and links to the one before (the first to the anchor's head). */
function checkChain(m: BundleManifest, anchor: Anchor, records: readonly DecodedRecord[], hashes: EnvelopeResults): Outcome<void> {
  for (const r of records) {
    const log = r.statement.predicate.log;
    if (log.origin !== m.origin) return failed("chain", `record at line ${r.line} belongs to log "${log.origin}", not this device's`);
    if (log.seq !== r.seq) return failed("chain", `record at line ${r.line} has seq ${log.seq} where seq ${r.seq} belongs: a record was dropped, reordered or duplicated`);
  }
  if (anchor.treeSize !== m.range.first) {
    if (m.range.first > anchor.treeSize) {
      return failed(
        "chain",
        `gap: ${anchor.source} holds records up to seq ${anchor.treeSize - 1}, this bundle starts at seq ${m.range.first}; records ${anchor.treeSize}..${m.range.first - 1} are missing. Import the earlier bundle first.`,
      );
    }
    return failed("chain", `this bundle starts at seq ${m.range.first}, but ${anchor.source} already holds up to seq ${anchor.treeSize - 1}`);
  }
  // Each prev is the hash the workers computed for the record before.
  let prev = anchor.headHash;
  for (const [i, r] of records.entries()) {
    if (r.statement.predicate.log.prev !== prev) {
      return failed("chain", i === 0 ? `seq ${r.seq} does not follow the last record ${anchor.source} holds (prev hash differs): the log was rewritten or forked` : `seq ${r.seq} does not link to seq ${r.seq - 1} (prev hash differs)`);
    }
    prev = `sha256:${hashes.payloadHashes.toString("hex", i * 32, i * 32 + 32)}`;
  }
  return passed("chain", `seq ${m.range.first}..${m.range.last} without gaps, each linked to the one before${m.range.first > 0 ? ` and to the head ${anchor.source} holds` : ""}`, undefined);
}

/**
 * The technician's and any approver's signatures: each named co-signer signed, and every signature
 * besides the device's verifies under a key an earlier record introduced (or, as a proof of
 * possession, the key the record itself introduces).
 */
function checkCoSignatures(m: BundleManifest, records: readonly DecodedRecord[], deviceKeyId: string, options: VerifyOptions): Outcome<void> {
  const ring = new KeyRing([...(options.technicianKeys ?? [])].map(([keyid, key]) => ({ keyid, key, signer: "a co-signer known before this bundle" })));
  // Only a bundle verified alone from somewhere in the middle of the log may meet keys it cannot know.
  const mayMeetEarlierKeys = options.coSignerKeysComplete !== true && m.range.first > 0;
  let verified = 0;
  let earlierKeys = 0;
  for (const r of records) {
    const p = r.statement.predicate;
    for (const keyid of namedCoSigners(p)) {
      if (!r.envelope.signatures.some((sig) => sig.keyid === keyid)) return failed("co-signatures", `seq ${r.seq} names co-signer ${keyid.slice(0, 16)}… but carries no signature by that key`);
    }
    for (const sig of checkSignatures({ envelope: r.envelope, payload: r.payload, kind: p.kind, data: p.data }, ring)) {
      if (sig.keyid === deviceKeyId) continue; // the workers checked it
      if (!sig.known && mayMeetEarlierKeys) {
        earlierKeys++;
        continue;
      }
      if (!sig.known) return failed("co-signatures", `seq ${r.seq} carries a signature by key ${sig.keyid.slice(0, 16)}… that no earlier record introduced`);
      if (!sig.verified) return failed("co-signatures", `a co-signature on seq ${r.seq} does not verify`);
      verified++;
    }
    ring.learn(p);
  }
  if (verified === 0 && earlierKeys === 0) return passed("co-signatures", undefined, undefined);
  return passed(
    "co-signatures",
    `${verified} technician or approver co-signatures verify${earlierKeys > 0 ? `; ${earlierKeys} by keys introduced before this bundle (checked by IT on import)` : ""}`,
    undefined,
  );
}

/** Who a statement says signed besides the device: its technician, and a pending rotation's approvers. */
function namedCoSigners(p: Statement["predicate"]): string[] {
  const approvals = p.kind === "rotation.pending" && Array.isArray(p.data.approvals) ? (p.data.approvals as { keyid: string }[]) : [];
  return [...(p.actor.technician?.keyid ? [p.actor.technician.keyid] : []), ...approvals.map((a) => a.keyid)];
}

/** The anchor's tree hashes to its root; the bundle's leaves extend it to the root of the whole log. */
function checkMerkle(m: BundleManifest, anchor: Anchor, hashes: EnvelopeResults): Outcome<{ peaks: Buffer[]; rootHash: Buffer }> {
  if (!foldRange(anchor.peaks).equals(anchor.rootHash)) return failed("merkle", `the previous tree in ${anchor.source} does not hash to its root`);
  const leaves = Array.from({ length: hashes.leafHashes.length / 32 }, (_, i) => hashes.leafHashes.subarray(i * 32, i * 32 + 32));
  const peaks = extendCompactRange(anchor.peaks, anchor.treeSize, leaves);
  const rootHash = foldRange(peaks);
  return passed("merkle", `root over ${m.treeSize} records recomputed (RFC 9162): ${rootHash.toString("base64")}`, { peaks, rootHash });
}

/** The checkpoint is the device's signed note over the recomputed root, as the manifest says. */
function checkCheckpoint(bundle: ParsedBundle, deviceKey: KeyObject, rootHash: Buffer): Outcome<void> {
  const m = bundle.manifest;
  let note;
  try {
    note = parseNote(bundle.checkpoint);
  } catch (error) {
    return failed("checkpoint", `the checkpoint is not a signed note (${(error as Error).message})`);
  }
  let cp;
  try {
    cp = parseCheckpointText(note.text);
  } catch (error) {
    return failed("checkpoint", `malformed checkpoint: ${(error as Error).message}`);
  }
  if (cp.origin !== m.origin) return failed("checkpoint", `the checkpoint is for "${cp.origin}", not this device`);
  if (!verifyNoteSignature(note, m.origin, deviceKey)) return failed("checkpoint", "the checkpoint's device signature does not verify");
  if (cp.size !== m.treeSize) return failed("checkpoint", `the checkpoint covers ${cp.size} records, the bundle ends at ${m.treeSize}`);
  if (!cp.rootHash.equals(rootHash)) return failed("checkpoint", "the Merkle root recomputed from the records does not match the signed checkpoint");
  if (m.rootHash !== rootHash.toString("base64")) return failed("checkpoint", "the manifest's root hash does not match the records");
  return passed("checkpoint", "signed checkpoint matches the recomputed root", undefined);
}

/** The sealed secrets are exactly the manifest's, byte for byte. */
function checkSealed(bundle: ParsedBundle): Outcome<void> {
  const listed = new Map(bundle.manifest.sealed.map((s) => [s.file, s.sha256]));
  for (const [name, data] of bundle.sealed) {
    if (!listed.has(name)) return failed("sealed secrets", `${name} is in the bundle but not in the manifest`);
    if (listed.get(name) !== sha256Hex(data)) return failed("sealed secrets", `${name} does not match its hash in the manifest`);
  }
  for (const name of listed.keys()) if (!bundle.sealed.has(name)) return failed("sealed secrets", `${name} is listed in the manifest but missing`);
  return passed("sealed secrets", `${bundle.sealed.size} sealed secret(s) present and intact`, undefined);
}

function verifiedRecords(bundle: ParsedBundle, records: readonly DecodedRecord[], hashes: EnvelopeResults): VerifiedRecord[] {
  return records.map((r, i) => {
    const p = r.statement.predicate;
    return {
      seq: r.seq,
      kind: p.kind,
      recordedAt: p.recordedAt,
      subject: r.statement.subject[0]!.name,
      payload: r.payload,
      envelope: bundle.lines[i]!,
      leafHash: hashes.leafHashes.subarray(i * 32, i * 32 + 32),
      data: p.data,
    };
  });
}

function safeJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}

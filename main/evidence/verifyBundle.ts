import type { KeyObject } from "node:crypto";
import { AppError } from "../../shared/domain/errors";
import { isRecordKind, PAYLOAD_TYPE, RecordData, Statement, ZERO_HASH, type Envelope } from "../../shared/evidence";
import type { ParsedBundle } from "./bundleReader";
import { ed25519Verify, keyIdOf, pemOf, publicKeyFromPem, sha256Hex } from "./crypto";
import { pae } from "./dsse";
import { extendCompactRange, foldRange } from "./merkle";
import { parseCheckpointText, parseNote, verifyNoteSignature } from "./note";
import { verifyEnvelopes } from "./verifyPool";

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

export interface VerifiedRecord {
  readonly seq: number;
  readonly kind: string;
  readonly recordedAt: string;
  readonly subject: string;
  readonly payload: Buffer;
  readonly envelope: string;
  readonly leafHash: Buffer;
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

class Failed extends Error {}

/**
 * Checks a bundle completely: device key, every signature, statement format, chain continuity
 * (no record dropped, reordered, duplicated or replaced), the Merkle root over the whole log and
 * the signed checkpoint, and the sealed secrets. Stops at the first failed check.
 */
export async function verifyBundle(bundle: ParsedBundle, options: VerifyOptions = {}): Promise<VerifyResult> {
  const checks: Check[] = [];
  const pass = (name: string, detail: string): void => void checks.push({ name, ok: true, detail });
  const fail = (name: string, detail: string): never => {
    checks.push({ name, ok: false, detail });
    throw new Failed(detail);
  };
  const m = bundle.manifest;
  let deviceKey: KeyObject | undefined;
  const records: VerifiedRecord[] = [];
  let peaks: Buffer[] = [];
  let rootHash: Buffer = Buffer.alloc(0);
  try {
    // Manifest
    const expectedCount = m.range.last - m.range.first + 1;
    if (m.origin !== `fieldproof/device/${m.device.id}`) fail("manifest", `origin "${m.origin}" does not belong to device ${m.device.id}`);
    if (m.range.last < m.range.first) fail("manifest", "the seq range is empty or reversed");
    if (m.treeSize !== m.range.last + 1) fail("manifest", `tree size ${m.treeSize} does not end at seq ${m.range.last}`);
    if (m.previous.treeSize !== m.range.first) fail("manifest", `the previous tree (${m.previous.treeSize} records) does not end where this bundle starts (seq ${m.range.first})`);
    if (bundle.envelopes.length !== expectedCount) {
      fail("manifest", `the manifest announces seq ${m.range.first}..${m.range.last} (${expectedCount} records) but records.jsonl holds ${bundle.envelopes.length}: records were dropped or added`);
    }
    pass("manifest", `device ${m.device.name} (${m.device.id}), records ${m.range.first}..${m.range.last}`);

    // Device key
    let bundleKey: KeyObject;
    try {
      bundleKey = publicKeyFromPem(bundle.devicePem);
    } catch {
      return fail("device key", "device.pem is not an Ed25519 public key");
    }
    if (keyIdOf(bundleKey) !== m.device.keyId) fail("device key", "device.pem does not match the key id in the manifest");
    deviceKey = options.deviceKey ?? bundleKey;
    if (options.deviceKey && keyIdOf(options.deviceKey) !== keyIdOf(bundleKey)) {
      fail("device key", `the bundle is signed with key ${m.device.fingerprint}, not the key enrolled for device ${m.device.id}`);
    }
    pass("device key", `${m.device.fingerprint}${options.deviceKey ? " (enrolled)" : " (from the bundle; compare with the laptop)"}`);

    // Signatures and payload hashes run on worker threads while this thread parses the statements.
    const keyid = keyIdOf(deviceKey);
    const jobs = bundle.envelopes.map((e, i) => {
      if (e.payloadType !== PAYLOAD_TYPE) fail("signatures", `record at line ${i + 1} has payload type "${e.payloadType.slice(0, 60)}", expected ${PAYLOAD_TYPE}`);
      const sig = e.signatures.find((s) => s.keyid === keyid);
      if (!sig) fail("signatures", `record at line ${i + 1} carries no signature by the device key`);
      return { payloadType: e.payloadType, payload: e.payload, signature: sig!.sig };
    });
    options.onProgress?.(0, jobs.length, "verifying signatures");
    const verification = verifyEnvelopes(pemOf(deviceKey), jobs, options.threads);
    verification.catch(() => undefined); // awaited below; do not let an early failure go unhandled

    const anchor = options.anchor ?? manifestAnchor(bundle);
    const techKeys = new Map(options.technicianKeys ?? []);
    const parsed: { payload: Buffer; statement: Statement }[] = [];
    let problem: { check: string; detail: string } | undefined;
    const noteProblem = (check: string, detail: string): void => {
      problem ??= { check, detail };
    };
    bundle.envelopes.forEach((_envelope, i) => {
      if (problem) return;
      const expectedSeq = m.range.first + i;
      const payload = Buffer.from(bundle.envelopes[i]!.payload, "base64");
      const statement = Statement.safeParse(safeJson(payload));
      if (!statement.success) return noteProblem("statements", `record at line ${i + 1} is not a Fieldproof in-toto statement`);
      const p = statement.data.predicate;
      if (p.log.origin !== m.origin) return noteProblem("chain", `record at line ${i + 1} belongs to log "${p.log.origin}", not this device's`);
      if (p.log.seq !== expectedSeq) return noteProblem("chain", `record at line ${i + 1} has seq ${p.log.seq} where seq ${expectedSeq} belongs: a record was dropped, reordered or duplicated`);
      if (isRecordKind(p.kind)) {
        const data = RecordData[p.kind].safeParse(p.data);
        if (!data.success) return noteProblem("statements", `seq ${expectedSeq} (${p.kind}) carries malformed data: ${data.error.issues[0]?.message ?? "invalid"}`);
      }
      parsed.push({ payload, statement: statement.data });
    });

    const results = await verification;
    if (results.bad.length > 0) {
      const first = results.bad[0]!;
      fail("signatures", `the device signature of the record at line ${first + 1} (seq ${m.range.first + first}) does not verify: it was altered after signing${results.bad.length > 1 ? ` (${results.bad.length} records in all)` : ""}`);
    }
    pass("signatures", `${jobs.length} device signatures verify`);
    options.onProgress?.(jobs.length, jobs.length, "signatures verified");
    if (problem) fail(problem.check, problem.detail);

    // Chain: each prev is the hash the workers computed for the record before.
    if (anchor.treeSize !== m.range.first) {
      if (m.range.first > anchor.treeSize) fail("chain", `gap: ${anchor.source} holds records up to seq ${anchor.treeSize - 1}, this bundle starts at seq ${m.range.first}; records ${anchor.treeSize}..${m.range.first - 1} are missing. Import the earlier bundle first.`);
      fail("chain", `this bundle starts at seq ${m.range.first}, but ${anchor.source} already holds up to seq ${anchor.treeSize - 1}`);
    }
    let prev = anchor.headHash;
    let technicianSignatures = 0;
    let earlierKeys = 0;
    parsed.forEach(({ payload, statement }, i) => {
      const seq = m.range.first + i;
      const p = statement.predicate;
      if (p.log.prev !== prev) {
        fail("chain", i === 0 ? `seq ${seq} does not follow the last record ${anchor.source} holds (prev hash differs): the log was rewritten or forked` : `seq ${seq} does not link to seq ${seq - 1} (prev hash differs)`);
      }
      // Co-signatures: the technician's and any approver's. Each named co-signer must have signed,
      // and every signature besides the device's must verify under a key an earlier record published.
      const named = [
        ...(p.actor.technician?.keyid ? [p.actor.technician.keyid] : []),
        ...(p.kind === "rotation.pending" && Array.isArray(p.data.approvals) ? (p.data.approvals as { keyid: string }[]).map((a) => a.keyid) : []),
      ];
      const envelope: Envelope = bundle.envelopes[i]!;
      for (const keyidNamed of named) {
        if (!envelope.signatures.some((sig) => sig.keyid === keyidNamed)) fail("co-signatures", `seq ${seq} names co-signer ${keyidNamed.slice(0, 16)}… but carries no signature by that key`);
      }
      for (const sig of envelope.signatures) {
        if (sig.keyid === keyid) continue;
        const coKey = techKeys.get(sig.keyid);
        if (!coKey && options.coSignerKeysComplete !== true && m.range.first > 0) {
          earlierKeys++;
          continue;
        }
        if (!coKey) fail("co-signatures", `seq ${seq} carries a signature by key ${sig.keyid.slice(0, 16)}… that no earlier record introduced`);
        if (!ed25519Verify(coKey!, pae(envelope.payloadType, payload), Buffer.from(sig.sig, "base64"))) fail("co-signatures", `a co-signature on seq ${seq} does not verify`);
        technicianSignatures++;
      }
      if ((p.kind === "technician.set" || p.kind === "person.upserted") && typeof p.data.publicKeyPem === "string") {
        const key = publicKeyFromPem(p.data.publicKeyPem);
        techKeys.set(keyIdOf(key), key);
      }
      prev = `sha256:${results.payloadHashes.toString("hex", i * 32, i * 32 + 32)}`;
      records.push({
        seq,
        kind: p.kind,
        recordedAt: p.recordedAt,
        subject: statement.subject[0]!.name,
        payload,
        envelope: bundle.lines[i]!,
        leafHash: results.leafHashes.subarray(i * 32, i * 32 + 32),
        data: p.data,
      });
    });
    pass("statements", `${records.length} in-toto statements with known kinds and well-formed data`);
    pass("chain", `seq ${m.range.first}..${m.range.last} without gaps, each linked to the one before${m.range.first > 0 ? ` and to the head ${anchor.source} holds` : ""}`);
    if (technicianSignatures > 0 || earlierKeys > 0) {
      pass(
        "co-signatures",
        `${technicianSignatures} technician or approver co-signatures verify${earlierKeys > 0 ? `; ${earlierKeys} by keys introduced before this bundle (checked by IT on import)` : ""}`,
      );
    }

    // Merkle tree and checkpoint
    if (!foldRange(anchor.peaks).equals(anchor.rootHash)) fail("merkle", `the previous tree in ${anchor.source} does not hash to its root`);
    peaks = extendCompactRange(anchor.peaks, anchor.treeSize, records.map((r) => r.leafHash));
    rootHash = foldRange(peaks);
    let note;
    try {
      note = parseNote(bundle.checkpoint);
    } catch (error) {
      return fail("checkpoint", `the checkpoint is not a signed note (${(error as Error).message})`);
    }
    let cp;
    try {
      cp = parseCheckpointText(note.text);
    } catch (error) {
      return fail("checkpoint", `malformed checkpoint: ${(error as Error).message}`);
    }
    if (cp.origin !== m.origin) fail("checkpoint", `the checkpoint is for "${cp.origin}", not this device`);
    if (!verifyNoteSignature(note, m.origin, deviceKey)) fail("checkpoint", "the checkpoint's device signature does not verify");
    if (cp.size !== m.treeSize) fail("checkpoint", `the checkpoint covers ${cp.size} records, the bundle ends at ${m.treeSize}`);
    if (!cp.rootHash.equals(rootHash)) fail("checkpoint", "the Merkle root recomputed from the records does not match the signed checkpoint");
    if (m.rootHash !== rootHash.toString("base64")) fail("checkpoint", "the manifest's root hash does not match the records");
    pass("merkle", `root over ${m.treeSize} records recomputed (RFC 9162): ${rootHash.toString("base64")}`);
    pass("checkpoint", "signed checkpoint matches the recomputed root");

    // Sealed secrets
    const listed = new Map(m.sealed.map((s) => [s.file, s.sha256]));
    for (const [name, data] of bundle.sealed) {
      if (!listed.has(name)) fail("sealed secrets", `${name} is in the bundle but not in the manifest`);
      if (listed.get(name) !== sha256Hex(data)) fail("sealed secrets", `${name} does not match its hash in the manifest`);
    }
    for (const name of listed.keys()) if (!bundle.sealed.has(name)) fail("sealed secrets", `${name} is listed in the manifest but missing`);
    pass("sealed secrets", `${bundle.sealed.size} sealed secret(s) present and intact`);
  } catch (error) {
    if (!(error instanceof Failed)) throw error;
  }
  const ok = checks.every((c) => c.ok);
  if (!deviceKey) deviceKey = publicKeyFromPemSafe(bundle.devicePem);
  return { ok, checks, records: ok ? records : [], peaks, rootHash, deviceKey: deviceKey! };
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

function safeJson(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString("utf8"));
  } catch {
    return undefined;
  }
}

function publicKeyFromPemSafe(pem: string): KeyObject | undefined {
  try {
    return publicKeyFromPem(pem);
  } catch {
    return undefined;
  }
}

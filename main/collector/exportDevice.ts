import { randomBytes, type KeyObject } from "node:crypto";
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { AppError } from "../../shared/domain/errors";
import { BUNDLE_ENTRIES, BUNDLE_FORMAT, Envelope, SEALED_ENTRY, Statement, ZERO_HASH, type BundleManifest } from "../../shared/evidence";
import { readBundle } from "../evidence/bundleReader";
import { syncDir, writeTarAtomically } from "../evidence/bundleWriter";
import { canonicalFingerprint, fingerprintOf, keyIdOf, publicKeyFromPem } from "../evidence/crypto";
import { originOf } from "../evidence/journal";
import { EMPTY_ROOT, foldRange, leafHash, nodeHash } from "../evidence/merkle";
import { parseCheckpointText, parseNote, verifyCosignature, verifyNoteSignature, type Note } from "../evidence/note";
import { verifyBundle } from "../evidence/verifyBundle";
import { addIntroducedKeys, type ItService } from "../services/itService";
import { APP_VERSION } from "../version";

type Awaitable<T> = T | Promise<T>;

/** A device IT enrolled, as its store keeps it. */
export interface HeldDevice {
  readonly deviceId: string;
  readonly name: string;
  /** PEM (SPKI) of the device key. */
  readonly publicKey: string;
  readonly keyId: string;
  readonly fingerprint: string;
  readonly enrolledAt: string;
}

/** Everything a store holds for one device, read in one snapshot. */
export interface HeldChain {
  readonly head: { readonly treeSize: number; readonly rootHash: string } | undefined;
  /** Every record, in seq order: the envelope line exactly as imported, its payload bytes and leaf hash. */
  readonly records: readonly { readonly seq: number; readonly envelope: string; readonly payload: Buffer; readonly leafHash: Buffer }[];
  /** Each imported bundle's receipt: the checkpoint the device signed for `treeSize`, with IT's cosignature. */
  readonly receipts: readonly { readonly treeSize: number; readonly receipt: string; readonly importedAt: string }[];
  /** Sealed secrets as imported: entry name (sealed/<name>.age), SHA-256 (hex) and the age file, never opened. */
  readonly sealed: readonly { readonly file: string; readonly sha256: string; readonly data: Buffer }[];
  /** Payloads that introduce co-signer keys: the device's technician.set records and every person.upserted. */
  readonly coSignerPayloads: readonly Buffer[];
}

/** What the export reads from IT's store: the embedded SQLite store or PostgreSQL (pgRead.ts). */
export interface ChainSource {
  /** Where the chain is read from, for messages. */
  readonly label: string;
  devices(): Awaitable<readonly HeldDevice[]>;
  chain(deviceId: string): Awaitable<HeldChain>;
  /** IT's cosigning public key, to check the receipts; undefined when it is not known here. */
  itKey(): Awaitable<{ readonly name: string; readonly key: KeyObject; readonly from: string } | undefined>;
}

export interface ExportDeviceOptions {
  readonly source: ChainSource;
  /** The device id, or its key fingerprint (SHA256:XXXX XXXX ..., any case, spaces or colons). */
  readonly device: string;
  readonly out: string;
  readonly now?: () => Date;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export type CosignatureCheck =
  | { readonly verified: true; readonly keyName: string; readonly cosignedAt: string }
  | { readonly verified: false; readonly reason: string };

export interface DeviceExport {
  readonly path: string;
  readonly device: { readonly id: string; readonly name: string; readonly fingerprint: string };
  readonly records: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly treeSize: number;
  readonly rootHash: string;
  /** Records IT holds for the device; more than `treeSize` only when `uncovered` is set. */
  readonly heldRecords: number;
  /** Records IT holds past the last checkpoint the device signed: not in the bundle (nothing proves them). */
  readonly uncovered: { readonly first: number; readonly last: number } | null;
  readonly sealed: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The receipt the checkpoint entry is: when IT imported that size, and IT's cosignature on it. */
  readonly checkpoint: { readonly importedAt: string; readonly cosignature: CosignatureCheck };
}

/**
 * Writes every record IT holds for one device as a bundle in the laptop's format
 * (docs/evidence-format.md): records 0..K-1, device.pem as enrolled, the sealed secrets IT holds, and
 * as `checkpoint` the receipt IT stored for size K: the checkpoint the device signed, with IT's
 * cosignature added (a signed note may carry several signatures; verifiers look for the device's).
 * K is the largest size the device signed a checkpoint for, normally every record held.
 *
 * Nothing is trusted because it is in the store: every receipt must be the device's signature over
 * the root of the records held, the records must be whole and in order, and the written file is read
 * back and verified (as on import) before it is renamed to `out`. A store that fails any of this is
 * refused and nothing is written.
 */
export async function exportDeviceChain(options: ExportDeviceOptions): Promise<DeviceExport> {
  const { source, out } = options;
  const now = options.now ?? (() => new Date());
  if (existsSync(out)) throw new AppError("CONFLICT", `${out} already exists. Choose another file name; nothing was written.`);
  if (!existsSync(dirname(out))) throw new AppError("IO_ERROR", `The folder ${dirname(out)} does not exist; nothing was written.`);

  const device = findDevice(await source.devices(), options.device, source.label);
  const origin = originOf(device.deviceId);
  const who = `device "${device.name}" (${device.deviceId}, key ${device.fingerprint})`;
  const altered = (detail: string): AppError =>
    new AppError(
      "INTEGRITY_ERROR",
      `${source.label} does not hold a valid chain for ${who}: ${detail}. The store was altered or damaged after import; nothing was written to ${out}. ` +
        "Keep the store as it is for investigation; the laptop can still export its own journal (fieldproof export --from 0).",
    );

  let deviceKey: KeyObject;
  try {
    deviceKey = publicKeyFromPem(device.publicKey);
  } catch {
    throw altered("the enrolled device key is not an Ed25519 public key");
  }
  if (keyIdOf(deviceKey) !== device.keyId || fingerprintOf(deviceKey) !== device.fingerprint) throw altered("the enrolled key does not match its key id or fingerprint");

  const chain = await source.chain(device.deviceId);
  const held = chain.records.length;
  if (held === 0) throw new AppError("PRECONDITION_FAILED", `${source.label} holds no record of ${who} yet; nothing to export.`);

  // Whole, in order, and self-consistent: seq 0..N-1, each stored payload and leaf hash the envelope's.
  options.onProgress?.(0, held, "reading IT's records");
  const roots = new Map<number, Buffer>();
  const wanted = new Set([...chain.receipts.map((r) => r.treeSize), held, chain.head?.treeSize ?? held]);
  const peaks: { size: number; hash: Buffer }[] = [];
  for (const [i, r] of chain.records.entries()) {
    if (r.seq !== i) throw altered(`seq ${i} is missing (the next record held is seq ${r.seq})`);
    const envelope = Envelope.safeParse(safeJson(r.envelope));
    if (!envelope.success) throw altered(`the stored envelope of seq ${i} is not a DSSE envelope`);
    if (!Buffer.from(envelope.data.payload, "base64").equals(r.payload)) throw altered(`the stored payload of seq ${i} differs from its signed envelope`);
    const leaf = leafHash(r.payload);
    if (!leaf.equals(r.leafHash)) throw altered(`the stored leaf hash of seq ${i} is not its payload's`);
    let entry = { size: 1, hash: leaf };
    while (peaks.length > 0 && peaks[peaks.length - 1]!.size === entry.size) {
      const left = peaks.pop()!;
      entry = { size: left.size * 2, hash: nodeHash(left.hash, entry.hash) };
    }
    peaks.push(entry);
    if (wanted.has(i + 1)) roots.set(i + 1, foldRange(peaks.map((p) => p.hash)));
  }
  if (chain.head && (chain.head.treeSize !== held || chain.head.rootHash !== roots.get(held)!.toString("base64"))) {
    throw altered(`IT's head says ${chain.head.treeSize} record(s) with root ${chain.head.rootHash}, but the records held are ${held} with root ${roots.get(held)!.toString("base64")}`);
  }

  // Every stored receipt is the device's signature over the root of the records held at its size.
  let best: { treeSize: number; note: Note; receipt: string; importedAt: string } | undefined;
  for (const r of chain.receipts) {
    const at = `the receipt of the bundle imported ${r.importedAt} (size ${r.treeSize})`;
    let note: Note;
    let cp;
    try {
      note = parseNote(r.receipt);
      cp = parseCheckpointText(note.text);
    } catch (error) {
      throw altered(`${at} is not a signed checkpoint (${(error as Error).message})`);
    }
    if (cp.origin !== origin) throw altered(`${at} is a checkpoint of "${cp.origin}", not of this device`);
    if (cp.size !== r.treeSize) throw altered(`${at} covers ${cp.size} records`);
    if (!verifyNoteSignature(note, origin, deviceKey)) throw altered(`${at} does not carry the device's signature`);
    if (cp.size > held) throw altered(`the device signed a checkpoint over ${cp.size} records and IT receipted it, but IT holds only ${held}: records ${held}..${cp.size - 1} are missing`);
    const root = cp.size === 0 ? EMPTY_ROOT : roots.get(cp.size)!;
    if (!cp.rootHash.equals(root)) throw altered(`the records held do not hash to the root the device signed at size ${cp.size}`);
    if (!best || cp.size >= best.treeSize) best = { treeSize: cp.size, note, receipt: r.receipt, importedAt: r.importedAt };
  }
  if (!best || best.treeSize === 0) throw new AppError("PRECONDITION_FAILED", `${source.label} holds no checkpoint signed by ${who}, so nothing it holds can be proven; nothing was written.`);
  const size = best.treeSize;

  const it = await source.itKey();
  let cosignature: CosignatureCheck;
  if (it) {
    const timestamp = verifyCosignature(best.note, it.name, it.key);
    const others = best.note.signatures.map((s) => s.name).filter((name) => name !== origin);
    if (timestamp === undefined && others.length > 0 && !others.includes(it.name)) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `The receipts in ${source.label} are cosigned by IT key ${others.join(", ")}, not by IT key ${it.name} (from ${it.from}). Give --it-dir the IT folder this store's collector serves with; nothing was written.`,
      );
    }
    if (timestamp === undefined) throw altered(`the receipt for size ${size} carries no valid cosignature by IT key ${it.name} (from ${it.from})`);
    cosignature = { verified: true, keyName: it.name, cosignedAt: new Date(Number(timestamp) * 1000).toISOString() };
  } else {
    cosignature = { verified: false, reason: "IT's public key is not known here (give --it-dir)" };
  }

  const sealed = chain.sealed.map((s) => {
    if (!SEALED_ENTRY.test(s.file) || !/^[0-9a-f]{64}$/.test(s.sha256)) throw altered(`a sealed secret is stored with a malformed name or hash ("${s.file.slice(0, 80)}")`);
    return s;
  });
  const records = chain.records.slice(0, size);
  const last = Statement.safeParse(safeJson(records[size - 1]!.payload.toString("utf8")));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    origin,
    // The name the device itself signed last (what its own export would say), else the enrolled one.
    device: { id: device.deviceId, name: last.success ? last.data.predicate.actor.device.name : device.name, keyId: device.keyId, fingerprint: device.fingerprint },
    range: { first: 0, last: size - 1 },
    previous: { treeSize: 0, rootHash: EMPTY_ROOT.toString("base64"), headHash: ZERO_HASH, compactRange: [] },
    treeSize: size,
    rootHash: roots.get(size)!.toString("base64"),
    // The hashes IT stored at import: a secret altered since does not verify.
    sealed: sealed.map((s) => ({ file: s.file, sha256: s.sha256 })),
    appVersion: APP_VERSION,
    createdAt: now().toISOString(),
  };

  const partial = join(dirname(out), `.${basename(out)}.${randomBytes(4).toString("hex")}.export`);
  try {
    options.onProgress?.(0, size, "writing the bundle");
    const written = await writeTarAtomically(
      partial,
      [
        { name: BUNDLE_ENTRIES.manifest, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
        { name: BUNDLE_ENTRIES.devicePem, data: Buffer.from(device.publicKey) },
        { name: BUNDLE_ENTRIES.checkpoint, data: Buffer.from(best.receipt) },
        ...sealed.map((s) => ({ name: s.file, data: s.data })),
      ],
      {
        name: BUNDLE_ENTRIES.records,
        size: records.reduce((n, r) => n + Buffer.byteLength(r.envelope, "utf8") + 1, 0),
        chunks: function* () {
          for (const r of records) yield Buffer.from(`${r.envelope}\n`, "utf8");
        },
      },
    );

    // Read back with the reader every import and `fieldproof verify` use, and check it as an import would.
    let bundle;
    try {
      bundle = await readBundle(partial);
    } catch (error) {
      throw new AppError("INTEGRITY_ERROR", `The bundle written for ${who} does not read back as a bundle (${(error as Error).message}). Nothing was written to ${out}.`, { cause: error });
    }
    const result = await verifyBundle(bundle, {
      deviceKey,
      technicianKeys: addIntroducedKeys(new Map(), chain.coSignerPayloads),
      coSignerKeysComplete: true,
      onProgress: options.onProgress,
    });
    const failed = result.checks.find((c) => !c.ok);
    if (failed) throw altered(`the bundle written from it does not verify (${failed.name}: ${failed.detail})`);
    if (!result.ok || result.rootHash.toString("base64") !== manifest.rootHash) throw altered("the bundle's recomputed root is not the one the device signed");

    if (existsSync(out)) throw new AppError("CONFLICT", `${out} appeared while the bundle was written. Choose another file name; nothing was written there.`);
    renameSync(partial, out);
    syncDir(dirname(out));
    return {
      path: out,
      device: { id: device.deviceId, name: manifest.device.name, fingerprint: device.fingerprint },
      records: size,
      firstSeq: 0,
      lastSeq: size - 1,
      treeSize: size,
      rootHash: manifest.rootHash,
      heldRecords: held,
      uncovered: size < held ? { first: size, last: held - 1 } : null,
      sealed: sealed.length,
      bytes: written.bytes,
      sha256: written.sha256,
      checkpoint: { importedAt: best.importedAt, cosignature },
    };
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The device `query` names: its id, or its key fingerprint as people type it. */
export function findDevice(devices: readonly HeldDevice[], query: string, label: string): HeldDevice {
  const wanted = query.trim();
  const fingerprint = canonicalFingerprint(wanted);
  const matches = devices.filter((d) => d.deviceId === wanted || (fingerprint !== null && canonicalFingerprint(d.fingerprint) === fingerprint));
  if (matches.length === 1) return matches[0]!;
  const list = (ds: readonly HeldDevice[]): string =>
    ds
      .slice(0, 20)
      .map((d) => `"${d.name}" (id ${d.deviceId}, key ${d.fingerprint})`)
      .join("; ") + (ds.length > 20 ? `; and ${ds.length - 20} more` : "");
  if (matches.length > 1) throw new AppError("CONFLICT", `"${wanted}" names ${matches.length} devices in ${label}: ${list(matches)}. Give --device the device id.`);
  if (devices.length === 0) throw new AppError("NOT_FOUND", `No device "${wanted}" in ${label}: it holds no device yet.`);
  throw new AppError(
    "NOT_FOUND",
    `No device "${wanted}" in ${label}. It holds ${devices.length} device(s): ${list(devices)}. Give --device a device id or a key fingerprint (SHA256:XXXX XXXX ...).`,
  );
}

/** The IT folder's SQLite store, through ItService (read-only: nothing is cosigned, no passphrase asked). */
export function sqliteChainSource(it: ItService): ChainSource {
  return {
    label: `IT's store in ${it.itDir}`,
    devices: () => it.repo.devices(),
    chain: (deviceId) => it.repo.heldChain(deviceId),
    itKey: () => {
      const identity = it.repo.identity();
      return identity ? { name: identity.keyName, key: publicKeyFromPem(identity.publicKey), from: `${it.itDir}` } : undefined;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

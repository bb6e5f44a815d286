import { AppError } from "../../shared/domain/errors";
import { BUNDLE_ENTRIES, BUNDLE_FORMAT, ZERO_HASH, type BundleManifest } from "../../shared/evidence";
import type { JournalRepository } from "../db/journalRepository";
import { fingerprintOf, publicKeyFromPem, sha256Hex } from "./crypto";
import { writeTarAtomically, type BundleFile } from "./bundleWriter";
import type { Identity } from "./identity";
import { originOf } from "./journal";
import { compactRange, extendCompactRange, foldRange } from "./merkle";
import { checkpointText, signNote } from "./note";

export interface ExportOptions {
  readonly repo: JournalRepository;
  readonly identity: Identity;
  readonly out: string;
  /** First seq to include; default: just after what IT has receipted. */
  readonly fromSeq?: number | undefined;
  /** Last seq to include, and the size its checkpoint signs (toSeq + 1); default: the journal's head. A sync sends the log in chunks this way. */
  readonly toSeq?: number | undefined;
  readonly appVersion: string;
  readonly now: () => Date;
  /** Sealed secrets to carry (sealed/<name>.age). */
  readonly sealed?: readonly BundleFile[];
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface ExportSummary {
  readonly path: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly treeSize: number;
  readonly records: number;
  readonly sealed: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly rootHash: string;
}

/** Writes the records IT has not receipted yet (or the range asked for), with a signed checkpoint over the log up to its last record. */
export async function exportBundle(options: ExportOptions): Promise<ExportSummary> {
  const { repo, identity } = options;
  const device = identity.ensureDevice();
  const row = repo.device()!;
  const journalHead = repo.head();
  if (options.toSeq !== undefined && (options.toSeq < 0 || options.toSeq >= journalHead.size)) {
    throw new AppError("INVALID_REQUEST", `There is no record ${options.toSeq}: the journal holds seq 0..${journalHead.size - 1}.`);
  }
  // The bundle's log ends at its last record: its checkpoint signs that size, as a witness expects.
  const head = { size: options.toSeq === undefined ? journalHead.size : options.toSeq + 1 };
  const receipt = repo.latestReceipt(device.id);
  const first = options.fromSeq ?? receipt?.treeSize ?? 0;
  if (first < 0 || first > head.size) throw new AppError("INVALID_REQUEST", `There is no record ${first}: the journal holds seq 0..${head.size - 1}.`);
  if (first === head.size) {
    throw new AppError("PRECONDITION_FAILED", `IT already holds every record (up to seq ${head.size - 1}, receipted ${receipt?.cosignedAt ?? "earlier"}). Nothing to export.`);
  }
  const last = head.size - 1;
  options.onProgress?.(0, head.size - first, "hashing the log");

  const leaves = repo.leafHashes(head.size);
  const previousPeaks = compactRange(leaves.slice(0, first));
  const peaks = extendCompactRange(previousPeaks, first, leaves.slice(first));
  const root = foldRange(peaks);
  const origin = originOf(device.id);
  const checkpoint = signNote(checkpointText({ origin, size: head.size, rootHash: root }), origin, device.signer.key);
  const previousHead = first === 0 ? ZERO_HASH : `sha256:${repo.get(first - 1)!.payloadHash}`;
  const sealed = options.sealed ?? [];

  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    origin,
    device: { id: device.id, name: row.name, keyId: row.keyId, fingerprint: fingerprintOf(publicKeyFromPem(row.publicKey)) },
    range: { first, last },
    previous: { treeSize: first, rootHash: foldRange(previousPeaks).toString("base64"), headHash: previousHead, compactRange: previousPeaks.map((p) => p.toString("base64")) },
    treeSize: head.size,
    rootHash: root.toString("base64"),
    sealed: sealed.map((s) => ({ file: s.name, sha256: sha256Hex(s.data) })),
    appVersion: options.appVersion,
    createdAt: options.now().toISOString(),
  };

  const total = last - first + 1;
  let written = 0;
  const result = await writeTarAtomically(
    options.out,
    [
      { name: BUNDLE_ENTRIES.manifest, data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
      { name: BUNDLE_ENTRIES.devicePem, data: Buffer.from(row.publicKey) },
      { name: BUNDLE_ENTRIES.checkpoint, data: Buffer.from(checkpoint) },
      ...sealed,
    ],
    {
      name: BUNDLE_ENTRIES.records,
      size: repo.envelopeBytes(first, last),
      chunks: function* () {
        for (const record of repo.range(first, last)) {
          written++;
          if (written % 1000 === 0 || written === total) options.onProgress?.(written, total, "writing records");
          yield Buffer.from(`${record.envelope}\n`, "utf8");
        }
      },
    },
  );
  repo.insertExport({ path: options.out, firstSeq: first, lastSeq: last, treeSize: head.size, bytes: result.bytes, sha256: result.sha256, createdAt: options.now().toISOString() });
  return { path: options.out, firstSeq: first, lastSeq: last, treeSize: head.size, records: total, sealed: sealed.length, bytes: result.bytes, sha256: result.sha256, rootHash: root.toString("base64") };
}

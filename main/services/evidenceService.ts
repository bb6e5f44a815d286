import { readFileSync, statSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";
import { type EvidenceSummary, type RecordDetail, type RecordListItem } from "../../shared/contract";
import { Envelope, Statement } from "../../shared/evidence";
import type { JournalRepository } from "../db/journalRepository";
import { keyIdOf, publicKeyFromPem, publicKeyFromRaw } from "../evidence/crypto";
import { exportBundle, type ExportSummary } from "../evidence/exportBundle";
import type { Identity } from "../evidence/identity";
import { parseTrustFile } from "../evidence/itKeys";
import { deviceClientCertificate, formatPin, type DeviceTls } from "../evidence/tls";
import type { CollectorTlsTrust, SyncLaptop } from "./syncService";
import { checkSignatures, journalKeysBefore } from "../evidence/keyRing";
import { originOf } from "../evidence/journal";
import { foldRange, compactRange } from "../evidence/merkle";
import { parseCheckpointText, parseNote, verifyCosignature, verifyNoteSignature } from "../evidence/note";
import type { BundleFile } from "../evidence/bundleWriter";

export interface EvidenceServiceDeps {
  readonly repo: JournalRepository;
  readonly identity: Identity;
  readonly appVersion: string;
  readonly now: () => Date;
  /** Sealed secrets that still travel with each export until IT receipts them (rotation issue). */
  /** Sealed secrets not yet receipted by IT; with `upToSeq`, only those named by records up to that seq. */
  readonly sealedForExport?: (upToSeq?: number) => readonly BundleFile[];
  /** Called after a receipt is imported with the tree size IT now holds. */
  readonly onReceipt?: (treeSize: number) => void;
  /** IT's site CA root pin (SHA-256), kept where `ca install` reads it; the pin is also in the it.trusted record. */
  readonly siteCaRootPin?: { get(): string | null; set(sha256: string): void };
}

const MAX_SMALL_FILE = 256 * 1024;

export class EvidenceService {
  private clientTls: { deviceId: string; tls: DeviceTls } | undefined;

  constructor(private readonly deps: EvidenceServiceDeps) {}

  async summary(): Promise<EvidenceSummary> {
    const device = this.deps.identity.status();
    const head = this.deps.repo.head();
    const receipt = device.deviceId ? this.deps.repo.latestReceipt(device.deviceId) : undefined;
    const trust = device.deviceId ? this.deps.repo.itTrust(device.deviceId) : undefined;
    const last = this.deps.repo.lastExport();
    return {
      device,
      technician: this.deps.identity.technician(),
      records: head.size,
      recordsSinceReceipt: head.size - (receipt?.treeSize ?? 0),
      lastExport: last ? { path: last.path, firstSeq: last.firstSeq, lastSeq: last.lastSeq, createdAt: last.createdAt, bytes: last.bytes } : null,
      lastReceipt: receipt ? { treeSize: receipt.treeSize, itKeyName: receipt.itKeyName, cosignedAt: receipt.cosignedAt, importedAt: receipt.importedAt } : null,
      itTrust: trust
        ? { keyName: trust.keyName, fingerprint: trust.fingerprint, ageRecipient: trust.ageRecipient, trustedAt: trust.trustedAt, collectorPin: trust.collector ? formatPin(trust.collector.sha256) : null }
        : null,
    };
  }

  async records(query: { offset: number; limit: number; kind?: string | undefined }): Promise<{ total: number; records: RecordListItem[] }> {
    const receipted = this.receiptedSize();
    const page = this.deps.repo.list(query);
    return {
      total: page.total,
      records: page.records.map((r) => {
        const statement = Statement.safeParse(JSON.parse(r.payload.toString("utf8")));
        return {
          seq: r.seq,
          kind: r.kind,
          recordedAt: r.recordedAt,
          subject: r.subject,
          technician: statement.success ? (statement.data.predicate.actor.technician?.name ?? null) : null,
          receipted: r.seq < receipted,
        };
      }),
    };
  }

  async record(seq: number): Promise<RecordDetail> {
    const r = this.deps.repo.get(seq);
    if (!r) throw new AppError("NOT_FOUND", `There is no record ${seq} in this laptop's journal.`);
    const envelope = Envelope.parse(JSON.parse(r.envelope));
    const statement = Statement.parse(JSON.parse(r.payload.toString("utf8")));
    const p = statement.predicate;
    const signatures = checkSignatures({ envelope, payload: r.payload, kind: p.kind, data: p.data }, journalKeysBefore(this.deps.repo, seq));
    return {
      seq: r.seq,
      kind: r.kind,
      recordedAt: r.recordedAt,
      prev: p.log.prev,
      payloadHash: `sha256:${r.payloadHash}`,
      statementJson: JSON.stringify(statement, null, 2),
      signatures: signatures.map((s) => ({ keyid: s.keyid, signer: s.known?.signer ?? "unknown key", verified: s.verified })),
      receipted: r.seq < this.receiptedSize(),
    };
  }

  async export(out: string, fromSeq: number | undefined, onProgress?: (done: number, total: number, label: string) => void): Promise<ExportSummary> {
    return exportBundle({
      repo: this.deps.repo,
      identity: this.deps.identity,
      out,
      fromSeq,
      appVersion: this.deps.appVersion,
      now: this.deps.now,
      sealed: this.deps.sealedForExport?.() ?? [],
      onProgress,
    });
  }

  /** How many records the journal holds (its next seq). */
  journalSize(): number {
    return this.deps.repo.head().size;
  }

  /**
   * One chunk of a sync: the records from `fromSeq` whose envelopes fit in `maxBytes` (at least one),
   * with a checkpoint signed at the chunk's end and the sealed secrets its records name.
   */
  async exportChunk(out: string, fromSeq: number, maxBytes: number): Promise<ExportSummary> {
    const last = this.deps.repo.chunkEnd(fromSeq, maxBytes);
    if (last === null) throw new AppError("INVALID_REQUEST", `There is no record ${fromSeq}: the journal holds seq 0..${this.journalSize() - 1}.`);
    return exportBundle({
      repo: this.deps.repo,
      identity: this.deps.identity,
      out,
      fromSeq,
      toSeq: last,
      appVersion: this.deps.appVersion,
      now: this.deps.now,
      sealed: this.deps.sealedForExport?.(last) ?? [],
    });
  }

  /** Installs IT's public keys. Replacing a different IT key must be asked for explicitly. */
  async trustIt(path: string, replace: boolean): Promise<{ keyName: string; fingerprint: string; ageRecipient: string; collectorPin: string | null; collectorAddress: string | null }> {
    const trust = parseTrustFile(readSmallFile(path, "IT trust file"));
    const deviceId = this.deps.identity.deviceId();
    const current = this.deps.repo.itTrust(deviceId);
    if (current && current.publicKey !== trust.publicKey && !replace) {
      throw new AppError(
        "CONFLICT",
        `This laptop already trusts IT key ${current.fingerprint}; the file holds ${trust.fingerprint}. If IT really changed its key, confirm the replacement (Settings › IT keys: "IT changed its key", or fieldproof it trust FILE --replace).`,
      );
    }
    // A trust file without a collector keeps the pin already held (IT gave the older file again).
    const collector = trust.collector ? { sha256: trust.collector.sha256, certificate: trust.collector.certificate } : (current?.collector ?? undefined);
    // The same for the site CA root; a different root is a new pin, recorded.
    const pinnedRoot = this.deps.siteCaRootPin?.get() ?? null;
    const siteCaRoot = trust.siteCa ? { sha256: trust.siteCa.rootSha256, subject: trust.siteCa.rootSubject } : undefined;
    const rootChanged = siteCaRoot !== undefined && siteCaRoot.sha256 !== pinnedRoot;
    if (!current || current.publicKey !== trust.publicKey || current.ageRecipient !== trust.ageRecipient || (current.collector?.sha256 ?? null) !== (collector?.sha256 ?? null) || rootChanged) {
      this.deps.identity.journal.transaction(() => {
        this.deps.identity.journal.appendInTransaction("it.trusted", [{ name: `fieldproof:it/${trust.keyName}` }], {
          keyName: trust.keyName,
          publicKey: trust.publicKey,
          fingerprint: trust.fingerprint,
          ageRecipient: trust.ageRecipient,
          ...(collector ? { collector } : {}),
          ...(siteCaRoot ? { siteCaRoot } : {}),
        });
        if (siteCaRoot) this.deps.siteCaRootPin?.set(siteCaRoot.sha256);
      });
    }
    return {
      keyName: trust.keyName,
      fingerprint: trust.fingerprint,
      ageRecipient: trust.ageRecipient,
      collectorPin: collector ? formatPin(collector.sha256) : null,
      collectorAddress: trust.collector?.address ?? null,
    };
  }

  /**
   * What the laptop needs to talk to IT's collector: the collector certificate IT's trust file pins,
   * and the laptop's client certificate carrying its device key (made once per process).
   */
  async collectorTls(): Promise<CollectorTlsTrust> {
    const deviceId = this.deps.identity.deviceId();
    const pinned = deviceId ? this.deps.repo.itTrust(deviceId)?.collector : undefined;
    if (!pinned) {
      throw new AppError(
        "PRECONDITION_FAILED",
        "This laptop pins no IT collector certificate. Install the it-public.json that IT's `fieldproof collector init` wrote (Settings › IT keys, or fieldproof it trust FILE); until then sync by USB (fieldproof export).",
      );
    }
    const device = this.deps.identity.ensureDevice();
    if (this.clientTls?.deviceId !== device.id) {
      const name = this.deps.repo.device()?.name ?? "Fieldproof laptop";
      this.clientTls = { deviceId: device.id, tls: await deviceClientCertificate(device.signer.key, { id: device.id, name }, this.deps.now()) };
    }
    return { pinSha256: pinned.sha256, client: this.clientTls.tls };
  }

  /** Imports IT's receipt: checks it is IT's cosignature over a checkpoint this laptop signed, for this log. */
  async importReceipt(path: string): Promise<{ status: "imported" | "already-held"; treeSize: number; cosignedAt: string }> {
    const text = readSmallFile(path, "receipt");
    if (text.startsWith("manifest.json") || text.slice(257, 262) === "ustar") {
      throw new AppError("INVALID_REQUEST", `${path} is a bundle (a tar file), not a receipt. IT's import writes the receipt next to the bundle: <bundle>.receipt. Nothing was changed.`);
    }
    let note;
    let cp;
    try {
      note = parseNote(text);
      cp = parseCheckpointText(note.text);
    } catch (error) {
      throw new AppError("INTEGRITY_ERROR", `This is not a Fieldproof receipt: ${(error as Error).message}. Nothing was changed.`);
    }
    const deviceId = this.deps.identity.deviceId();
    const origin = originOf(deviceId);
    if (cp.origin !== origin) throw new AppError("INTEGRITY_ERROR", `This receipt is for another laptop (${cp.origin}). Nothing was changed.`);
    const device = this.deps.repo.device()!;
    if (!verifyNoteSignature(note, origin, publicKeyFromPem(device.publicKey))) {
      throw new AppError("INTEGRITY_ERROR", "The receipt's checkpoint does not carry this laptop's signature. Nothing was changed.");
    }
    const trust = this.deps.repo.itTrust(deviceId);
    if (!trust) throw new AppError("PRECONDITION_FAILED", "No IT key is trusted on this laptop yet. Install IT's it-public.json in Settings first.");
    const timestamp = verifyCosignature(note, trust.keyName, publicKeyFromRaw(Buffer.from(trust.publicKey, "base64")));
    if (timestamp === undefined) throw new AppError("INTEGRITY_ERROR", `The receipt is not cosigned by the trusted IT key ${trust.fingerprint}. Nothing was changed.`);
    const head = this.deps.repo.head();
    if (cp.size > head.size) throw new AppError("INTEGRITY_ERROR", `The receipt covers ${cp.size} records but this laptop has only ${head.size}. Nothing was changed.`);
    const root = foldRange(compactRange(this.deps.repo.leafHashes(cp.size)));
    if (!root.equals(cp.rootHash)) {
      throw new AppError("INTEGRITY_ERROR", "The receipt's root does not match this laptop's log at that size: IT holds a different history. Nothing was changed.");
    }
    const cosignedAt = new Date(Number(timestamp) * 1000).toISOString();
    if (this.receiptedSize() >= cp.size) return { status: "already-held", treeSize: cp.size, cosignedAt };
    this.deps.identity.journal.append("receipt.imported", [{ name: `fieldproof:it/${trust.keyName}` }], {
      itKeyName: trust.keyName,
      treeSize: cp.size,
      rootHash: cp.rootHash.toString("base64"),
      cosignedAt,
    });
    this.deps.onReceipt?.(cp.size);
    return { status: "imported", treeSize: cp.size, cosignedAt };
  }

  /** Drops and replays every projection from the journal (`fieldproof rebuild`). */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<{ records: number }> {
    const deviceId = this.deps.identity.status().deviceId;
    const total = this.deps.repo.head().size;
    if (!deviceId) return { records: 0 };
    let done = 0;
    this.deps.repo.transaction(() => {
      this.deps.repo.projector.clear();
      for (const r of this.deps.repo.allPayloads()) {
        const statement = Statement.parse(JSON.parse(r.payload.toString("utf8")));
        this.deps.repo.projector.applyParsed({ deviceId, seq: r.seq, recordedAt: r.recordedAt }, r.kind, statement.predicate.data);
        if (++done % 5000 === 0) onProgress?.(done, total);
      }
    });
    onProgress?.(total, total);
    return { records: total };
  }

  /**
   * The laptop's side of a sync (the app's automatic sync, `fieldproof sync` and the tests use this one):
   * what is worth sending (IT's receipt record alone is not, else every sync would ask for another),
   * chunked exports, and the receipt import the USB path uses.
   */
  syncPort(): SyncLaptop {
    return {
      pending: async () => {
        const summary = await this.summary();
        return summary.lastReceipt ? this.changesSinceReceipt() : summary.recordsSinceReceipt;
      },
      journalSize: async () => this.journalSize(),
      exportChunk: (path, fromSeq, maxBytes) => this.exportChunk(path, fromSeq, maxBytes),
      importReceipt: (path) => this.importReceipt(path),
      tls: () => this.collectorTls(),
    };
  }

  /** Records after IT's last receipt other than receipt imports: what IT is really missing. */
  changesSinceReceipt(): number {
    return this.deps.repo.countSinceExcludingReceipts(this.receiptedSize());
  }

  receiptedSize(): number {
    const deviceId = this.deps.identity.status().deviceId;
    return deviceId ? (this.deps.repo.latestReceipt(deviceId)?.treeSize ?? 0) : 0;
  }

  deviceKeyId(): string {
    return keyIdOf(publicKeyFromPem(this.deps.identity.devicePublicKeyPem()));
  }
}

export function readSmallFile(path: string, what: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new AppError("IO_ERROR", `Cannot read the ${what} at ${path}: ${(error as Error).message}`);
  }
  if (size > MAX_SMALL_FILE) throw new AppError("INVALID_REQUEST", `${path} is ${size} bytes: too large to be a ${what}.`);
  return readFileSync(path, "utf8");
}

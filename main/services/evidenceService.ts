import { readFileSync, statSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";
import { type EvidenceSummary, type RecordDetail, type RecordListItem } from "../../shared/contract";
import { Envelope, Statement } from "../../shared/evidence";
import type { JournalRepository } from "../db/journalRepository";
import { ed25519Verify, keyIdOf, publicKeyFromPem, publicKeyFromRaw } from "../evidence/crypto";
import { pae } from "../evidence/dsse";
import { exportBundle, type ExportSummary } from "../evidence/exportBundle";
import type { Identity } from "../evidence/identity";
import { parseTrustFile } from "../evidence/itKeys";
import { originOf } from "../evidence/journal";
import { foldRange, compactRange } from "../evidence/merkle";
import { parseCheckpointText, parseNote, verifyCosignature, verifyNoteSignature } from "../evidence/note";
import type { BundleFile } from "../evidence/bundleWriter";

export interface EvidenceServiceOptions {
  readonly repo: JournalRepository;
  readonly identity: Identity;
  readonly appVersion: string;
  readonly now: () => Date;
  /** Sealed secrets that still travel with each export until IT receipts them (rotation issue). */
  readonly sealedForExport?: () => readonly BundleFile[];
  /** Called after a receipt is imported with the tree size IT now holds. */
  readonly onReceipt?: (treeSize: number) => void;
}

const MAX_SMALL_FILE = 256 * 1024;

export class EvidenceService {
  constructor(private readonly o: EvidenceServiceOptions) {}

  async summary(): Promise<EvidenceSummary> {
    const device = this.o.identity.status();
    const head = this.o.repo.head();
    const receipt = device.deviceId ? this.o.repo.latestReceipt(device.deviceId) : undefined;
    const trust = device.deviceId ? this.o.repo.itTrust(device.deviceId) : undefined;
    const last = this.o.repo.lastExport();
    return {
      device,
      technician: this.o.identity.technician(),
      records: head.size,
      recordsSinceReceipt: head.size - (receipt?.treeSize ?? 0),
      lastExport: last ? { path: last.path, firstSeq: last.firstSeq, lastSeq: last.lastSeq, createdAt: last.createdAt, bytes: last.bytes } : null,
      lastReceipt: receipt ? { treeSize: receipt.treeSize, itKeyName: receipt.itKeyName, cosignedAt: receipt.cosignedAt, importedAt: receipt.importedAt } : null,
      itTrust: trust ? { keyName: trust.keyName, fingerprint: trust.fingerprint, ageRecipient: trust.ageRecipient, trustedAt: trust.trustedAt } : null,
    };
  }

  async records(query: { offset: number; limit: number; kind?: string | undefined }): Promise<{ total: number; records: RecordListItem[] }> {
    const receipted = this.receiptedSize();
    const page = this.o.repo.list(query);
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
    const r = this.o.repo.get(seq);
    if (!r) throw new AppError("NOT_FOUND", `There is no record ${seq} in this laptop's journal.`);
    const envelope = Envelope.parse(JSON.parse(r.envelope));
    const statement = Statement.parse(JSON.parse(r.payload.toString("utf8")));
    const device = this.o.repo.device()!;
    const keys = new Map<string, { signer: string; pem: string }>([[device.keyId, { signer: `device ${device.name}`, pem: device.publicKey }]]);
    const tech = this.o.repo.technicianKey();
    if (tech) keys.set(tech.keyId, { signer: `technician ${tech.name}`, pem: tech.publicKey });
    const message = pae(envelope.payloadType, r.payload);
    return {
      seq: r.seq,
      kind: r.kind,
      recordedAt: r.recordedAt,
      prev: statement.predicate.log.prev,
      payloadHash: `sha256:${r.payloadHash}`,
      statementJson: JSON.stringify(statement, null, 2),
      signatures: envelope.signatures.map((s) => {
        const known = keys.get(s.keyid);
        return {
          keyid: s.keyid,
          signer: known?.signer ?? "unknown key",
          verified: known ? ed25519Verify(publicKeyFromPem(known.pem), message, Buffer.from(s.sig, "base64")) : false,
        };
      }),
      receipted: r.seq < this.receiptedSize(),
    };
  }

  async export(out: string, fromSeq: number | undefined, onProgress?: (done: number, total: number, label: string) => void): Promise<ExportSummary> {
    return exportBundle({
      repo: this.o.repo,
      identity: this.o.identity,
      out,
      fromSeq,
      appVersion: this.o.appVersion,
      now: this.o.now,
      sealed: this.o.sealedForExport?.() ?? [],
      onProgress,
    });
  }

  /** Installs IT's public keys. Replacing a different IT key must be asked for explicitly. */
  async trustIt(path: string, replace: boolean): Promise<{ keyName: string; fingerprint: string; ageRecipient: string }> {
    const trust = parseTrustFile(readSmallFile(path, "IT trust file"));
    const deviceId = this.o.identity.deviceId();
    const current = this.o.repo.itTrust(deviceId);
    if (current && current.publicKey !== trust.publicKey && !replace) {
      throw new AppError(
        "CONFLICT",
        `This laptop already trusts IT key ${current.fingerprint}; the file holds ${trust.fingerprint}. If IT really changed its key, confirm the replacement.`,
      );
    }
    if (!current || current.publicKey !== trust.publicKey || current.ageRecipient !== trust.ageRecipient) {
      this.o.identity.journal.append("it.trusted", [{ name: `fieldproof:it/${trust.keyName}` }], {
        keyName: trust.keyName,
        publicKey: trust.publicKey,
        fingerprint: trust.fingerprint,
        ageRecipient: trust.ageRecipient,
      });
    }
    return { keyName: trust.keyName, fingerprint: trust.fingerprint, ageRecipient: trust.ageRecipient };
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
    const deviceId = this.o.identity.deviceId();
    const origin = originOf(deviceId);
    if (cp.origin !== origin) throw new AppError("INTEGRITY_ERROR", `This receipt is for another laptop (${cp.origin}). Nothing was changed.`);
    const device = this.o.repo.device()!;
    if (!verifyNoteSignature(note, origin, publicKeyFromPem(device.publicKey))) {
      throw new AppError("INTEGRITY_ERROR", "The receipt's checkpoint does not carry this laptop's signature. Nothing was changed.");
    }
    const trust = this.o.repo.itTrust(deviceId);
    if (!trust) throw new AppError("PRECONDITION_FAILED", "No IT key is trusted on this laptop yet. Install IT's it-public.json in Settings first.");
    const timestamp = verifyCosignature(note, trust.keyName, publicKeyFromRaw(Buffer.from(trust.publicKey, "base64")));
    if (timestamp === undefined) throw new AppError("INTEGRITY_ERROR", `The receipt is not cosigned by the trusted IT key ${trust.fingerprint}. Nothing was changed.`);
    const head = this.o.repo.head();
    if (cp.size > head.size) throw new AppError("INTEGRITY_ERROR", `The receipt covers ${cp.size} records but this laptop has only ${head.size}. Nothing was changed.`);
    const root = foldRange(compactRange(this.o.repo.leafHashes(cp.size)));
    if (!root.equals(cp.rootHash)) {
      throw new AppError("INTEGRITY_ERROR", "The receipt's root does not match this laptop's log at that size: IT holds a different history. Nothing was changed.");
    }
    const cosignedAt = new Date(Number(timestamp) * 1000).toISOString();
    if (this.receiptedSize() >= cp.size) return { status: "already-held", treeSize: cp.size, cosignedAt };
    this.o.identity.journal.append("receipt.imported", [{ name: `fieldproof:it/${trust.keyName}` }], {
      itKeyName: trust.keyName,
      treeSize: cp.size,
      rootHash: cp.rootHash.toString("base64"),
      cosignedAt,
    });
    this.o.onReceipt?.(cp.size);
    return { status: "imported", treeSize: cp.size, cosignedAt };
  }

  /** Drops and replays every projection from the journal (`fieldproof rebuild`). */
  async rebuild(onProgress?: (done: number, total: number) => void): Promise<{ records: number }> {
    const deviceId = this.o.identity.status().deviceId;
    const total = this.o.repo.head().size;
    if (!deviceId) return { records: 0 };
    let done = 0;
    this.o.repo.transaction(() => {
      this.o.repo.projector.clear();
      for (const r of this.o.repo.allPayloads()) {
        const statement = Statement.parse(JSON.parse(r.payload.toString("utf8")));
        this.o.repo.projector.applyParsed({ deviceId, seq: r.seq, recordedAt: r.recordedAt }, r.kind, statement.predicate.data);
        if (++done % 5000 === 0) onProgress?.(done, total);
      }
    });
    onProgress?.(total, total);
    return { records: total };
  }

  /** Records after IT's last receipt other than receipt imports: what IT is really missing. */
  changesSinceReceipt(): number {
    return this.o.repo.countSinceExcludingReceipts(this.receiptedSize());
  }

  receiptedSize(): number {
    const deviceId = this.o.identity.status().deviceId;
    return deviceId ? (this.o.repo.latestReceipt(deviceId)?.treeSize ?? 0) : 0;
  }

  deviceKeyId(): string {
    return keyIdOf(publicKeyFromPem(this.o.identity.devicePublicKeyPem()));
  }
}

function readSmallFile(path: string, what: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new AppError("IO_ERROR", `Cannot read the ${what} at ${path}: ${(error as Error).message}`);
  }
  if (size > MAX_SMALL_FILE) throw new AppError("INVALID_REQUEST", `${path} is ${size} bytes: too large to be a ${what}.`);
  return readFileSync(path, "utf8");
}

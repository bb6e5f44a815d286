import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { PAYLOAD_TYPE, PREDICATE_TYPE, RecordData, STATEMENT_TYPE, ZERO_HASH, type Actor, type RecordDataOf, type RecordKind, type Statement } from "../../shared/evidence";
import type { JournalRepository, StoredRecord } from "../db/journalRepository";
import { sha256Hex } from "./crypto";
import { signEnvelope, type Signer } from "./dsse";
import { leafHash } from "./merkle";

/** Who signs records right now: always the device; the technician too when signed in with a key. */
export interface ActiveSigners {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly device: Signer;
  readonly technician: { readonly name: string; readonly auth: "pin" | "none"; readonly signer: Signer | null } | null;
}

export interface SubjectRef {
  readonly name: string;
  /** Hex SHA-256 of the subject when it has one of its own (a certificate's DER); else of its name. */
  readonly sha256?: string;
}

export interface AppendedRecord {
  readonly seq: number;
  readonly kind: RecordKind;
  readonly payloadHash: string;
}

export function originOf(deviceId: string): string {
  return `fieldproof/device/${deviceId}`;
}

/**
 * The single write path for what people decide and observe: every change becomes a signed, chained
 * record, and its projection is updated in the same SQLite transaction.
 */
export class Journal {
  constructor(
    private readonly repo: JournalRepository,
    private readonly signers: () => ActiveSigners,
    private readonly now: () => Date,
  ) {}

  append<K extends RecordKind>(kind: K, subjects: readonly SubjectRef[], data: RecordDataOf<K>, coSigners: readonly Signer[] = []): AppendedRecord {
    return this.repo.transaction(() => this.appendInTransaction(kind, subjects, data, coSigners));
  }

  /** Several records in one transaction (one fsync): a scan's observations, a bulk assignment. */
  appendMany(entries: readonly { kind: RecordKind; subjects: readonly SubjectRef[]; data: unknown }[]): AppendedRecord[] {
    return this.repo.transaction(() => entries.map((e) => this.appendInTransaction(e.kind, e.subjects, e.data as never)));
  }

  /**
   * For callers that write other rows in the same transaction as the record (a pending rotation and
   * its sealed secret): run inside `transaction()`.
   */
  transaction<T>(fn: () => T): T {
    return this.repo.transaction(fn);
  }

  /** `coSigners` (approvers) add their signatures to the envelope, after the device's and the technician's. */
  appendInTransaction<K extends RecordKind>(kind: K, subjects: readonly SubjectRef[], data: RecordDataOf<K>, coSigners: readonly Signer[] = []): AppendedRecord {
    const checked = RecordData[kind].safeParse(data);
    if (!checked.success) {
      throw new AppError("INTERNAL", `Refusing to sign a ${kind} record that does not match its schema: ${describeIssues(checked.error, 3)}`);
    }
    if (subjects.length === 0) throw new AppError("INTERNAL", `A ${kind} record needs at least one subject.`);
    const active = this.signers();
    const head = this.repo.head();
    const recordedAt = this.now().toISOString();
    const actor: Actor = {
      device: { id: active.deviceId, name: active.deviceName, keyid: active.device.keyid },
      technician: active.technician
        ? { name: active.technician.name, keyid: active.technician.signer?.keyid ?? null, auth: active.technician.auth }
        : null,
    };
    const statement: Statement = {
      _type: STATEMENT_TYPE,
      subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 ?? sha256Hex(s.name) } })),
      predicateType: PREDICATE_TYPE,
      predicate: {
        log: { origin: originOf(active.deviceId), seq: head.size, prev: head.lastPayloadHash ? `sha256:${head.lastPayloadHash}` : ZERO_HASH },
        kind,
        recordedAt,
        actor,
        data: checked.data,
      },
    };
    const payload = Buffer.from(JSON.stringify(statement), "utf8");
    const signers: Signer[] = [active.device];
    if (active.technician?.signer) signers.push(active.technician.signer);
    for (const co of coSigners) if (!signers.some((s) => s.keyid === co.keyid)) signers.push(co);
    const envelope = signEnvelope(PAYLOAD_TYPE, payload, signers);
    const record: StoredRecord = {
      seq: head.size,
      kind,
      recordedAt,
      subject: subjects[0]!.name,
      payload,
      envelope: JSON.stringify(envelope),
      payloadHash: sha256Hex(payload),
      leafHash: leafHash(payload),
    };
    this.repo.insert(record);
    this.repo.project({ deviceId: active.deviceId, seq: record.seq, recordedAt }, kind, checked.data);
    return { seq: record.seq, kind, payloadHash: record.payloadHash };
  }
}

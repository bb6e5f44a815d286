import type { Database } from "better-sqlite3";

export interface RotationRow {
  readonly rotationId: string;
  readonly batchId: string | null;
  readonly identityId: string;
  readonly controllerId: string;
  readonly userName: string;
  readonly method: string;
  readonly reason: string;
  readonly workOrder: string;
  readonly opState: string;
  readonly state: string;
  readonly sealedFile: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly pendingSeq: number;
  readonly detail: Record<string, unknown>;
}

interface RotationSql {
  rotation_id: string;
  batch_id: string | null;
  identity_id: string;
  controller_id: string;
  user_name: string;
  method: string;
  reason: string;
  work_order: string;
  op_state: string;
  state: string;
  sealed_file: string | null;
  started_at: string;
  finished_at: string | null;
  pending_seq: number;
  detail: string;
}

const toRow = (r: RotationSql): RotationRow => ({
  rotationId: r.rotation_id,
  batchId: r.batch_id,
  identityId: r.identity_id,
  controllerId: r.controller_id,
  userName: r.user_name,
  method: r.method,
  reason: r.reason,
  workOrder: r.work_order,
  opState: r.op_state,
  state: r.state,
  sealedFile: r.sealed_file,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  pendingSeq: r.pending_seq,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** Rotations (projection) and the sealed secrets waiting for IT's receipt (local table). */
export class RotationRepository {
  constructor(private readonly db: Database) {}

  list(limit = 1000): RotationRow[] {
    return this.db.prepare<[number], RotationSql>("SELECT * FROM p_rotations ORDER BY started_at DESC, rotation_id LIMIT ?").all(limit).map(toRow);
  }

  get(rotationId: string): RotationRow | undefined {
    const row = this.db.prepare<[string], RotationSql>("SELECT * FROM p_rotations WHERE rotation_id = ?").get(rotationId);
    return row ? toRow(row) : undefined;
  }

  pending(): RotationRow[] {
    return this.db.prepare<[], RotationSql>("SELECT * FROM p_rotations WHERE state = 'pending' ORDER BY pending_seq").all().map(toRow);
  }

  batch(batchId: string): RotationRow[] {
    return this.db.prepare<[string], RotationSql>("SELECT * FROM p_rotations WHERE batch_id = ? ORDER BY controller_id").all(batchId).map(toRow);
  }

  /** Latest committed rotation date per identity and controller. */
  lastCommitted(): { identityId: string; controllerId: string; at: string }[] {
    return this.db
      .prepare<[], { identity_id: string; controller_id: string; at: string }>(
        "SELECT identity_id, controller_id, MAX(finished_at) AS at FROM p_rotations WHERE state = 'committed' GROUP BY identity_id, controller_id",
      )
      .all()
      .map((r) => ({ identityId: r.identity_id, controllerId: r.controller_id, at: r.at }));
  }

  saveBatch(batchId: string, identityId: string, controllerIds: readonly string[], request: Record<string, unknown>, at: string): void {
    this.db
      .prepare("INSERT INTO rotation_batches (batch_id, identity_id, controllers, request, created_at) VALUES (?, ?, ?, ?, ?)")
      .run(batchId, identityId, JSON.stringify(controllerIds), JSON.stringify(request), at);
  }

  batchPlan(batchId: string): { identityId: string; controllerIds: string[]; request: Record<string, unknown> } | undefined {
    const row = this.db.prepare<[string], { identity_id: string; controllers: string; request: string }>("SELECT * FROM rotation_batches WHERE batch_id = ?").get(batchId);
    return row ? { identityId: row.identity_id, controllerIds: JSON.parse(row.controllers) as string[], request: JSON.parse(row.request) as Record<string, unknown> } : undefined;
  }

  insertSealed(file: string, rotationId: string, data: Buffer, sha256: string, createdAt: string, pendingSeq: number): void {
    this.db.prepare("INSERT INTO sealed_secrets (file, rotation_id, data, sha256, created_at, pending_seq) VALUES (?, ?, ?, ?, ?, ?)").run(file, rotationId, data, sha256, createdAt, pendingSeq);
  }

  deleteSealed(rotationId: string): void {
    this.db.prepare("DELETE FROM sealed_secrets WHERE rotation_id = ?").run(rotationId);
  }

  /** Sealed secrets whose pending record IT has not receipted yet: they travel with every export. */
  /** The sealed secrets IT has no receipt for yet; with `upToSeq`, only those a record up to that seq names. */
  sealedForExport(upToSeq?: number): { name: string; data: Buffer }[] {
    return this.db
      .prepare<[number], { file: string; data: Buffer }>("SELECT file, data FROM sealed_secrets WHERE pending_seq <= ? ORDER BY pending_seq")
      .all(upToSeq ?? Number.MAX_SAFE_INTEGER)
      .map((r) => ({ name: r.file, data: r.data }));
  }

  /** Drops the local copies IT now holds (its receipt covers the record that referenced them). */
  releaseSealed(treeSize: number): number {
    return this.db.prepare("DELETE FROM sealed_secrets WHERE pending_seq < ?").run(treeSize).changes;
  }

  /** Who received each rotation's password (handovers of shared accounts). */
  handovers(rotationIds: readonly string[]): { rotationId: string; personId: string; personName: string; method: string; at: string }[] {
    if (rotationIds.length === 0) return [];
    return this.db
      .prepare<string[], { rotation_id: string; person_id: string; person_name: string; method: string; at: string }>(
        `SELECT rotation_id, person_id, person_name, method, at FROM p_handovers WHERE rotation_id IN (${rotationIds.map(() => "?").join(", ")}) ORDER BY seq`,
      )
      .all(...rotationIds)
      .map((r) => ({ rotationId: r.rotation_id, personId: r.person_id, personName: r.person_name, method: r.method, at: r.at }));
  }
}

import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler, StatementCache } from "./types";

function finish(sql: StatementCache, rotationId: string, state: string, at: string, seq: number, detail: unknown): void {
  sql.run("UPDATE p_rotations SET state = ?, finished_at = ?, finished_seq = ?, detail = json_patch(detail, ?) WHERE rotation_id = ?", state, at, seq, JSON.stringify(detail), rotationId);
}

export const rotationHandlers = {
  "rotation.pending": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_rotations (rotation_id, device_id, batch_id, identity_id, controller_id, user_name, method, reason, work_order, op_state, state, sealed_file, started_at, pending_seq, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)`,
      d.rotationId,
      ctx.deviceId,
      d.batchId,
      d.identityId,
      d.controllerId,
      d.userName,
      d.method,
      d.reason,
      d.workOrder,
      d.operationalState,
      d.sealed.file,
      ctx.recordedAt,
      ctx.seq,
      JSON.stringify({ call: d.call, approvals: d.approvals, actingUser: d.actingUser }),
    );
  }) as ProjectionHandler<RecordDataOf<"rotation.pending">>,
  "rotation.committed": ((sql, ctx, d) => finish(sql, d.rotationId, "committed", ctx.recordedAt, ctx.seq, d)) as ProjectionHandler<RecordDataOf<"rotation.committed">>,
  "rotation.failed": ((sql, ctx, d) => finish(sql, d.rotationId, `failed:${d.controllerHolds}`, ctx.recordedAt, ctx.seq, d)) as ProjectionHandler<RecordDataOf<"rotation.failed">>,
  "rotation.resolved": ((sql, ctx, d) => {
    // An unreachable controller keeps the rotation pending: it must be probed again later.
    if (d.outcome === "unreachable") return;
    finish(sql, d.rotationId, d.outcome === "completed" ? "committed" : `resolved:${d.outcome}`, ctx.recordedAt, ctx.seq, d);
  }) as ProjectionHandler<RecordDataOf<"rotation.resolved">>,
  "secret.handedOver": ((sql, ctx, d) => {
    for (const r of d.rotations) {
      sql.run(
        "INSERT INTO p_handovers (device_id, rotation_id, person_id, person_name, method, at, seq) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        ctx.deviceId,
        r.rotationId,
        d.personId,
        d.personName,
        d.method,
        ctx.recordedAt,
        ctx.seq,
      );
    }
  }) as ProjectionHandler<RecordDataOf<"secret.handedOver">>,
};

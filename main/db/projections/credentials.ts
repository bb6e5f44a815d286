import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler, StatementCache } from "./types";

interface Answers {
  readonly identityId: string;
  readonly acceptedOn: readonly string[];
  readonly refusedOn: readonly string[];
}

/**
 * A new check replaces the previous answer for each controller it asked; controllers not asked this
 * time keep theirs. `statement` takes (identity, controller, accepted, ...rest).
 */
function putAnswers(sql: StatementCache, statement: string, d: Answers, ...rest: (string | number)[]): void {
  for (const id of d.acceptedOn) sql.run(statement, d.identityId, id, 1, ...rest);
  for (const id of d.refusedOn) sql.run(statement, d.identityId, id, 0, ...rest);
}

export const credentialHandlers = {
  "credential.checked": ((sql, ctx, d) =>
    putAnswers(
      sql,
      `INSERT INTO p_credential_checks (identity_id, controller_id, accepted, check_seq, device_id, checked_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(identity_id, controller_id) DO UPDATE SET check_seq = excluded.check_seq, device_id = excluded.device_id, accepted = excluded.accepted, checked_at = excluded.checked_at`,
      d,
      ctx.seq,
      ctx.deviceId,
      ctx.recordedAt,
    )) as ProjectionHandler<RecordDataOf<"credential.checked">>,
  "credential.defaultChecked": ((sql, ctx, d) =>
    putAnswers(
      sql,
      `INSERT INTO p_default_checks (identity_id, controller_id, accepted, check_seq, checked_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(identity_id, controller_id) DO UPDATE SET check_seq = excluded.check_seq, accepted = excluded.accepted, checked_at = excluded.checked_at`,
      d,
      ctx.seq,
      ctx.recordedAt,
    )) as ProjectionHandler<RecordDataOf<"credential.defaultChecked">>,
};

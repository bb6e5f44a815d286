import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler } from "./types";

export const credentialHandlers = {
  "credential.checked": ((sql, ctx, d) => {
    // A new check replaces the previous answers for this account; controllers not asked this time keep theirs.
    const put = (controllerId: string, accepted: number): void =>
      sql.run(
        `INSERT INTO p_credential_checks (identity_id, controller_id, check_seq, device_id, accepted, checked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(identity_id, controller_id) DO UPDATE SET check_seq = excluded.check_seq, device_id = excluded.device_id, accepted = excluded.accepted, checked_at = excluded.checked_at`,
        d.identityId,
        controllerId,
        ctx.seq,
        ctx.deviceId,
        accepted,
        ctx.recordedAt,
      );
    for (const id of d.acceptedOn) put(id, 1);
    for (const id of d.refusedOn) put(id, 0);
  }) as ProjectionHandler<RecordDataOf<"credential.checked">>,
  "credential.defaultChecked": ((sql, ctx, d) => {
    // As above: the newest answer per controller; controllers not tried keep theirs.
    const put = (controllerId: string, accepted: number): void =>
      sql.run(
        `INSERT INTO p_default_checks (identity_id, controller_id, check_seq, accepted, checked_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(identity_id, controller_id) DO UPDATE SET check_seq = excluded.check_seq, accepted = excluded.accepted, checked_at = excluded.checked_at`,
        d.identityId,
        controllerId,
        ctx.seq,
        accepted,
        ctx.recordedAt,
      );
    for (const id of d.acceptedOn) put(id, 1);
    for (const id of d.refusedOn) put(id, 0);
  }) as ProjectionHandler<RecordDataOf<"credential.defaultChecked">>,
};

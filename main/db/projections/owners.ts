import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler } from "./types";

export const ownerHandlers = {
  "team.upserted": ((sql, _ctx, d) => {
    sql.run(
      "INSERT INTO p_teams (team_id, name, description) VALUES (?, ?, ?) ON CONFLICT(team_id) DO UPDATE SET name = excluded.name, description = excluded.description",
      d.teamId,
      d.name,
      d.description,
    );
  }) as ProjectionHandler<RecordDataOf<"team.upserted">>,

  "person.upserted": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_people (person_id, name, role, employer, company, team_id, public_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(person_id) DO UPDATE SET name = excluded.name, role = excluded.role, employer = excluded.employer, company = excluded.company,
         team_id = excluded.team_id, public_key = COALESCE(excluded.public_key, p_people.public_key), updated_at = excluded.updated_at`,
      d.personId,
      d.name,
      d.role,
      d.employer,
      d.company,
      d.teamId,
      d.publicKeyPem,
      ctx.recordedAt,
    );
  }) as ProjectionHandler<RecordDataOf<"person.upserted">>,

  "person.left": ((sql, _ctx, d) => {
    sql.run("UPDATE p_people SET left_at = ? WHERE person_id = ?", d.leftAt, d.personId);
  }) as ProjectionHandler<RecordDataOf<"person.left">>,

  "ownership.set": ((sql, ctx, d) => {
    if (d.owner === null) {
      sql.run("DELETE FROM p_ownership WHERE target_type = ? AND target_id = ?", d.target.type, d.target.id);
      return;
    }
    sql.run(
      `INSERT INTO p_ownership (target_type, target_id, owner_type, owner_id, purpose, scope, expires_at, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(target_type, target_id) DO UPDATE SET owner_type = excluded.owner_type, owner_id = excluded.owner_id, purpose = excluded.purpose,
         scope = excluded.scope, expires_at = excluded.expires_at, set_at = excluded.set_at`,
      d.target.type,
      d.target.id,
      d.owner.type,
      d.owner.id,
      d.purpose,
      d.scope,
      d.expiresAt,
      ctx.recordedAt,
    );
  }) as ProjectionHandler<RecordDataOf<"ownership.set">>,

  "holder.added": ((sql, _ctx, d) => {
    sql.run(
      "INSERT INTO p_holders (identity_id, person_id, since, removed_at) VALUES (?, ?, ?, NULL) ON CONFLICT(identity_id, person_id) DO UPDATE SET since = excluded.since, removed_at = NULL",
      d.identityId,
      d.personId,
      d.since,
    );
  }) as ProjectionHandler<RecordDataOf<"holder.added">>,

  "holder.removed": ((sql, _ctx, d) => {
    sql.run("UPDATE p_holders SET removed_at = ? WHERE identity_id = ? AND person_id = ?", d.at, d.identityId, d.personId);
  }) as ProjectionHandler<RecordDataOf<"holder.removed">>,

  "usage.attested": ((sql, ctx, d) => {
    sql.run(
      "INSERT INTO p_usages (seq, device_id, identity_id, person_id, controller_id, work_order, from_at, to_at, break_glass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ctx.seq,
      ctx.deviceId,
      d.identityId,
      d.personId,
      d.controllerId,
      d.workOrder,
      d.from,
      d.to,
      d.breakGlass ? 1 : 0,
    );
  }) as ProjectionHandler<RecordDataOf<"usage.attested">>,

  "authority.set": ((sql, _ctx, d) => {
    const cell = d.cell ?? "";
    sql.run("DELETE FROM p_authority WHERE line = ? AND cell = ? AND action = ?", d.line, cell, d.action);
    d.people.forEach((personId, rank) => sql.run("INSERT INTO p_authority (line, cell, action, rank, person_id) VALUES (?, ?, ?, ?, ?)", d.line, cell, d.action, rank, personId));
  }) as ProjectionHandler<RecordDataOf<"authority.set">>,
};

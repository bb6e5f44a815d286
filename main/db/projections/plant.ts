import type { RecordDataOf } from "../../../shared/evidence";
import type { ProjectionHandler, StatementCache } from "./types";

function upsertIdentity(sql: StatementCache, id: string, kind: string, name: string, at: string, seq: number): void {
  sql.run("INSERT INTO p_identities (identity_id, kind, name, first_seen_at, first_seen_seq) VALUES (?, ?, ?, ?, ?) ON CONFLICT(identity_id) DO NOTHING", id, kind, name, at, seq);
}

/** An account identity lives on a controller. */
function linkAccount(sql: StatementCache, controllerId: string, userName: string, at: string, seq: number): void {
  const id = accountIdentityId(userName);
  upsertIdentity(sql, id, "user", userName, at, seq);
  sql.run("INSERT INTO p_identity_controllers (identity_id, controller_id) VALUES (?, ?) ON CONFLICT DO NOTHING", id, controllerId);
}

/** Identity ids: one per account name across the plant (a shared account is one identity on many controllers). */
export function accountIdentityId(userName: string): string {
  return `user/${userName}`;
}

export function certificateIdentityId(controllerId: string): string {
  return `certificate/${controllerId}`;
}

export const plantHandlers = {
  "plant.loaded": ((sql, ctx, d) => {
    for (const c of d.controllers) {
      sql.run(
        `INSERT INTO p_controllers (controller_id, name, kind, vendor, model, site_id, site_name, area, line, cell, endpoint_url, has_login, declared_seq)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(controller_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, vendor = excluded.vendor, model = excluded.model,
           site_id = excluded.site_id, site_name = excluded.site_name, area = excluded.area, line = excluded.line, cell = excluded.cell,
           endpoint_url = excluded.endpoint_url, has_login = MAX(has_login, excluded.has_login), declared_seq = excluded.declared_seq`,
        c.id,
        c.name,
        c.kind,
        c.vendor,
        c.model,
        d.site.id,
        d.site.name,
        c.area,
        c.line,
        c.cell,
        c.endpointUrl,
        c.hasLogin ? 1 : 0,
        ctx.seq,
      );
    }
  }) as ProjectionHandler<RecordDataOf<"plant.loaded">>,

  "controller.trusted": ((sql, ctx, d) => {
    sql.run(
      "UPDATE p_controllers SET trust_decision = ?, trusted_thumbprint = ?, trusted_at = ? WHERE controller_id = ?",
      d.decision,
      d.decision === "rejected" ? null : d.certificate.thumbprintSha256,
      ctx.recordedAt,
      d.controllerId,
    );
  }) as ProjectionHandler<RecordDataOf<"controller.trusted">>,

  "controller.observed": ((sql, ctx, d) => {
    const p = d.posture;
    // A visit that did not reach the controller keeps what the last good visit learned (certificate,
    // accounts, endpoints), and says when it was not reached.
    const known = sql.one<{ posture: string | null }>("SELECT posture FROM p_controllers WHERE controller_id = ?", d.controllerId);
    if (!p.reachable && known?.posture) {
      sql.run("UPDATE p_controllers SET reachable = 0, not_reached_at = ? WHERE controller_id = ?", p.observedAt, d.controllerId);
      return;
    }
    sql.run(
      "UPDATE p_controllers SET last_observed_at = ?, last_observed_seq = ?, reachable = ?, posture = ?, changes = ?, not_reached_at = ? WHERE controller_id = ?",
      p.observedAt,
      ctx.seq,
      p.reachable ? 1 : 0,
      JSON.stringify(p),
      JSON.stringify(d.changes),
      p.reachable ? null : p.observedAt,
      d.controllerId,
    );
    if (p.certificate) {
      const id = certificateIdentityId(d.controllerId);
      upsertIdentity(sql, id, "certificate", p.certificate.applicationUri ?? p.certificate.subject, ctx.recordedAt, ctx.seq);
      sql.run("INSERT INTO p_identity_controllers (identity_id, controller_id) VALUES (?, ?) ON CONFLICT DO NOTHING", id, d.controllerId);
    }
    // The account Fieldproof logged in with exists there, whether or not the controller can list it.
    const loggedIn = d.login !== null && p.reachable && !p.gaps.some((g) => g.stage === "session" || g.stage === "connect");
    if (loggedIn) linkAccount(sql, d.controllerId, d.login!.userName, ctx.recordedAt, ctx.seq);
    // Accounts that could not be read keep their last known state; read ones replace it.
    if (p.accounts === null) return;
    sql.run("DELETE FROM p_accounts WHERE controller_id = ?", d.controllerId);
    sql.run("DELETE FROM p_identity_controllers WHERE controller_id = ? AND identity_id LIKE 'user/%'", d.controllerId);
    // Declared accounts and the login stay accounts of the controller when its list is read again.
    if (loggedIn) linkAccount(sql, d.controllerId, d.login!.userName, ctx.recordedAt, ctx.seq);
    sql.run(
      "INSERT INTO p_identity_controllers (identity_id, controller_id) SELECT 'user/' || user_name, controller_id FROM p_declared_accounts WHERE controller_id = ? ON CONFLICT DO NOTHING",
      d.controllerId,
    );
    for (const a of p.accounts) {
      sql.run(
        "INSERT INTO p_accounts (controller_id, user_name, description, user_configuration, roles, observed_at) VALUES (?, ?, ?, ?, ?, ?)",
        d.controllerId,
        a.userName,
        a.description,
        a.userConfiguration,
        JSON.stringify(a.roles),
        p.observedAt,
      );
      linkAccount(sql, d.controllerId, a.userName, ctx.recordedAt, ctx.seq);
    }
  }) as ProjectionHandler<RecordDataOf<"controller.observed">>,

  "account.declared": ((sql, ctx, d) => {
    sql.run(
      `INSERT INTO p_declared_accounts (controller_id, user_name, kind, description, source, declared_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(controller_id, user_name) DO UPDATE SET kind = excluded.kind, description = excluded.description, source = excluded.source, declared_at = excluded.declared_at, seq = excluded.seq`,
      d.controllerId,
      d.userName,
      d.kind,
      d.description,
      d.source,
      ctx.recordedAt,
      ctx.seq,
    );
    linkAccount(sql, d.controllerId, d.userName, ctx.recordedAt, ctx.seq);
  }) as ProjectionHandler<RecordDataOf<"account.declared">>,
};

import type { Database } from "better-sqlite3";
import type { DeclaredAccountKind } from "../../shared/domain/plant";
import type { ControllerPosture } from "../../shared/domain/posture";

export interface ControllerRow {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly vendor: string;
  readonly model: string;
  readonly siteId: string;
  readonly siteName: string;
  readonly area: string;
  readonly line: string;
  readonly cell: string;
  readonly endpointUrl: string;
  readonly hasLogin: boolean;
  readonly trustDecision: string | null;
  readonly trustedThumbprint: string | null;
  readonly trustedAt: string | null;
  readonly lastObservedAt: string | null;
  readonly reachable: boolean | null;
  /** The last visit that did not reach it, when that is after the last good one. */
  readonly notReachedAt: string | null;
  readonly posture: ControllerPosture | null;
  readonly changes: readonly { kind: string; severity: string; text: string }[];
}

interface ControllerSql {
  controller_id: string;
  name: string;
  kind: string;
  vendor: string;
  model: string;
  site_id: string;
  site_name: string;
  area: string;
  line: string;
  cell: string;
  endpoint_url: string;
  has_login: number;
  trust_decision: string | null;
  trusted_thumbprint: string | null;
  trusted_at: string | null;
  last_observed_at: string | null;
  reachable: number | null;
  not_reached_at: string | null;
  posture: string | null;
  changes: string | null;
}

const toRow = (r: ControllerSql): ControllerRow => ({
  id: r.controller_id,
  name: r.name,
  kind: r.kind,
  vendor: r.vendor,
  model: r.model,
  siteId: r.site_id,
  siteName: r.site_name,
  area: r.area,
  line: r.line,
  cell: r.cell,
  endpointUrl: r.endpoint_url,
  hasLogin: r.has_login === 1,
  trustDecision: r.trust_decision,
  trustedThumbprint: r.trusted_thumbprint,
  trustedAt: r.trusted_at,
  lastObservedAt: r.last_observed_at,
  reachable: r.reachable === null ? null : r.reachable === 1,
  notReachedAt: r.not_reached_at,
  posture: r.posture ? (JSON.parse(r.posture) as ControllerPosture) : null,
  changes: r.changes ? (JSON.parse(r.changes) as ControllerRow["changes"]) : [],
});

export interface IdentityLinkRow {
  readonly identityId: string;
  readonly kind: string;
  readonly name: string;
  readonly firstSeenAt: string;
  readonly controllerId: string;
}

export interface AccountRow {
  readonly controllerId: string;
  readonly userName: string;
  readonly description: string;
  readonly userConfiguration: number;
  readonly roles: readonly string[];
}

/** An account declared where the controller cannot list its accounts. */
export interface DeclaredAccountRow {
  readonly controllerId: string;
  readonly userName: string;
  readonly kind: DeclaredAccountKind;
  readonly description: string;
  readonly source: "plant-file" | "technician" | "default-check";
  readonly declaredAt: string;
}

/** Read side of the plant projections (controllers, accounts, identities). */
export class PlantRepository {
  constructor(private readonly db: Database) {}

  controllers(): ControllerRow[] {
    return this.db.prepare<[], ControllerSql>("SELECT * FROM p_controllers ORDER BY area, line, cell, name").all().map(toRow);
  }

  controller(id: string): ControllerRow | undefined {
    const row = this.db.prepare<[string], ControllerSql>("SELECT * FROM p_controllers WHERE controller_id = ?").get(id);
    return row ? toRow(row) : undefined;
  }

  controllerByUrl(url: string): ControllerRow | undefined {
    const row = this.db.prepare<[string], ControllerSql>("SELECT * FROM p_controllers WHERE endpoint_url = ?").get(url);
    return row ? toRow(row) : undefined;
  }

  /** Every identity with each controller it lives on (one row per link). */
  identityLinks(): IdentityLinkRow[] {
    return this.db
      .prepare<[], { identity_id: string; kind: string; name: string; first_seen_at: string; controller_id: string }>(
        `SELECT i.identity_id, i.kind, i.name, i.first_seen_at, l.controller_id
         FROM p_identities i JOIN p_identity_controllers l ON l.identity_id = i.identity_id ORDER BY i.identity_id, l.controller_id`,
      )
      .all()
      .map((r) => ({ identityId: r.identity_id, kind: r.kind, name: r.name, firstSeenAt: r.first_seen_at, controllerId: r.controller_id }));
  }

  /** Controllers where the latest reuse check found the typed password accepted, per identity. */
  sameSecret(): Map<string, string[]> {
    const rows = this.db.prepare<[], { identity_id: string; controller_id: string }>("SELECT identity_id, controller_id FROM p_credential_checks WHERE accepted = 1").all();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(r.identity_id, [...(out.get(r.identity_id) ?? []), r.controller_id]);
    return out;
  }

  /** Where the latest factory-default check found the published password working: identity → controller → when. */
  defaultPasswordWorks(): Map<string, Map<string, string>> {
    const rows = this.db.prepare<[], { identity_id: string; controller_id: string; checked_at: string }>("SELECT identity_id, controller_id, checked_at FROM p_default_checks WHERE accepted = 1").all();
    const out = new Map<string, Map<string, string>>();
    for (const r of rows) {
      const byController = out.get(r.identity_id) ?? new Map<string, string>();
      byController.set(r.controller_id, r.checked_at);
      out.set(r.identity_id, byController);
    }
    return out;
  }

  accounts(): AccountRow[] {
    return this.db
      .prepare<[], { controller_id: string; user_name: string; description: string; user_configuration: number; roles: string }>("SELECT * FROM p_accounts")
      .all()
      .map((r) => ({ controllerId: r.controller_id, userName: r.user_name, description: r.description, userConfiguration: r.user_configuration, roles: JSON.parse(r.roles) as string[] }));
  }

  declaredAccounts(): DeclaredAccountRow[] {
    return this.db
      .prepare<[], { controller_id: string; user_name: string; kind: string; description: string; source: string; declared_at: string }>("SELECT * FROM p_declared_accounts ORDER BY controller_id, user_name")
      .all()
      .map((r) => ({
        controllerId: r.controller_id,
        userName: r.user_name,
        kind: r.kind as DeclaredAccountKind,
        description: r.description,
        source: r.source as DeclaredAccountRow["source"],
        declaredAt: r.declared_at,
      }));
  }
}

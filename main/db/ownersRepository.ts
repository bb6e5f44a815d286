import type { Database } from "better-sqlite3";
import type { AuthorityEntry, OwnershipEntry } from "../../shared/domain/ownership";

export interface PersonRow {
  readonly personId: string;
  readonly name: string;
  readonly role: string;
  readonly employer: "staff" | "contractor" | "vendor";
  readonly company: string;
  readonly teamId: string | null;
  readonly publicKey: string | null;
  readonly leftAt: string | null;
}

export interface TeamRow {
  readonly teamId: string;
  readonly name: string;
  readonly description: string;
}

export interface OwnershipRow extends OwnershipEntry {
  readonly setAt: string;
}

export interface HolderRow {
  readonly identityId: string;
  readonly personId: string;
  readonly since: string;
  readonly removedAt: string | null;
}

export interface UsageRow {
  readonly identityId: string;
  readonly personId: string;
  readonly controllerId: string;
  readonly workOrder: string;
  readonly from: string;
  readonly to: string | null;
  readonly breakGlass: boolean;
}

export type AuthorityRow = AuthorityEntry;

/** Read side of people, teams, ownership, holders, uses and authority; plus approvers' local keys. */
export class OwnersRepository {
  constructor(private readonly db: Database) {}

  people(): PersonRow[] {
    return this.db
      .prepare<[], { person_id: string; name: string; role: string; employer: PersonRow["employer"]; company: string; team_id: string | null; public_key: string | null; left_at: string | null }>(
        "SELECT * FROM p_people ORDER BY name",
      )
      .all()
      .map((r) => ({ personId: r.person_id, name: r.name, role: r.role, employer: r.employer, company: r.company, teamId: r.team_id, publicKey: r.public_key, leftAt: r.left_at }));
  }

  teams(): TeamRow[] {
    return this.db
      .prepare<[], { team_id: string; name: string; description: string }>("SELECT * FROM p_teams ORDER BY name")
      .all()
      .map((r) => ({ teamId: r.team_id, name: r.name, description: r.description }));
  }

  ownerships(): OwnershipRow[] {
    return this.db
      .prepare<[], { target_type: OwnershipRow["targetType"]; target_id: string; owner_type: OwnershipRow["ownerType"]; owner_id: string; purpose: string; scope: string; expires_at: string | null; set_at: string }>(
        "SELECT * FROM p_ownership ORDER BY target_type, target_id",
      )
      .all()
      .map((r) => ({ targetType: r.target_type, targetId: r.target_id, ownerType: r.owner_type, ownerId: r.owner_id, purpose: r.purpose, scope: r.scope, expiresAt: r.expires_at, setAt: r.set_at }));
  }

  holders(): HolderRow[] {
    return this.db
      .prepare<[], { identity_id: string; person_id: string; since: string; removed_at: string | null }>("SELECT * FROM p_holders ORDER BY identity_id, person_id")
      .all()
      .map((r) => ({ identityId: r.identity_id, personId: r.person_id, since: r.since, removedAt: r.removed_at }));
  }

  usages(): UsageRow[] {
    return this.db
      .prepare<[], { identity_id: string; person_id: string; controller_id: string; work_order: string; from_at: string; to_at: string | null; break_glass: number }>(
        "SELECT * FROM p_usages ORDER BY from_at",
      )
      .all()
      .map((r) => ({ identityId: r.identity_id, personId: r.person_id, controllerId: r.controller_id, workOrder: r.work_order, from: r.from_at, to: r.to_at, breakGlass: r.break_glass === 1 }));
  }

  authority(): AuthorityRow[] {
    return this.db
      .prepare<[], { line: string; cell: string; action: AuthorityRow["action"]; rank: number; person_id: string }>("SELECT * FROM p_authority ORDER BY line, cell, action, rank")
      .all()
      .map((r) => ({ line: r.line, cell: r.cell, action: r.action, rank: r.rank, personId: r.person_id }));
  }

  personKey(personId: string): { publicKey: string; keyId: string; protectedKey: string } | undefined {
    const row = this.db.prepare<[string], { public_key: string; key_id: string; protected_key: string }>("SELECT * FROM person_keys WHERE person_id = ?").get(personId);
    return row ? { publicKey: row.public_key, keyId: row.key_id, protectedKey: row.protected_key } : undefined;
  }

  setPersonKey(personId: string, key: { publicKey: string; keyId: string; protectedKey: string }): void {
    this.db
      .prepare(
        "INSERT INTO person_keys (person_id, public_key, key_id, protected_key) VALUES (?, ?, ?, ?) ON CONFLICT(person_id) DO UPDATE SET public_key = excluded.public_key, key_id = excluded.key_id, protected_key = excluded.protected_key",
      )
      .run(personId, key.publicKey, key.keyId, key.protectedKey);
  }

  /** Rotations that finished (committed) per identity: the latest date, for "last rotated". */
  lastRotations(): Map<string, string> {
    const rows = this.db
      .prepare<[], { identity_id: string; at: string }>("SELECT identity_id, MAX(finished_at) AS at FROM p_rotations WHERE state = 'committed' GROUP BY identity_id")
      .all();
    return new Map(rows.map((r) => [r.identity_id, r.at]));
  }
}

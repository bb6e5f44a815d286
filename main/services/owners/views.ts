import type { AuthorityRowView, Directory, PersonView } from "../../../shared/contract";
import type { AuthorityRow, HolderRow, OwnershipRow, PersonRow, TeamRow } from "../../db/ownersRepository";
import type { ControllerRow } from "../../db/plantRepository";

const ACTIONS = ["approve", "revoke", "pause", "override"] as const;

/** What the Owners screen shows of a person: never their key, only whether they have one here. */
export function personView(p: PersonRow, holds: readonly string[], hasApproverKey: boolean): PersonView {
  return { personId: p.personId, name: p.name, role: p.role, employer: p.employer, company: p.company, teamId: p.teamId, leftAt: p.leftAt, hasApproverKey, holds: [...holds] };
}

/** The identities each person holds now (not removed). */
export function currentHoldings(holders: readonly HolderRow[]): Map<string, string[]> {
  const byPerson = new Map<string, string[]>();
  for (const h of holders) {
    if (h.removedAt !== null) continue;
    const held = byPerson.get(h.personId);
    if (held) held.push(h.identityId);
    else byPerson.set(h.personId, [h.identityId]);
  }
  return byPerson;
}

export function teamMembers(people: readonly PersonRow[], teamId: string): number {
  return people.filter((p) => p.teamId === teamId && !p.leftAt).length;
}

export function directory(facts: { people: readonly PersonRow[]; teams: readonly TeamRow[]; holders: readonly HolderRow[]; ownerships: readonly OwnershipRow[] }, hasApproverKey: (personId: string) => boolean): Directory {
  const { people, teams, ownerships } = facts;
  const holds = currentHoldings(facts.holders);
  const personName = new Map(people.map((p) => [p.personId, p.name]));
  const teamName = new Map(teams.map((t) => [t.teamId, t.name]));
  return {
    people: people.map((p) => personView(p, holds.get(p.personId) ?? [], hasApproverKey(p.personId))),
    teams: teams.map((t) => ({ ...t, members: teamMembers(people, t.teamId) })),
    ownerships: ownerships.map((o) => ({ ...o, ownerName: (o.ownerType === "team" ? teamName.get(o.ownerId) : personName.get(o.ownerId)) ?? o.ownerId })),
  };
}

/**
 * The decision authority matrix: a row per line of the plant and per cell, each action's people in
 * escalation order; a cell with no list of its own for an action shows its line's (inherited).
 */
export function authorityMatrix(controllers: readonly Pick<ControllerRow, "line" | "cell" | "area">[], people: readonly PersonRow[], entries: readonly AuthorityRow[]): AuthorityRowView[] {
  const byId = new Map(people.map((p) => [p.personId, p]));
  const listFor = (line: string, cell: string): AuthorityRowView["actions"] =>
    Object.fromEntries(
      ACTIONS.map((action) => {
        const own = entries.filter((e) => e.line === line && e.cell === cell && e.action === action);
        const inherited = cell !== "" && own.length === 0;
        const list = inherited ? entries.filter((e) => e.line === line && e.cell === "" && e.action === action) : own;
        const named = [...list].sort((a, b) => a.rank - b.rank).map((e) => ({ personId: e.personId, name: byId.get(e.personId)?.name ?? e.personId, leftAt: byId.get(e.personId)?.leftAt ?? null }));
        return [action, { inherited, people: named }];
      }),
    ) as AuthorityRowView["actions"];
  const lines = new Map<string, { area: string; cells: Set<string> }>();
  for (const c of controllers) {
    const entry = lines.get(c.line) ?? { area: c.area, cells: new Set<string>() };
    entry.cells.add(c.cell);
    lines.set(c.line, entry);
  }
  const rows: AuthorityRowView[] = [];
  for (const [line, { area, cells }] of [...lines].sort(([a], [b]) => a.localeCompare(b))) {
    rows.push({ line, cell: null, area, actions: listFor(line, "") });
    for (const cell of [...cells].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))) rows.push({ line, cell, area, actions: listFor(line, cell) });
  }
  return rows;
}

import { AppError } from "../../../shared/domain/errors";
import { type AuthorityRowView, type ownerChannels, type PersonView, type TeamView } from "../../../shared/contract";
import { cellKey } from "../../../shared/domain/ownership";
import { DEFAULT_POLICY } from "../../../shared/findings";
import { addDays, isoDay, parseInstant } from "../../../shared/domain/time";
import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";
import { OwnersCsv } from "../../services/ownersCsv";

const ACTIONS = ["approve", "revoke", "pause", "override"] as const;

/** Handlers of the owner channels (shared/contract/owners.ts). */
export function createOwnerHandlers(services: Services): Pick<Handlers, keyof typeof ownerChannels> {
  const repo = services.repos.owners;
  const owners = services.owners;
  const csv = new OwnersCsv(services);

  const personView = (personId: string): PersonView => {
    const p = owners.person(personId);
    return {
      personId: p.personId,
      name: p.name,
      role: p.role,
      employer: p.employer,
      company: p.company,
      teamId: p.teamId,
      leftAt: p.leftAt,
      hasApproverKey: repo.personKey(p.personId) !== undefined,
      holds: repo.holders().filter((h) => h.personId === p.personId && h.removedAt === null).map((h) => h.identityId),
    };
  };

  const identityIds = (): Set<string> => new Set(services.repos.plant.identityLinks().map((l) => l.identityId));

  const requireIdentity = (id: string): void => {
    if (!identityIds().has(id)) throw new AppError("NOT_FOUND", `No identity ${id} is known. Scan the plant first.`);
  };

  const requireTarget = (target: { type: "identity" | "line" | "cell"; id: string }): void => {
    if (target.type === "identity") return requireIdentity(target.id);
    const controllers = services.repos.plant.controllers();
    if (target.type === "line" && !controllers.some((c) => c.line === target.id)) throw new AppError("NOT_FOUND", `There is no line "${target.id}" in this plant.`);
    if (target.type === "cell" && !controllers.some((c) => cellKey(c.line, c.cell) === target.id)) throw new AppError("NOT_FOUND", `There is no cell "${target.id}" in this plant (cells are written line/cell).`);
  };

  const activePerson = (personId: string, what: string) => {
    const person = owners.person(personId);
    if (person.leftAt) throw new AppError("CONFLICT", `${person.name} left on ${person.leftAt} and cannot ${what}.`);
    return person;
  };

  const authorityRows = (): AuthorityRowView[] => {
    const names = new Map(repo.people().map((p) => [p.personId, p]));
    const entries = repo.authority();
    const listFor = (line: string, cell: string) =>
      Object.fromEntries(
        ACTIONS.map((action) => {
          const own = entries.filter((e) => e.line === line && e.cell === cell && e.action === action);
          const inherited = cell !== "" && own.length === 0;
          const list = inherited ? entries.filter((e) => e.line === line && e.cell === "" && e.action === action) : own;
          const people = [...list].sort((a, b) => a.rank - b.rank).map((e) => ({ personId: e.personId, name: names.get(e.personId)?.name ?? e.personId, leftAt: names.get(e.personId)?.leftAt ?? null }));
          return [action, { inherited, people }];
        }),
      ) as AuthorityRowView["actions"];
    const lines = new Map<string, { area: string; cells: Set<string> }>();
    for (const c of services.repos.plant.controllers()) {
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
  };

  return {
    "owners.list": async () => {
      const people = repo.people();
      const teams = repo.teams();
      const holders = repo.holders().filter((h) => h.removedAt === null);
      const personName = new Map(people.map((p) => [p.personId, p.name]));
      const teamName = new Map(teams.map((t) => [t.teamId, t.name]));
      return {
        people: people.map((p) => ({
          personId: p.personId,
          name: p.name,
          role: p.role,
          employer: p.employer,
          company: p.company,
          teamId: p.teamId,
          leftAt: p.leftAt,
          hasApproverKey: repo.personKey(p.personId) !== undefined,
          holds: holders.filter((h) => h.personId === p.personId).map((h) => h.identityId),
        })),
        teams: teams.map((t): TeamView => ({ ...t, members: people.filter((p) => p.teamId === t.teamId && !p.leftAt).length })),
        ownerships: repo.ownerships().map((o) => ({ ...o, ownerName: (o.ownerType === "team" ? teamName.get(o.ownerId) : personName.get(o.ownerId)) ?? o.ownerId })),
      };
    },

    "owners.upsertTeam": async ({ teamId, name, description }) => {
      owners.upsertTeam(teamId, name, description);
      const team = repo.teams().find((t) => t.teamId === teamId)!;
      return { ...team, members: repo.people().filter((p) => p.teamId === teamId && !p.leftAt).length };
    },

    "owners.upsertPerson": async (input) => {
      owners.upsertPerson(input);
      return personView(input.personId);
    },

    "owners.markLeft": async ({ personId, leftAt }) => {
      const { holderOf } = owners.markLeft(personId, leftAt);
      const graceDays = DEFAULT_POLICY.holderLeftGraceDays;
      const rotateBy = isoDay(addDays(parseInstant(leftAt)!, graceDays));
      const rows = new Map((await services.inventory.identities()).map((r) => [r.id, r]));
      const due = holderOf.map((identityId) => {
        const row = rows.get(identityId);
        return { identityId, name: row?.name ?? identityId, shared: row?.flags.shared ?? false, rotateBy, findings: row?.findings.map((f) => f.code) ?? [] };
      });
      return { person: personView(personId), due, graceDays };
    },

    "owners.setOwnership": async ({ target, owner, purpose, scope, expiresAt }) => {
      requireTarget(target);
      owners.setOwnership([{ target, owner, purpose, scope, expiresAt }]);
      return { updated: 1 };
    },

    "owners.assignBulk": async ({ identityIds: ids, owner, purpose, scope, expiresAt }) => {
      const known = identityIds();
      const unknown = ids.filter((id) => !known.has(id));
      if (unknown.length > 0) throw new AppError("NOT_FOUND", `Unknown identit${unknown.length === 1 ? "y" : "ies"}: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? "…" : ""}. Nothing was changed.`);
      const unique = [...new Set(ids)];
      owners.setOwnership(unique.map((id) => ({ target: { type: "identity" as const, id }, owner, purpose, scope, expiresAt })));
      return { updated: unique.length };
    },

    "owners.addHolder": async ({ identityId, personId, since }) => {
      requireIdentity(identityId);
      const person = activePerson(personId, "become a holder");
      if (repo.holders().some((h) => h.identityId === identityId && h.personId === personId && h.removedAt === null)) {
        throw new AppError("CONFLICT", `${person.name} already holds ${identityId}.`);
      }
      owners.addHolder(identityId, personId, since ?? owners.today());
      return { identityId, personId };
    },

    "owners.removeHolder": async ({ identityId, personId, at }) => {
      owners.removeHolder(identityId, personId, at ?? owners.today());
      return { identityId, personId };
    },

    "owners.attestUse": async (use) => {
      requireIdentity(use.identityId);
      const person = owners.person(use.personId);
      if (person.leftAt && parseInstant(use.from)! > parseInstant(person.leftAt)!) throw new AppError("CONFLICT", `${person.name} left on ${person.leftAt}, before this use.`);
      const lives = services.repos.plant.identityLinks().some((l) => l.identityId === use.identityId && l.controllerId === use.controllerId);
      if (!lives) throw new AppError("NOT_FOUND", `${use.identityId} does not live on controller ${use.controllerId}.`);
      owners.attestUse(use);
      return { identityId: use.identityId };
    },

    "owners.authority": async () => ({ rows: authorityRows() }),

    "owners.setAuthority": async ({ line, cell, action, people }) => {
      requireTarget(cell === null ? { type: "line", id: line } : { type: "cell", id: cellKey(line, cell) });
      for (const id of people) activePerson(id, "be given decision authority");
      owners.setAuthority(line, cell, action, people);
      return authorityRows().find((r) => r.line === line && r.cell === cell)!;
    },

    "owners.importCsv": async ({ path }) => csv.importFile(path),
    "owners.exportCsv": async ({ kind, path }) => csv.exportFile(kind, path),
  };
}

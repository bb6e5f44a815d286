import type { ownerChannels } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";

/** Handlers of the owner channels (shared/contract/owners.ts): one use case each; the rules live in OwnersService. */
export function createOwnerHandlers(services: Services): Pick<Handlers, keyof typeof ownerChannels> {
  const { owners, ownersCsv } = services;
  return {
    "owners.list": async () => owners.directory(),
    "owners.upsertTeam": async (team) => owners.upsertTeam(team),
    "owners.upsertPerson": async (input) => owners.upsertPerson(input),
    "owners.markLeft": async ({ personId, leftAt }) => owners.markLeft(personId, leftAt),
    "owners.setOwnership": async (input) => {
      owners.setOwnership(input);
      return { updated: 1 };
    },
    "owners.assignBulk": async ({ identityIds, ...fields }) => ({ updated: owners.assignOwner(identityIds, fields) }),
    "owners.addHolder": async ({ identityId, personId, since }) => {
      owners.addHolder(identityId, personId, since);
      return { identityId, personId };
    },
    "owners.removeHolder": async ({ identityId, personId, at }) => {
      owners.removeHolder(identityId, personId, at);
      return { identityId, personId };
    },
    "owners.attestUse": async (use) => {
      owners.attestUse(use);
      return { identityId: use.identityId };
    },
    "owners.authority": async () => ({ rows: owners.authorityMatrix() }),
    "owners.setAuthority": async ({ line, cell, action, people }) => owners.setAuthority(line, cell, action, people),
    "owners.importCsv": async ({ path }) => ownersCsv.importFile(path),
    "owners.exportCsv": async ({ kind, path }) => ownersCsv.exportFile(kind, path),
    "owners.exportCsvText": async ({ kind }) => ownersCsv.exportText(kind),
  };
}

import type { AuthorityEntry } from "../../../shared/domain/ownership";
import type { RecordDataOf, RecordKind } from "../../../shared/evidence";
import type { PersonRow, TeamRow, UsageRow } from "../../db/ownersRepository";
import type { SubjectRef } from "../../evidence/journal";
import type { OwnershipTarget, OwnerRef } from "./rules";

/** One record to sign: what the owner use cases write, built in one place per kind. */
export interface RecordEntry<K extends RecordKind = RecordKind> {
  readonly kind: K;
  readonly subjects: readonly SubjectRef[];
  readonly data: RecordDataOf<K>;
}

const entry = <K extends RecordKind>(kind: K, subject: string, data: RecordDataOf<K>): RecordEntry<K> => ({ kind, subjects: [{ name: `fieldproof:${subject}` }], data });

export type TeamInput = TeamRow;

/** A person as a record states them (their approver key and leave date are recorded apart). */
export type PersonFacts = Omit<PersonRow, "publicKey" | "leftAt">;

export interface OwnershipInput {
  readonly target: OwnershipTarget;
  /** null clears the owner set there (an identity then inherits again). */
  readonly owner: OwnerRef | null;
  readonly purpose: string;
  readonly scope: string;
  readonly expiresAt: string | null;
}

/** One attested use: holder X used account Y on controller Z for work order W, from/to. */
export type UseInput = UsageRow;

export type AuthorityAction = AuthorityEntry["action"];

export const ownerRecords = {
  team: (t: TeamInput) => entry("team.upserted", `team/${t.teamId}`, { teamId: t.teamId, name: t.name.trim(), description: t.description }),
  person: (p: PersonFacts, publicKeyPem: string | null) =>
    entry("person.upserted", `person/${p.personId}`, { personId: p.personId, name: p.name.trim(), role: p.role, employer: p.employer, company: p.company, teamId: p.teamId, publicKeyPem }),
  left: (personId: string, leftAt: string) => entry("person.left", `person/${personId}`, { personId, leftAt }),
  ownership: (o: OwnershipInput) => entry("ownership.set", `${o.target.type}/${o.target.id}`, { target: o.target, owner: o.owner, purpose: o.purpose, scope: o.scope, expiresAt: o.expiresAt }),
  holderAdded: (identityId: string, personId: string, since: string) => entry("holder.added", `identity/${identityId}`, { identityId, personId, since }),
  holderRemoved: (identityId: string, personId: string, at: string) => entry("holder.removed", `identity/${identityId}`, { identityId, personId, at }),
  use: (u: UseInput) => entry("usage.attested", `identity/${u.identityId}`, u),
  authority: (line: string, cell: string | null, action: AuthorityAction, people: readonly string[]) =>
    entry("authority.set", `line/${line}${cell ? `/${cell}` : ""}`, { line, cell, action, people: [...people] }),
};

import type { AuthorityRowView, Directory, DueAccount, IdentityRow, PersonView, TeamView } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { cellKey, checkAuthority, type AuthorityCheck, type Placement } from "../../shared/domain/ownership";
import { addDays, isoDay, parseInstant } from "../../shared/domain/time";
import type { OwnersRepository } from "../db/ownersRepository";
import type { PlantRepository } from "../db/plantRepository";
import { generateEd25519, keyIdOf, privateKeyFromDer, publicKeyFromPem } from "../evidence/crypto";
import type { Signer } from "../evidence/dsse";
import type { Identity } from "../evidence/identity";
import { passphraseProtector } from "../evidence/protector";
import { planHoldings, planOwnerships, planPeople, planTeams, type HoldingItem, type ImportPlan, type ItemProblem, type PersonItem } from "./owners/imports";
import { ownerRecords, type AuthorityAction, type OwnershipInput, type PersonFacts, type RecordEntry, type TeamInput, type UseInput } from "./owners/records";
import { OwnerRules } from "./owners/rules";
import { authorityMatrix, currentHoldings, directory, personView, teamMembers } from "./owners/views";

export interface PersonInput extends PersonFacts {
  /** With a PIN, the person gets a personal key on this laptop to approve with. */
  readonly pin?: string | null | undefined;
}

/** What the inventory knows of an identity that `markLeft` reports: its name, whether it is shared, its findings. */
export type IdentityFactsRow = Pick<IdentityRow, "id" | "name" | "flags" | "findings">;

export interface OwnersServiceDeps {
  readonly repo: OwnersRepository;
  /** The plant's controllers (lines, cells) and the identities on them: what owners are set on and holders hold. */
  readonly plant: PlantRepository;
  readonly identity: Identity;
  readonly now: () => Date;
  /** Days after a holder leaves by which the accounts they held must be rotated (the findings policy). */
  readonly holderLeftGraceDays: () => number;
  /** The inventory's identity rows, for the accounts that become due when a holder leaves. */
  readonly identities: () => Promise<readonly IdentityFactsRow[]>;
}

/** An import checked against the store: nothing is written unless `apply()` is called, at once, and there are no problems. */
export interface PlannedImport {
  readonly problems: readonly ItemProblem[];
  readonly changed: number;
  /** Writes every record in one transaction; returns how many. */
  apply(): number;
}

export interface LeftResult {
  readonly person: PersonView;
  readonly due: DueAccount[];
  readonly graceDays: number;
}

/**
 * People, teams, ownership, holders, uses and decision authority: every change a signed record, and
 * every rule (who may own, hold or decide; what exists in the plant) checked here, whoever calls.
 */
export class OwnersService {
  constructor(private readonly deps: OwnersServiceDeps) {}

  private get journal() {
    return this.deps.identity.journal;
  }

  private rules(): OwnerRules {
    return new OwnerRules(this.deps);
  }

  private write(entries: readonly RecordEntry[]): void {
    if (entries.length > 0) this.journal.appendMany(entries);
  }

  /** People (with what they hold), teams (with their active members) and every ownership. */
  directory(): Directory {
    const { repo } = this.deps;
    return directory({ people: repo.people(), teams: repo.teams(), holders: repo.holders(), ownerships: repo.ownerships() }, (id) => repo.personKey(id) !== undefined);
  }

  person(personId: string): PersonView {
    const person = this.rules().person(personId);
    return personView(person, currentHoldings(this.deps.repo.holders()).get(personId) ?? [], this.deps.repo.personKey(personId) !== undefined);
  }

  upsertTeam(team: TeamInput): TeamView {
    this.write([ownerRecords.team(team)]);
    const saved = this.rules().team(team.teamId);
    return { ...saved, members: teamMembers(this.deps.repo.people(), team.teamId) };
  }

  upsertPerson(input: PersonInput): PersonView {
    if (input.teamId) this.rules().team(input.teamId);
    let key: { publicKey: string; keyId: string; protectedKey: string } | undefined;
    if (input.pin) {
      const pair = generateEd25519();
      key = { publicKey: pair.publicKeyPem, keyId: keyIdOf(publicKeyFromPem(pair.publicKeyPem)), protectedKey: passphraseProtector(input.pin, "PIN", 6).protect(pair.privateKeyDer) };
    }
    const record = ownerRecords.person(input, key?.publicKey ?? null);
    this.journal.transaction(() => {
      if (key) this.deps.repo.setPersonKey(input.personId, key);
      this.journal.appendInTransaction(record.kind, record.subjects, record.data);
    });
    return this.person(input.personId);
  }

  /** Marks a person as gone: every account they hold becomes due for rotation within the grace days. */
  async markLeft(personId: string, leftAt: string): Promise<LeftResult> {
    const person = this.rules().person(personId);
    if (person.leftAt) throw new AppError("CONFLICT", `${person.name} is already marked as left (${person.leftAt}).`);
    this.write([ownerRecords.left(personId, leftAt)]);
    const view = this.person(personId);
    const graceDays = this.deps.holderLeftGraceDays();
    const rotateBy = isoDay(addDays(parseInstant(leftAt)!, graceDays));
    const rows = new Map((await this.deps.identities()).map((r) => [r.id, r]));
    const due = view.holds.map((identityId) => {
      const row = rows.get(identityId);
      return { identityId, name: row?.name ?? identityId, shared: row?.flags.shared ?? false, rotateBy, findings: row?.findings.map((f) => f.code) ?? [] };
    });
    return { person: view, due, graceDays };
  }

  /** Sets (or, with owner null, clears) the owner of an identity, a line or a cell. */
  setOwnership(input: OwnershipInput): void {
    const rules = this.rules();
    rules.target(input.target);
    rules.owner(input.owner);
    this.write([ownerRecords.ownership(input)]);
  }

  /** One owner on many identities, in one transaction (one record each); returns how many. */
  assignOwner(identityIds: readonly string[], fields: Omit<OwnershipInput, "target">): number {
    const rules = this.rules();
    const unknown = identityIds.filter((id) => !rules.knowsIdentity(id));
    if (unknown.length > 0) throw new AppError("NOT_FOUND", `Unknown identit${unknown.length === 1 ? "y" : "ies"}: ${unknown.slice(0, 5).join(", ")}${unknown.length > 5 ? "…" : ""}. Nothing was changed.`);
    rules.owner(fields.owner);
    const unique = [...new Set(identityIds)];
    this.write(unique.map((id) => ownerRecords.ownership({ ...fields, target: { type: "identity", id } })));
    return unique.length;
  }

  /** A person becomes a holder (since today unless said): a known identity, a person who has not left. */
  addHolder(identityId: string, personId: string, since?: string): void {
    this.rules().newHolder(identityId, personId);
    this.write([ownerRecords.holderAdded(identityId, personId, since ?? this.today())]);
  }

  removeHolder(identityId: string, personId: string, at?: string): void {
    if (!this.rules().currentHolding(identityId, personId)) throw new AppError("NOT_FOUND", `${personId} does not hold ${identityId}.`);
    this.write([ownerRecords.holderRemoved(identityId, personId, at ?? this.today())]);
  }

  /** An offline check-out/check-in: holder X used account Y on controller Z for work order W. */
  attestUse(use: UseInput): void {
    this.rules().use(use);
    this.write([ownerRecords.use(use)]);
  }

  authorityMatrix(): AuthorityRowView[] {
    return authorityMatrix(this.deps.plant.controllers(), this.deps.repo.people(), this.deps.repo.authority());
  }

  /** Who may act on a line (cell null) or cell, in escalation order; an empty list makes a cell follow its line again. */
  setAuthority(line: string, cell: string | null, action: AuthorityAction, people: readonly string[]): AuthorityRowView {
    const rules = this.rules();
    rules.target(cell === null ? { type: "line", id: line } : { type: "cell", id: cellKey(line, cell) });
    rules.authorityList(people);
    this.write([ownerRecords.authority(line, cell, action, people)]);
    return this.authorityMatrix().find((r) => r.line === line && r.cell === cell)!;
  }

  check(personId: string, action: AuthorityAction, placements: readonly Placement[]): AuthorityCheck {
    const rules = this.rules();
    const person = rules.person(personId);
    if (person.leftAt) return { allowed: false, reason: `${person.name} left on ${person.leftAt}` };
    return checkAuthority(personId, person.name, action, placements, this.deps.repo.authority(), (id) => rules.people.get(id)?.name ?? id);
  }

  /** Who may take this action on every one of these placements and can sign for it here (not left, with a PIN on this laptop), in rank order. */
  whoMay(action: AuthorityAction, placements: readonly Placement[]): { personId: string; name: string }[] {
    const rules = this.rules();
    const ids = [...new Set(this.deps.repo.authority().filter((e) => e.action === action).sort((a, b) => a.rank - b.rank).map((e) => e.personId))];
    return ids.filter((id) => this.deps.repo.personKey(id) !== undefined && this.check(id, action, placements).allowed).map((id) => ({ personId: id, name: rules.people.get(id)?.name ?? id }));
  }

  /** Opens an approver's key with their PIN, to co-sign the record of what they approve. */
  approverSigner(personId: string, pin: string): Signer {
    const person = this.rules().person(personId);
    const key = this.deps.repo.personKey(personId);
    if (!key) throw new AppError("PRECONDITION_FAILED", `${person.name} has no approver key on this laptop. Give them a PIN on the Owners screen first.`);
    return { keyid: key.keyId, key: privateKeyFromDer(passphraseProtector(pin, "PIN", 6).unprotect(key.protectedKey)) };
  }

  // The imports (teams, people, owners, holders files): each item checked by the rules above.

  importTeams(items: readonly TeamInput[]): PlannedImport {
    return this.planned(planTeams(this.rules(), items));
  }

  importPeople(items: readonly PersonItem[]): PlannedImport {
    return this.planned(planPeople(this.rules(), items));
  }

  importOwnerships(items: readonly OwnershipInput[]): PlannedImport {
    return this.planned(planOwnerships(this.rules(), items));
  }

  importHoldings(items: readonly HoldingItem[]): PlannedImport {
    return this.planned(planHoldings(this.rules(), items, this.today()));
  }

  private planned(plan: ImportPlan): PlannedImport {
    return {
      problems: plan.problems,
      changed: plan.changed,
      apply: () => {
        if (plan.problems.length > 0) throw new AppError("INVALID_REQUEST", "An import with problems writes nothing.");
        this.write(plan.entries);
        return plan.entries.length;
      },
    };
  }

  private today(): string {
    return this.deps.now().toISOString().slice(0, 10);
  }
}

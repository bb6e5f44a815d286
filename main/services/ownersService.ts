import { AppError } from "../../shared/domain/errors";
import { checkAuthority, type AuthorityCheck, type Placement } from "../../shared/domain/ownership";
import type { OwnersRepository, PersonRow } from "../db/ownersRepository";
import type { PlantRepository } from "../db/plantRepository";
import { generateEd25519, keyIdOf, privateKeyFromDer, publicKeyFromPem } from "../evidence/crypto";
import type { Signer } from "../evidence/dsse";
import type { Identity } from "../evidence/identity";
import { passphraseProtector } from "../evidence/protector";

export interface PersonInput {
  readonly personId: string;
  readonly name: string;
  readonly role: string;
  readonly employer: "staff" | "contractor" | "vendor";
  readonly company: string;
  readonly teamId: string | null;
  /** With a PIN, the person gets a personal key on this laptop to approve with. */
  readonly pin?: string | null | undefined;
}

export interface OwnershipInput {
  readonly target: { readonly type: "identity" | "line" | "cell"; readonly id: string };
  readonly owner: { readonly type: "person" | "team"; readonly id: string } | null;
  readonly purpose: string;
  readonly scope: string;
  readonly expiresAt: string | null;
}

/** People, teams, ownership, holders, uses and decision authority: every change a signed record. */
export class OwnersService {
  constructor(
    private readonly repo: OwnersRepository,
    private readonly plant: PlantRepository,
    private readonly identity: Identity,
    private readonly now: () => Date,
  ) {}

  private get journal() {
    return this.identity.journal;
  }

  upsertTeam(teamId: string, name: string, description: string): void {
    this.journal.append("team.upserted", [{ name: `fieldproof:team/${teamId}` }], { teamId, name: name.trim(), description });
  }

  upsertPerson(input: PersonInput): void {
    if (input.teamId && !this.repo.teams().some((t) => t.teamId === input.teamId)) throw new AppError("NOT_FOUND", `There is no team ${input.teamId}. Add the team first.`);
    let publicKeyPem: string | null = null;
    let key: { publicKey: string; keyId: string; protectedKey: string } | undefined;
    if (input.pin) {
      const pair = generateEd25519();
      publicKeyPem = pair.publicKeyPem;
      key = { publicKey: pair.publicKeyPem, keyId: keyIdOf(publicKeyFromPem(pair.publicKeyPem)), protectedKey: passphraseProtector(input.pin, "PIN", 6).protect(pair.privateKeyDer) };
    }
    this.journal.transaction(() => {
      if (key) this.repo.setPersonKey(input.personId, key);
      this.journal.appendInTransaction("person.upserted", [{ name: `fieldproof:person/${input.personId}` }], {
        personId: input.personId,
        name: input.name.trim(),
        role: input.role,
        employer: input.employer,
        company: input.company,
        teamId: input.teamId,
        publicKeyPem,
      });
    });
  }

  /** Marks a person as gone: every shared account they hold becomes due for rotation within 30 days. */
  markLeft(personId: string, leftAt: string): { holderOf: string[] } {
    const person = this.person(personId);
    if (person.leftAt) throw new AppError("CONFLICT", `${person.name} is already marked as left (${person.leftAt}).`);
    this.journal.append("person.left", [{ name: `fieldproof:person/${personId}` }], { personId, leftAt });
    return { holderOf: this.repo.holders().filter((h) => h.personId === personId && h.removedAt === null).map((h) => h.identityId) };
  }

  setOwnership(inputs: readonly OwnershipInput[]): void {
    for (const input of inputs) this.checkOwner(input.owner);
    this.journal.transaction(() => {
      for (const input of inputs) {
        this.journal.appendInTransaction("ownership.set", [{ name: `fieldproof:${input.target.type}/${input.target.id}` }], {
          target: input.target,
          owner: input.owner,
          purpose: input.purpose,
          scope: input.scope,
          expiresAt: input.expiresAt,
        });
      }
    });
  }

  addHolder(identityId: string, personId: string, since: string): void {
    this.person(personId);
    this.journal.append("holder.added", [{ name: `fieldproof:identity/${identityId}` }], { identityId, personId, since });
  }

  removeHolder(identityId: string, personId: string, at: string): void {
    if (!this.repo.holders().some((h) => h.identityId === identityId && h.personId === personId && h.removedAt === null)) {
      throw new AppError("NOT_FOUND", `${personId} does not hold ${identityId}.`);
    }
    this.journal.append("holder.removed", [{ name: `fieldproof:identity/${identityId}` }], { identityId, personId, at });
  }

  /** An offline check-out/check-in: holder X used account Y on controller Z for work order W. */
  attestUse(use: { identityId: string; personId: string; controllerId: string; workOrder: string; from: string; to: string | null; breakGlass: boolean }): void {
    this.person(use.personId);
    if (!this.plant.controller(use.controllerId)) throw new AppError("NOT_FOUND", `No controller ${use.controllerId} in this plant.`);
    this.journal.append("usage.attested", [{ name: `fieldproof:identity/${use.identityId}` }], use);
  }

  setAuthority(line: string, cell: string | null, action: "approve" | "revoke" | "pause" | "override", people: readonly string[]): void {
    for (const id of people) this.person(id);
    if (new Set(people).size !== people.length) throw new AppError("INVALID_REQUEST", "A person appears twice in the escalation order.");
    this.journal.append("authority.set", [{ name: `fieldproof:line/${line}${cell ? `/${cell}` : ""}` }], { line, cell, action, people: [...people] });
  }

  check(personId: string, action: "approve" | "revoke" | "pause" | "override", placements: readonly Placement[]): AuthorityCheck {
    const person = this.person(personId);
    if (person.leftAt) return { allowed: false, reason: `${person.name} left on ${person.leftAt}` };
    const names = new Map(this.repo.people().map((p) => [p.personId, p.name]));
    return checkAuthority(personId, person.name, action, placements, this.repo.authority(), (id) => names.get(id) ?? id);
  }

  /** Opens an approver's key with their PIN, to co-sign the record of what they approve. */
  approverSigner(personId: string, pin: string): Signer {
    const person = this.person(personId);
    const key = this.repo.personKey(personId);
    if (!key) throw new AppError("PRECONDITION_FAILED", `${person.name} has no approver key on this laptop. Give them a PIN on the Owners screen first.`);
    return { keyid: key.keyId, key: privateKeyFromDer(passphraseProtector(pin, "PIN", 6).unprotect(key.protectedKey)) };
  }

  person(personId: string): PersonRow {
    const person = this.repo.people().find((p) => p.personId === personId);
    if (!person) throw new AppError("NOT_FOUND", `There is no person ${personId}. Add them on the Owners screen first.`);
    return person;
  }

  private checkOwner(owner: OwnershipInput["owner"]): void {
    if (!owner) return;
    if (owner.type === "team" && !this.repo.teams().some((t) => t.teamId === owner.id)) throw new AppError("NOT_FOUND", `There is no team ${owner.id}.`);
    if (owner.type === "person") {
      const person = this.person(owner.id);
      if (person.leftAt) throw new AppError("CONFLICT", `${person.name} left on ${person.leftAt} and cannot be made accountable.`);
    }
  }

  today(): string {
    return this.now().toISOString().slice(0, 10);
  }
}

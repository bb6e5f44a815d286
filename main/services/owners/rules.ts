import { AppError } from "../../../shared/domain/errors";
import { cellKey } from "../../../shared/domain/ownership";
import { parseInstant } from "../../../shared/domain/time";
import type { HolderRow, OwnershipRow, OwnersRepository, PersonRow, TeamRow } from "../../db/ownersRepository";
import type { PlantRepository } from "../../db/plantRepository";
import { unknownController } from "../unknownController";

export interface OwnershipTarget {
  readonly type: "identity" | "line" | "cell";
  readonly id: string;
}

export interface OwnerRef {
  readonly type: "person" | "team";
  readonly id: string;
}

const pairKey = (a: string, b: string): string => `${a}\u0000${b}`;
export const holdingKey = (identityId: string, personId: string): string => pairKey(identityId, personId);
export const targetKey = (type: OwnershipTarget["type"], id: string): string => `${type}:${id}`;

/**
 * The owner rules, and the facts of the store they look at. Each refusal is worded once, so the
 * Owners screen, the CLI and the CSV import say the same thing; each fact is read from the store at
 * most once per use case (an import checks thousands of rows against one read).
 */
export class OwnerRules {
  private peopleById?: Map<string, PersonRow>;
  private teamsById?: Map<string, TeamRow>;
  private holdingsByKey?: Map<string, HolderRow>;
  private ownershipsByKey?: Map<string, OwnershipRow>;
  private placesOf?: { readonly lines: Set<string>; readonly cells: Set<string> };
  private linksOf?: { readonly identities: Set<string>; readonly lives: Set<string> };

  constructor(private readonly store: { readonly repo: OwnersRepository; readonly plant: PlantRepository }) {}

  private get repo(): OwnersRepository {
    return this.store.repo;
  }

  private get plant(): PlantRepository {
    return this.store.plant;
  }

  get people(): ReadonlyMap<string, PersonRow> {
    return (this.peopleById ??= new Map(this.repo.people().map((p) => [p.personId, p])));
  }

  get teams(): ReadonlyMap<string, TeamRow> {
    return (this.teamsById ??= new Map(this.repo.teams().map((t) => [t.teamId, t])));
  }

  /** Every holding, current or ended, by holdingKey(identity, person). */
  get holdings(): ReadonlyMap<string, HolderRow> {
    return (this.holdingsByKey ??= new Map(this.repo.holders().map((h) => [holdingKey(h.identityId, h.personId), h])));
  }

  /** By targetKey(type, id). */
  get ownerships(): ReadonlyMap<string, OwnershipRow> {
    return (this.ownershipsByKey ??= new Map(this.repo.ownerships().map((o) => [targetKey(o.targetType, o.targetId), o])));
  }

  person(personId: string): PersonRow {
    const person = this.people.get(personId);
    if (!person) throw new AppError("NOT_FOUND", `There is no person ${personId}; add them on the Owners screen or import a people file first.`);
    return person;
  }

  /** A person who left can no longer be made an owner, a new holder, or be given decision authority. */
  activePerson(personId: string, what: "be made accountable" | "become a holder" | "be given decision authority"): PersonRow {
    const person = this.person(personId);
    if (person.leftAt) throw new AppError("CONFLICT", `${person.name} (${person.personId}) left on ${person.leftAt} and cannot ${what}.`);
    return person;
  }

  team(teamId: string): TeamRow {
    const team = this.teams.get(teamId);
    if (!team) throw new AppError("NOT_FOUND", `There is no team ${teamId}; add it on the Owners screen or import a teams file first.`);
    return team;
  }

  knowsIdentity(identityId: string): boolean {
    return this.links.identities.has(identityId);
  }

  identity(identityId: string): void {
    if (!this.knowsIdentity(identityId)) throw new AppError("NOT_FOUND", `No identity ${identityId} is known; scan the plant first (identities are written like user/maint).`);
  }

  /** The identity, line or cell exists in this plant. */
  target(target: OwnershipTarget): void {
    if (target.type === "identity") return this.identity(target.id);
    if (target.type === "line" && !this.places.lines.has(target.id)) throw new AppError("NOT_FOUND", `There is no line "${target.id}" in this plant.`);
    if (target.type === "cell" && !this.places.cells.has(target.id)) throw new AppError("NOT_FOUND", `There is no cell "${target.id}" in this plant (cells are written line/cell, e.g. "Body Line 1/Cell 10").`);
  }

  /** Who may be made accountable: a known team, or a known person who has not left. */
  owner(owner: OwnerRef | null): void {
    if (!owner) return;
    if (owner.type === "team") this.team(owner.id);
    else this.activePerson(owner.id, "be made accountable");
  }

  currentHolding(identityId: string, personId: string): HolderRow | undefined {
    const holding = this.holdings.get(holdingKey(identityId, personId));
    return holding && holding.removedAt === null ? holding : undefined;
  }

  /** A new holder: a known identity, and a person who has not left and does not hold it already. */
  newHolder(identityId: string, personId: string): void {
    this.identity(identityId);
    const person = this.activePerson(personId, "become a holder");
    if (this.currentHolding(identityId, personId)) throw new AppError("CONFLICT", `${person.name} already holds ${identityId}.`);
  }

  /** A use attested by a person who had not left by then, of an identity on that controller. */
  use(use: { readonly identityId: string; readonly personId: string; readonly controllerId: string; readonly from: string }): void {
    this.identity(use.identityId);
    const person = this.person(use.personId);
    if (person.leftAt && parseInstant(use.from)! > parseInstant(person.leftAt)!) throw new AppError("CONFLICT", `${person.name} left on ${person.leftAt}, before this use.`);
    if (!this.plant.controller(use.controllerId)) throw unknownController(use.controllerId, this.plant.controllers());
    if (!this.links.lives.has(pairKey(use.identityId, use.controllerId))) throw new AppError("NOT_FOUND", `${use.identityId} does not live on controller ${use.controllerId}.`);
  }

  /** An escalation list: known people who have not left, each named once. */
  authorityList(people: readonly string[]): void {
    for (const id of people) this.activePerson(id, "be given decision authority");
    if (new Set(people).size !== people.length) throw new AppError("INVALID_REQUEST", "A person appears twice in the escalation order.");
  }

  private get places(): { readonly lines: Set<string>; readonly cells: Set<string> } {
    if (!this.placesOf) {
      const controllers = this.plant.controllers();
      this.placesOf = { lines: new Set(controllers.map((c) => c.line)), cells: new Set(controllers.map((c) => cellKey(c.line, c.cell))) };
    }
    return this.placesOf;
  }

  private get links(): { readonly identities: Set<string>; readonly lives: Set<string> } {
    if (!this.linksOf) {
      const links = this.plant.identityLinks();
      this.linksOf = { identities: new Set(links.map((l) => l.identityId)), lives: new Set(links.map((l) => pairKey(l.identityId, l.controllerId))) };
    }
    return this.linksOf;
  }
}

import { AppError } from "../../../shared/domain/errors";
import { ownerRecords, type OwnershipInput, type PersonFacts, type RecordEntry, type TeamInput } from "./records";
import { holdingKey, targetKey, type OwnerRules } from "./rules";

/**
 * The import use cases (a teams, people, owners or holders file): every item is checked against the
 * store by the same rules as the Owners screen's use cases, and an item that changes nothing writes
 * no record, so importing the same file twice writes nothing the second time.
 */

/** An item refused, by its index in the import. */
export interface ItemProblem {
  readonly index: number;
  readonly reason: string;
}

export interface ImportPlan {
  readonly problems: readonly ItemProblem[];
  /** Items that change something (the others are as in the store already). */
  readonly changed: number;
  /** The records to write, in order; none when there are problems. */
  readonly entries: readonly RecordEntry[];
}

export interface PersonItem extends PersonFacts {
  /** The leave date the file gives: null for "not left"; undefined when the file says nothing about it. */
  readonly leftAt?: string | null | undefined;
}

export interface HoldingItem {
  readonly identityId: string;
  readonly personId: string;
  /** null: the day already recorded, or today. */
  readonly since: string | null;
  /** When the holding ended; null while it lasts. */
  readonly removedAt: string | null;
}

interface ItemCheck {
  /** Runs a rule; a refusal (its AppError) is this item's problem. False when refused. */
  rule(rule: () => void, hint?: string): boolean;
  reject(reason: string): void;
}

/** Checks each item, collecting every refusal under the item's index, and the records of those that change something. */
function plan<T>(items: readonly T[], check: (item: T, c: ItemCheck) => readonly RecordEntry[]): ImportPlan {
  const problems: ItemProblem[] = [];
  const entries: RecordEntry[] = [];
  let changed = 0;
  items.forEach((item, index) => {
    let ok = true;
    const c: ItemCheck = {
      rule(rule, hint = "") {
        try {
          rule();
          return true;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          c.reject(`${error.message.replace(/\.$/, "")}${hint}`);
          return false;
        }
      },
      reject(reason) {
        problems.push({ index, reason });
        ok = false;
      },
    };
    const writes = check(item, c);
    if (ok && writes.length > 0) {
      changed++;
      entries.push(...writes);
    }
  });
  return { problems, changed, entries: problems.length > 0 ? [] : entries };
}

export function planTeams(rules: OwnerRules, items: readonly TeamInput[]): ImportPlan {
  return plan(items, (t) => {
    const old = rules.teams.get(t.teamId);
    return !old || old.name !== t.name || old.description !== t.description ? [ownerRecords.team(t)] : [];
  });
}

export function planPeople(rules: OwnerRules, items: readonly PersonItem[]): ImportPlan {
  return plan(items, (p, c) => {
    const teamId = p.teamId;
    if (teamId) c.rule(() => rules.team(teamId));
    const old = rules.people.get(p.personId);
    if (old?.leftAt && p.leftAt !== undefined && p.leftAt !== old.leftAt) {
      c.reject(`${old.name} is marked as left on ${old.leftAt} in this store; the file says ${p.leftAt ?? "not left"}. Fieldproof does not undo or move a leave date: use ${old.leftAt}, or a new person_id`);
    }
    const writes: RecordEntry[] = [];
    const changed = !old || old.name !== p.name || old.role !== p.role || old.employer !== p.employer || old.company !== p.company || old.teamId !== p.teamId;
    if (changed) writes.push(ownerRecords.person(p, null));
    if (p.leftAt && !old?.leftAt) writes.push(ownerRecords.left(p.personId, p.leftAt));
    return writes;
  });
}

export function planOwnerships(rules: OwnerRules, items: readonly OwnershipInput[]): ImportPlan {
  return plan(items, (o, c) => {
    c.rule(() => rules.target(o.target));
    c.rule(() => rules.owner(o.owner));
    const old = rules.ownerships.get(targetKey(o.target.type, o.target.id));
    const same = o.owner === null ? !old : old?.ownerType === o.owner.type && old.ownerId === o.owner.id && old.purpose === o.purpose && old.scope === o.scope && old.expiresAt === o.expiresAt;
    return same ? [] : [ownerRecords.ownership(o)];
  });
}

export function planHoldings(rules: OwnerRules, items: readonly HoldingItem[], today: string): ImportPlan {
  return plan(items, (h, c) => {
    c.rule(() => rules.identity(h.identityId));
    if (!c.rule(() => rules.person(h.personId))) return [];
    const old = rules.holdings.get(holdingKey(h.identityId, h.personId));
    const since = h.since ?? old?.since ?? today;
    const add = !old || old.since !== since || (old.removedAt !== null && h.removedAt === null);
    // Recording a holding that ended is history; making someone who left a current holder is refused.
    if (add && h.removedAt === null) c.rule(() => rules.activePerson(h.personId, "become a holder"), "; to record that they held it until they left, give the day it ended (removed_at)");
    const writes: RecordEntry[] = [];
    if (add) writes.push(ownerRecords.holderAdded(h.identityId, h.personId, since));
    if (h.removedAt !== null && (add || old?.removedAt !== h.removedAt)) writes.push(ownerRecords.holderRemoved(h.identityId, h.personId, h.removedAt));
    return writes;
  });
}

/** Ownership set on an identity, a line or a cell. */
export interface OwnershipEntry {
  readonly targetType: "identity" | "line" | "cell";
  readonly targetId: string;
  readonly ownerType: "person" | "team";
  readonly ownerId: string;
  readonly purpose: string;
  readonly scope: string;
  readonly expiresAt: string | null;
}

export interface Placement {
  readonly line: string;
  readonly cell: string;
}

export type EffectiveOwner =
  | { readonly status: "owned"; readonly ownerType: "person" | "team"; readonly ownerId: string; readonly source: "identity" | "cell" | "line"; readonly sourceId: string; readonly why: string; readonly entry: OwnershipEntry }
  | { readonly status: "unowned"; readonly why: string }
  | { readonly status: "contested"; readonly why: string; readonly candidates: readonly { ownerType: string; ownerId: string; from: string }[] };

export function cellKey(line: string, cell: string): string {
  return `${line}/${cell}`;
}

/**
 * Who is accountable for an identity, and why: an owner set on the identity wins; otherwise it
 * inherits the owner of the cells (or, failing that, the lines) of every controller it lives on —
 * only when they all agree. A shared account spanning lines owned by different teams has no single
 * accountable owner until someone sets one on the identity itself.
 */
export function resolveOwner(identityId: string, placements: readonly Placement[], entries: readonly OwnershipEntry[]): EffectiveOwner {
  const byTarget = new Map(entries.map((e) => [`${e.targetType}:${e.targetId}`, e]));
  const own = byTarget.get(`identity:${identityId}`);
  if (own) return { status: "owned", ownerType: own.ownerType, ownerId: own.ownerId, source: "identity", sourceId: identityId, why: "set on this identity", entry: own };
  if (placements.length === 0) return { status: "unowned", why: "no owner is set on it and it lives on no known controller" };

  const inherited = placements.map((p) => {
    const cell = byTarget.get(`cell:${cellKey(p.line, p.cell)}`);
    if (cell) return { entry: cell, from: `cell ${p.line} › ${p.cell}`, source: "cell" as const, sourceId: cellKey(p.line, p.cell) };
    const line = byTarget.get(`line:${p.line}`);
    if (line) return { entry: line, from: `line ${p.line}`, source: "line" as const, sourceId: p.line };
    return null;
  });
  const missing = placements.filter((_, i) => inherited[i] === null);
  const found = inherited.filter((x): x is NonNullable<typeof x> => x !== null);
  if (found.length === 0) return { status: "unowned", why: "no owner is set on it, nor on the lines or cells it lives on" };
  const owners = new Map(found.map((f) => [`${f.entry.ownerType}:${f.entry.ownerId}`, f]));
  if (owners.size > 1) {
    return {
      status: "contested",
      why: `it lives where different owners are set (${[...owners.values()].map((f) => `${f.entry.ownerId} on ${f.from}`).join(", ")}); set one owner on the identity`,
      candidates: [...owners.values()].map((f) => ({ ownerType: f.entry.ownerType, ownerId: f.entry.ownerId, from: f.from })),
    };
  }
  if (missing.length > 0) {
    const where = [...new Set(missing.map((p) => `${p.line} › ${p.cell}`))].join(", ");
    return { status: "unowned", why: `only part of it is covered: nobody owns ${where}; set an owner on the identity or on those cells` };
  }
  const first = found[0]!;
  const sameSource = found.every((f) => f.sourceId === first.sourceId);
  return {
    status: "owned",
    ownerType: first.entry.ownerType,
    ownerId: first.entry.ownerId,
    source: first.source,
    sourceId: first.sourceId,
    why: sameSource ? `inherited from ${first.from}` : `inherited: every line and cell it lives on has this owner`,
    entry: first.entry,
  };
}

export interface AuthorityEntry {
  readonly line: string;
  /** "" for the whole line. */
  readonly cell: string;
  readonly action: "approve" | "revoke" | "pause" | "override";
  readonly rank: number;
  readonly personId: string;
}

export type AuthorityCheck = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

/**
 * May this person take `action` on every one of these placements? A cell's list, when set, replaces
 * its line's. Escalation order is advisory (whom to ask first); anyone on the list may act.
 */
export function checkAuthority(personId: string, personName: string, action: AuthorityEntry["action"], placements: readonly Placement[], entries: readonly AuthorityEntry[], nameOf: (id: string) => string = (id) => id): AuthorityCheck {
  const verb = { approve: "approve rotations", revoke: "revoke", pause: "pause", override: "override in an emergency" }[action];
  for (const p of placements) {
    const cellList = entries.filter((e) => e.action === action && e.line === p.line && e.cell === p.cell).sort((a, b) => a.rank - b.rank);
    const list = cellList.length > 0 ? cellList : entries.filter((e) => e.action === action && e.line === p.line && e.cell === "").sort((a, b) => a.rank - b.rank);
    if (list.length === 0) return { allowed: false, reason: `nobody is named to ${verb} on ${p.line} › ${p.cell}; set the decision authority for that line first` };
    if (!list.some((e) => e.personId === personId)) {
      return { allowed: false, reason: `${personName} may not ${verb} on ${p.line} › ${p.cell}: those named there are ${list.map((e) => nameOf(e.personId)).join(", then ")}` };
    }
  }
  return { allowed: true };
}

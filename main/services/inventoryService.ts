import { AppError } from "../../shared/domain/errors";
import { type ControllerSummary, type IdentityDetail, type IdentityRow, type PlantTree } from "../../shared/contract";
import type { Finding, Severity } from "../../shared/domain/identity";
import { cannotListAccounts } from "../../shared/domain/posture";
import { resolveOwner, type EffectiveOwner } from "../../shared/domain/ownership";
import { classifyAccount, controllerFindings, dueDate, identityFindings, severityRank, withDeclaredKinds, type FindingPolicy, type IdentityFacts } from "../../shared/findings";
import type { OwnersRepository } from "../db/ownersRepository";
import type { AccountRow, ControllerRow, DeclaredAccountRow, PlantRepository } from "../db/plantRepository";
import type { RotationRepository } from "../db/rotationRepository";
import { unknownAccount } from "./unknownAccount";
import { unknownController } from "./unknownController";

const DISABLED = 2;

interface Snapshot {
  readonly controllers: Map<string, ControllerRow>;
  /** By accountKey(controller, user name). */
  readonly accounts: Map<string, AccountRow>;
  /** By accountKey(controller, user name): accounts the technician declared. */
  readonly declared: Map<string, DeclaredAccountRow>;
  readonly links: Map<string, { kind: string; name: string; firstSeenAt: string; controllerIds: string[] }>;
  readonly owners: ReturnType<OwnersRepository["ownerships"]>;
  readonly people: Map<string, { name: string; leftAt: string | null }>;
  readonly teams: Map<string, string>;
  readonly holders: ReturnType<OwnersRepository["holders"]>;
  readonly usages: ReturnType<OwnersRepository["usages"]>;
  readonly rotated: Map<string, string>;
  readonly sameSecret: Map<string, string[]>;
  /** identity → controller → when the factory password was found working there. */
  readonly defaultWorks: Map<string, Map<string, string>>;
}

const accountKey = (controllerId: string, userName: string): string => `${controllerId}\u0000${userName}`;

export interface InventoryServiceDeps {
  readonly plant: PlantRepository;
  readonly owners: OwnersRepository;
  readonly rotations: RotationRepository;
  readonly policy: () => FindingPolicy;
  readonly now: () => Date;
  /** The technician's stored login on a controller, if any. */
  readonly login: (controllerId: string) => { readonly userName: string } | null;
  /** Subjects of the site CA's issuing certificates installed here (none: no site CA). */
  readonly siteCaIssuers?: () => readonly string[];
}

/**
 * The inventory the Plant and Identities screens show: projections joined with ownership and
 * rotations, run through the pure findings rules (shared/findings) at read time, so a finding
 * clears as soon as the record that fixes it is written.
 */
export class InventoryService {
  constructor(private readonly deps: InventoryServiceDeps) {}

  async tree(): Promise<PlantTree> {
    const rows = this.deps.plant.controllers();
    const first = rows.find((c) => c.siteId !== "unassigned") ?? rows[0];
    const declared = this.declaredByController();
    return {
      site: first ? { id: first.siteId, name: first.siteName } : null,
      controllers: rows.map((c) => this.summary(c, declared.get(c.id) ?? [])),
    };
  }

  controllerSummary(id: string): ControllerSummary {
    const row = this.deps.plant.controller(id);
    if (!row) throw unknownController(id, this.deps.plant.controllers());
    return this.summary(row, this.declaredByController().get(id) ?? []);
  }

  private declaredByController(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const a of this.deps.plant.declaredAccounts()) out.set(a.controllerId, [...(out.get(a.controllerId) ?? []), a.userName]);
    return out;
  }

  private summary(c: ControllerRow, declared: readonly string[]): ControllerSummary {
    const posture = c.posture;
    const observed = posture?.certificate?.thumbprintSha256 ?? null;
    const trust = c.trustDecision === "rejected" ? "rejected" : c.trustedThumbprint === null ? "unknown" : observed && observed !== c.trustedThumbprint ? "changed" : "trusted";
    return {
      id: c.id,
      name: c.name,
      kind: c.kind as ControllerSummary["kind"],
      vendor: c.vendor,
      model: c.model,
      area: c.area,
      line: c.line,
      cell: c.cell,
      endpointUrl: c.endpointUrl,
      hasLogin: c.hasLogin,
      trust,
      trustedThumbprint: c.trustedThumbprint,
      observedThumbprint: observed,
      certificate: posture?.certificate ? { subject: posture.certificate.subject, notAfter: posture.certificate.notAfter, selfSigned: posture.certificate.selfSigned } : null,
      lastObservedAt: c.lastObservedAt,
      reachable: c.reachable,
      notReachedAt: c.notReachedAt,
      accounts: posture?.accounts ? posture.accounts.length : null,
      accountsListable: posture ? !cannotListAccounts(posture) : null,
      declaredAccounts: [...declared],
      part18: posture ? posture.userManagement.available : null,
      findings: [...controllerFindings({ id: c.id, name: c.name, posture, trustedThumbprintSha256: c.trustedThumbprint, siteCaIssuers: this.deps.siteCaIssuers?.() ?? [] }, this.deps.policy(), this.deps.now())],
      changes: [...c.changes],
      gaps: posture ? posture.gaps.map((g) => ({ stage: g.stage, code: g.code, message: g.message })) : [],
    };
  }

  /** The Identities screen's table, stamped with when it was computed (findings depend on the day). */
  async identityList(): Promise<{ rows: IdentityRow[]; generatedAt: string }> {
    return { rows: await this.identities(), generatedAt: this.deps.now().toISOString() };
  }

  async identities(): Promise<IdentityRow[]> {
    const snap = this.snapshot();
    const policy = this.deps.policy();
    const now = this.deps.now();
    const rows: IdentityRow[] = [];
    for (const [id] of snap.links) rows.push(this.row(id, snap, policy, now).row);
    return rows;
  }

  async identity(id: string): Promise<IdentityDetail> {
    const snap = this.snapshot();
    if (!snap.links.has(id)) {
      if (id.startsWith("user/")) throw unknownAccount(id.slice("user/".length), this.deps.plant);
      throw new AppError("NOT_FOUND", `No identity ${id} is known. Identities are written like user/maint or certificate/CONTROLLER; scan the plant to find them.`);
    }
    const { row, findings, owner, description, reasons } = this.row(id, snap, this.deps.policy(), this.deps.now());
    const link = snap.links.get(id)!;
    const ownerEntry = owner.status === "owned" ? owner.entry : null;
    return {
      row,
      owner: {
        status: owner.status,
        name: row.owner,
        ownerType: owner.status === "owned" ? owner.ownerType : null,
        ownerId: owner.status === "owned" ? owner.ownerId : null,
        source: owner.status === "owned" ? owner.source : null,
        why: owner.why,
        purpose: ownerEntry?.purpose ?? "",
        scope: ownerEntry?.scope ?? "",
        expiresAt: ownerEntry?.expiresAt ?? null,
      },
      description,
      classification: [...reasons],
      controllers: link.controllerIds.map((cid) => {
        const c = snap.controllers.get(cid)!;
        const account = link.kind === "user" ? snap.accounts.get(accountKey(cid, link.name)) : undefined;
        return {
          id: cid,
          name: c.name,
          line: c.line,
          cell: c.cell,
          roles: [...(account?.roles ?? [])],
          description: account?.description ?? "",
          disabled: account ? (account.userConfiguration & DISABLED) !== 0 : false,
          // Not in the controller's own list: declared by the technician, or the account Fieldproof logs in with.
          listed: account !== undefined,
          declared: link.kind === "user" && snap.declared.has(accountKey(cid, link.name)),
          lastRotatedAt: snap.rotated.get(`${id}\u0000${cid}`) ?? null,
        };
      }),
      holders: snap.holders
        .filter((h) => h.identityId === id)
        .map((h) => ({ personId: h.personId, name: snap.people.get(h.personId)?.name ?? h.personId, since: h.since, removedAt: h.removedAt, leftAt: snap.people.get(h.personId)?.leftAt ?? null })),
      uses: snap.usages
        .filter((u) => u.identityId === id)
        .map((u) => ({ personName: snap.people.get(u.personId)?.name ?? u.personId, controllerId: u.controllerId, workOrder: u.workOrder, from: u.from, to: u.to, breakGlass: u.breakGlass })),
      findings: [...findings],
      ownLogin: link.kind === "user" && link.controllerIds.length > 0 && link.controllerIds.every((cid) => this.deps.login(cid)?.userName === link.name),
    };
  }

  private snapshot(): Snapshot {
    const controllers = new Map(this.deps.plant.controllers().map((c) => [c.id, c]));
    // Keyed by controller and user name: a row looks up its accounts directly (100,000 identities).
    const accounts = new Map<string, AccountRow>();
    for (const a of this.deps.plant.accounts()) accounts.set(accountKey(a.controllerId, a.userName), a);
    const declared = new Map(this.deps.plant.declaredAccounts().map((a) => [accountKey(a.controllerId, a.userName), a]));
    const links = new Map<string, { kind: string; name: string; firstSeenAt: string; controllerIds: string[] }>();
    for (const l of this.deps.plant.identityLinks()) {
      const entry = links.get(l.identityId) ?? { kind: l.kind, name: l.name, firstSeenAt: l.firstSeenAt, controllerIds: [] };
      entry.controllerIds.push(l.controllerId);
      links.set(l.identityId, entry);
    }
    return {
      controllers,
      accounts,
      declared,
      links,
      owners: this.deps.owners.ownerships(),
      people: new Map(this.deps.owners.people().map((p) => [p.personId, { name: p.name, leftAt: p.leftAt }])),
      teams: new Map(this.deps.owners.teams().map((t) => [t.teamId, t.name])),
      holders: this.deps.owners.holders(),
      usages: this.deps.owners.usages(),
      rotated: new Map(this.deps.rotations.lastCommitted().map((r) => [`${r.identityId}\u0000${r.controllerId}`, r.at])),
      sameSecret: this.deps.plant.sameSecret(),
      defaultWorks: this.deps.plant.defaultPasswordWorks(),
    };
  }

  private row(id: string, snap: Snapshot, policy: FindingPolicy, now: Date) {
    const link = snap.links.get(id)!;
    const places = link.controllerIds.map((cid) => snap.controllers.get(cid)!).filter(Boolean);
    const accountRows = link.kind === "user" ? places.flatMap((c) => snap.accounts.get(accountKey(c.id, link.name)) ?? []) : [];
    const declaredRows = link.kind === "user" ? places.flatMap((c) => snap.declared.get(accountKey(c.id, link.name)) ?? []) : [];
    const description = accountRows.find((a) => a.description)?.description ?? declaredRows.find((a) => a.description)?.description ?? "";
    const roles = [...new Set(accountRows.flatMap((a) => a.roles))];
    const classification =
      link.kind === "user"
        ? withDeclaredKinds(
            classifyAccount({ userName: link.name, description, roles }, { vendor: places[0]?.vendor ?? "" }),
            declaredRows.map((a) => a.kind),
          )
        : { kind: "certificate" as const, flags: { shared: false, breakGlass: false, vendor: false, default: false }, reasons: ["application instance certificate"] };
    const owner = resolveOwner(id, places.map((c) => ({ line: c.line, cell: c.cell })), snap.owners);
    const ownerName = owner.status === "owned" ? (owner.ownerType === "team" ? (snap.teams.get(owner.ownerId) ?? owner.ownerId) : (snap.people.get(owner.ownerId)?.name ?? owner.ownerId)) : null;
    const holders = snap.holders.filter((h) => h.identityId === id);
    const perController = places.map((c) => snap.rotated.get(`${id}\u0000${c.id}`) ?? null);
    const lastRotatedAt = perController.length > 0 && perController.every((d) => d !== null) ? perController.reduce((a, b) => (a < b ? a : b)) : null;
    const cert = link.kind === "certificate" ? places[0]?.posture?.certificate : null;
    const ownershipExpiry = owner.status === "owned" ? owner.entry.expiresAt : null;
    // Found working by the opt-in check on a controller, and not rotated there since: the earliest such.
    const defaultFoundAt =
      [...(snap.defaultWorks.get(id) ?? [])]
        .filter(([cid, at]) => {
          const rotated = snap.rotated.get(`${id}\u0000${cid}`);
          return link.controllerIds.includes(cid) && (rotated === undefined || rotated < at);
        })
        .map(([, at]) => at)
        .sort()[0] ?? null;
    const facts: IdentityFacts = {
      id,
      kind: classification.kind,
      name: link.name,
      flags: classification.flags,
      siteId: places[0]?.siteId ?? null,
      controllers: places.map((c) => ({ id: c.id, line: c.line, cell: c.cell })),
      effectiveOwner: ownerName ? { name: ownerName, source: (owner as Extract<EffectiveOwner, { status: "owned" }>).source } : null,
      holders: holders.map((h) => ({ name: snap.people.get(h.personId)?.name ?? h.personId, leftAt: h.removedAt ?? snap.people.get(h.personId)?.leftAt ?? null })),
      firstSeenAt: link.firstSeenAt,
      lastRotatedAt,
      credentialSetAt: cert?.notBefore ?? null,
      credentialExpiresAt: cert?.notAfter ?? null,
      breakGlassUses: snap.usages.filter((u) => u.identityId === id && u.breakGlass).map((u) => ({ at: u.from, by: snap.people.get(u.personId)?.name ?? u.personId, workOrder: u.workOrder })),
      vendorName: "vendorName" in classification ? (classification.vendorName ?? null) : null,
      vendorExpiresAt: ownershipExpiry && classification.flags.vendor ? ownershipExpiry : ("vendorExpiresAt" in classification ? (classification.vendorExpiresAt ?? null) : null),
      defaultPasswordConfirmed: defaultFoundAt !== null,
      defaultPasswordFoundAt: defaultFoundAt,
      enabled: accountRows.length === 0 || accountRows.some((a) => (a.userConfiguration & DISABLED) === 0),
      sameSecretOn: (snap.sameSecret.get(id) ?? []).flatMap((cid) => {
        const c = snap.controllers.get(cid);
        return c ? [{ id: c.id, line: c.line, cell: c.cell }] : [];
      }),
    };
    const findings = identityFindings(facts, policy, now);
    const due = dueDate(facts, policy);
    const worst = findings.reduce<Severity | null>((w, f) => (w === null || severityRank(f.severity) < severityRank(w) ? f.severity : w), null);
    const row: IdentityRow = {
      id,
      kind: classification.kind,
      name: link.name,
      ...(link.kind === "certificate" && places.length > 0 ? { controllerName: places.map((c) => c.name).join(", ") } : {}),
      flags: classification.flags,
      controllers: places.length,
      lines: [...new Set(places.map((c) => c.line))].sort(),
      cells: [...new Set(places.map((c) => `${c.line} › ${c.cell}`))].sort(),
      owner: ownerName,
      ownerStatus: owner.status,
      // Someone who left still knows the password until it is rotated: keep them, marked.
      holders: holders
        .filter((h) => h.removedAt === null)
        .map((h) => `${snap.people.get(h.personId)?.name ?? h.personId}${snap.people.get(h.personId)?.leftAt ? " (left)" : ""}`),
      lastRotatedAt,
      due: due ? { date: due.date, reason: due.reason, why: due.why } : null,
      findings: findings.map((f: Finding) => ({ code: f.code, severity: f.severity })),
      worst,
    };
    return { row, facts, findings, owner, description, reasons: classification.reasons };
  }
}

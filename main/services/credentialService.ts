import { AppError } from "../../shared/domain/errors";
import { cannotListAccounts } from "../../shared/domain/posture";
import { knownDefaultPasswords, vendorDefaultsFor } from "../../shared/findings";
import type { PlantRepository } from "../db/plantRepository";
import type { Identity } from "../evidence/identity";
import type { ControllerConnector } from "../connectors/port";
import type { JobContext } from "./jobs";
import { mapPool } from "./pool";
import { unknownAccount } from "./unknownAccount";

export interface DefaultCheckResult {
  readonly identityId: string;
  readonly userName: string;
  readonly acceptedOn: string[];
  readonly refusedOn: string[];
  readonly unreachableOn: string[];
  readonly notApplicableOn: string[];
  failedLogins: number;
}

/** A controller the factory password check could not look at, and why. */
export interface NotListed {
  readonly controllerId: string;
  readonly name: string;
  readonly reason: string;
}

export interface DefaultCheckOutcome {
  readonly results: DefaultCheckResult[];
  readonly notListed: NotListed[];
}

export interface ReuseResult {
  readonly acceptedOn: string[];
  readonly refusedOn: string[];
  readonly unreachableOn: string[];
}

export interface CredentialServiceDeps {
  readonly plant: PlantRepository;
  readonly identity: Identity;
  readonly connector: () => ControllerConnector;
  readonly timeoutMs: number;
  /** The technician's stored login on a controller, if any. */
  readonly login: (controllerId: string) => { userName: string; password: string } | null;
  /** Records, inside the caller's transaction, that a factory account answered on a controller that cannot list it. */
  readonly declareFound: (controllerId: string, userName: string) => void;
}

/**
 * "Where does this password work?": one login attempt with a password the technician types, on each
 * controller the account lives on. Reveals a shared password across lines, which no passive scan can
 * see. One attempt per controller, so it cannot lock an account on its own; the password is never
 * recorded, only where it worked.
 */
export class CredentialService {
  constructor(private readonly deps: CredentialServiceDeps) {}

  async checkReuse(identityId: string, password: string, job?: JobContext): Promise<ReuseResult> {
    if (!identityId.startsWith("user/")) throw new AppError("INVALID_REQUEST", "Only account passwords can be checked.");
    const userName = identityId.slice("user/".length);
    const ids = new Set(this.deps.plant.identityLinks().filter((l) => l.identityId === identityId).map((l) => l.controllerId));
    const controllers = this.deps.plant.controllers().filter((c) => ids.has(c.id));
    if (controllers.length === 0) throw unknownAccount(userName, this.deps.plant);
    this.deps.identity.ensureDevice();
    const result: ReuseResult = { acceptedOn: [], refusedOn: [], unreachableOn: [] };
    let done = 0;
    await mapPool(
      controllers,
      4,
      job?.signal,
      async (c) => {
        if (!c.trustedThumbprint || c.trustDecision === "rejected") result.unreachableOn.push(c.id);
        else {
          try {
            const outcome = await this.deps.connector().tryLogin(c.endpointUrl, { userName, password }, { expectedThumbprint: c.trustedThumbprint, timeoutMs: this.deps.timeoutMs });
            (outcome.accepted ? result.acceptedOn : result.refusedOn).push(c.id);
          } catch {
            result.unreachableOn.push(c.id);
          }
        }
        job?.progress(++done, controllers.length, c.name);
      },
      (c) => void result.unreachableOn.push(c.id),
    );
    for (const list of [result.acceptedOn, result.refusedOn, result.unreachableOn]) list.sort();
    this.deps.identity.journal.append("credential.checked", [{ name: `fieldproof:identity/${identityId}` }], { identityId, userName, ...result });
    return result;
  }

  /**
   * Opt-in: does the vendor's published factory password still open an account? For every account
   * whose name a controller's vendor ships (shared/findings/defaults.ts), the published password(s),
   * at most two, are tried once each, one account at a time per controller, stopping at the first
   * that works. A wrong try is a failed login, so this runs only when the technician asks, and the
   * technician's own login is compared on the laptop, not tried. One `credential.defaultChecked`
   * record per account; never a password.
   */
  async checkDefaults(job?: JobContext): Promise<DefaultCheckOutcome> {
    const controllers = new Map(this.deps.plant.controllers().map((c) => [c.id, c]));
    const links = this.deps.plant.identityLinks();
    const unlisted = [...controllers.values()].filter((c) => cannotListAccounts(c.posture));
    if (links.length === 0 && unlisted.length === 0) throw new AppError("PRECONDITION_FAILED", "No accounts are known yet: scan the plant first (Plant › Scan all, or `fieldproof scan --plant FILE --trust-new`).");
    const byIdentity = new Map<string, DefaultCheckResult>();
    const entryFor = (identityId: string, userName: string): DefaultCheckResult => {
      const entry = byIdentity.get(identityId) ?? { identityId, userName, acceptedOn: [], refusedOn: [], unreachableOn: [], notApplicableOn: [], failedLogins: 0 };
      byIdentity.set(identityId, entry);
      return entry;
    };
    const tasks: { controllerId: string; identityId: string; userName: string; candidates: readonly string[]; probe: boolean }[] = [];
    for (const link of links) {
      if (link.kind !== "user") continue;
      const controller = controllers.get(link.controllerId);
      if (!controller) continue;
      const entry = entryFor(link.identityId, link.name);
      const candidates = knownDefaultPasswords(controller.vendor, link.name);
      if (candidates.length === 0) entry.notApplicableOn.push(controller.id);
      else tasks.push({ controllerId: controller.id, identityId: link.identityId, userName: link.name, candidates, probe: false });
    }
    // A controller that cannot list its accounts may still have the ones its vendor ships: try those
    // names (the same two tries at most). One that works becomes a declared account of the controller.
    const notListed: NotListed[] = [];
    for (const c of unlisted) {
      const known = new Set(links.filter((l) => l.controllerId === c.id && l.kind === "user").map((l) => l.name.toLowerCase()));
      const shipped = [...new Set(vendorDefaultsFor(c.vendor).flatMap((v) => v.accounts.map((a) => a.userName)))].filter((name) => !known.has(name.toLowerCase()));
      if (shipped.length === 0) {
        notListed.push({
          controllerId: c.id,
          name: c.name,
          reason: `${c.name} cannot list its accounts and no factory account is known for its vendor (${c.vendor || "vendor not given"}): not checked. Declare the accounts you know (fieldproof accounts add ${c.id} NAME, or Plant › Add an account you know) to have them checked.`,
        });
        continue;
      }
      for (const userName of shipped) {
        entryFor(`user/${userName}`, userName);
        tasks.push({ controllerId: c.id, identityId: `user/${userName}`, userName, candidates: knownDefaultPasswords(c.vendor, userName), probe: true });
      }
    }
    const tried = new Set(tasks.map((t) => t.identityId));
    const checked = [...byIdentity.values()].filter((e) => tried.has(e.identityId));
    if (checked.length === 0) return { results: [], notListed };
    this.deps.identity.ensureDevice();
    // Accounts on one controller are tried one after another; controllers four at a time.
    const perController = new Map<string, typeof tasks>();
    for (const t of tasks) {
      const list = perController.get(t.controllerId) ?? [];
      list.push(t);
      perController.set(t.controllerId, list);
    }
    let done = 0;
    const found: { controllerId: string; userName: string }[] = [];
    await mapPool(
      [...perController],
      4,
      job?.signal,
      async ([controllerId, list]) => {
        const c = controllers.get(controllerId)!;
        for (const t of list) {
          const entry = byIdentity.get(t.identityId)!;
          if (!c.trustedThumbprint || c.trustDecision === "rejected") {
            entry.unreachableOn.push(c.id);
            continue;
          }
          let outcome: "accepted" | "refused" | "unreachable" = "refused";
          // The technician's own login: its password is known here, so compare instead of spending
          // failed logins on the account the tool itself logs in with.
          const own = this.deps.login(c.id);
          if (own?.userName === t.userName) {
            (t.candidates.includes(own.password) ? entry.acceptedOn : entry.refusedOn).push(c.id);
            continue;
          }
          for (const password of t.candidates) {
            try {
              const answer = await this.deps.connector().tryLogin(c.endpointUrl, { userName: t.userName, password }, { expectedThumbprint: c.trustedThumbprint, timeoutMs: this.deps.timeoutMs });
              if (answer.accepted) {
                outcome = "accepted";
                break;
              }
              entry.failedLogins += 1;
            } catch {
              outcome = "unreachable";
              break;
            }
          }
          (outcome === "accepted" ? entry.acceptedOn : outcome === "refused" ? entry.refusedOn : entry.unreachableOn).push(c.id);
          if (outcome === "accepted" && t.probe) found.push({ controllerId: c.id, userName: t.userName });
        }
        job?.progress(++done, perController.size, c.name);
      },
      ([controllerId, list]) => {
        for (const t of list) byIdentity.get(t.identityId)!.unreachableOn.push(controllerId);
      },
    );
    this.deps.identity.journal.transaction(() => {
      for (const account of found) this.deps.declareFound(account.controllerId, account.userName);
      for (const entry of checked) {
        for (const list of [entry.acceptedOn, entry.refusedOn, entry.unreachableOn, entry.notApplicableOn]) list.sort();
        this.deps.identity.journal.appendInTransaction("credential.defaultChecked", [{ name: `fieldproof:identity/${entry.identityId}` }], { ...entry });
      }
    });
    return { results: checked, notListed };
  }
}

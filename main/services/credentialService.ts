import { AppError } from "../../shared/contract";
import type { PlantRepository } from "../db/plantRepository";
import type { Identity } from "../evidence/identity";
import type { ControllerConnector } from "./connectorPort";
import type { JobContext } from "./jobs";
import { mapPool } from "./pool";

export interface ReuseResult {
  readonly acceptedOn: string[];
  readonly refusedOn: string[];
  readonly unreachableOn: string[];
}

/**
 * "Where does this password work?": one login attempt with a password the technician types, on each
 * controller the account lives on. Reveals a shared password across lines, which no passive scan can
 * see. One attempt per controller, so it cannot lock an account on its own; the password is never
 * recorded, only where it worked.
 */
export class CredentialService {
  constructor(
    private readonly plant: PlantRepository,
    private readonly identity: Identity,
    private readonly connector: () => ControllerConnector,
    private readonly timeoutMs: number,
  ) {}

  async checkReuse(identityId: string, password: string, job?: JobContext): Promise<ReuseResult> {
    if (!identityId.startsWith("user/")) throw new AppError("INVALID_REQUEST", "Only account passwords can be checked.");
    const userName = identityId.slice("user/".length);
    const ids = new Set(this.plant.identityLinks().filter((l) => l.identityId === identityId).map((l) => l.controllerId));
    const controllers = this.plant.controllers().filter((c) => ids.has(c.id));
    if (controllers.length === 0) throw new AppError("NOT_FOUND", `No controller has the account ${userName}. Scan the plant first.`);
    this.identity.ensureDevice();
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
            const outcome = await this.connector().tryLogin(c.endpointUrl, { userName, password }, { expectedThumbprint: c.trustedThumbprint, timeoutMs: this.timeoutMs });
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
    this.identity.journal.append("credential.checked", [{ name: `fieldproof:identity/${identityId}` }], { identityId, userName, ...result });
    return result;
  }
}

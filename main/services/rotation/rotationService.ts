import { randomBytes } from "node:crypto";
import { AppError } from "../../../shared/domain/errors";
import { type RotationRequest, type RotationRowView } from "../../../shared/contract";
import type { GeneratorPolicy } from "../../../shared/domain/passwordPolicy";
import type { ControllerRow, PlantRepository } from "../../db/plantRepository";
import type { RotationRepository, RotationRow } from "../../db/rotationRepository";
import type { Identity } from "../../evidence/identity";
import { generatePassword } from "../../evidence/passwordGenerator";
import type { Vault } from "../../evidence/vault";
import type { JobContext } from "../jobs";
import type { OwnersService } from "../ownersService";
import { mapPool } from "../pool";
import { asProof, holdsFrom, probe } from "./probe";
import { handoverRef } from "./handover";
import { assertRecipient, pendingRef, type RotationRunner } from "./runner";
import type { ControllerRotationResult, RotationPlan } from "./types";
import type { ControllerConnector } from "../../connectors/port";
import type { PlantService } from "../plantService";
import { unknownAccount } from "../unknownAccount";
import { unknownController } from "../unknownController";

export interface RotationServiceDeps {
  readonly plantRepo: PlantRepository;
  readonly rotations: RotationRepository;
  readonly owners: OwnersService;
  readonly identity: Identity;
  readonly vault: Vault;
  readonly runner: RotationRunner;
  readonly connector: () => ControllerConnector;
  readonly now: () => Date;
  readonly timeoutMs: number;
  /** When an approval is required: every rotation, shared and break-glass accounts only, or never. */
  readonly dualControl: () => "always" | "shared-and-break-glass" | "off";
  readonly basePolicy: () => GeneratorPolicy;
  readonly plant: PlantService;
  /** IT's age recipient for this device, if an IT key is trusted. */
  readonly itRecipient: (deviceId: string) => string | undefined;
  /** The site's setting for accounts with holders: a new password per controller or per line. */
  readonly sharedScope: () => "per-controller" | "per-line";
  /** Whether an identity has current holders (a crew that must learn its new password). */
  readonly hasHolders: (identityId: string) => boolean;
}

/** What probing an interrupted rotation's controller found. */
export interface ResolveOutcome {
  readonly rotationId: string;
  readonly outcome: string;
}

export class RotationService {
  constructor(private readonly deps: RotationServiceDeps) {}

  /** Checks everything that can be checked before any controller is touched. */
  plan(request: RotationRequest): RotationPlan {
    const userName = request.identityId.startsWith("user/") ? request.identityId.slice("user/".length) : null;
    if (!userName) throw new AppError("INVALID_REQUEST", `${request.identityId} is not an account: only account passwords are rotated here.`);
    const links = this.deps.plantRepo.identityLinks().filter((l) => l.identityId === request.identityId);
    if (links.length === 0) throw unknownAccount(userName, this.deps.plantRepo);
    const all = this.deps.plantRepo.controllers();
    const onIdentity = links.map((l) => all.find((c) => c.id === l.controllerId)!).filter(Boolean);
    const controllers = request.controllerIds
      ? request.controllerIds.map((id) => {
          const c = onIdentity.find((x) => x.id === id);
          if (!c) {
            if (!all.some((x) => x.id === id)) throw unknownController(id, all);
            throw new AppError("INVALID_REQUEST", `The account ${userName} does not live on controller ${id}. It lives on: ${onIdentity.map((x) => x.id).join(", ")}.`);
          }
          return c;
        })
      : onIdentity;
    const deviceId = this.deps.identity.deviceId();
    const recipient = assertRecipient(this.deps.itRecipient(deviceId));

    const placements = controllers.map((c) => ({ line: c.line, cell: c.cell }));
    const needsApproval = this.requiresApproval(userName, onIdentity.length, request.operationalState);
    const approvals: RotationPlan["approvals"][number][] = [];
    const coSigners = [];
    if (request.approval) {
      const action = request.approval.emergency || request.operationalState === "emergency" ? "override" : "approve";
      const person = this.deps.owners.person(request.approval.personId);
      const technician = this.deps.identity.technician();
      if (technician && technician.name.trim().toLowerCase() === person.name.trim().toLowerCase()) {
        throw new AppError("FORBIDDEN", `${person.name} is the technician making the change; dual control needs a second person to approve.`);
      }
      const allowed = this.deps.owners.check(person.personId, action, placements);
      if (!allowed.allowed) throw new AppError("FORBIDDEN", `Approval refused: ${allowed.reason}.`);
      const signer = this.deps.owners.approverSigner(person.personId, request.approval.pin);
      approvals.push({ personId: person.personId, name: person.name, keyid: signer.keyid, authority: action, approvedAt: this.deps.now().toISOString() });
      coSigners.push(signer);
    } else if (needsApproval) {
      const where = [...new Set(placements.map((p) => p.line))].join(", ");
      const who = this.deps.owners.whoMay(request.operationalState === "emergency" ? "override" : "approve", placements).filter((p) => p.name.trim().toLowerCase() !== this.deps.identity.technician()?.name.trim().toLowerCase());
      const ask = who.length > 0
        ? `Who can approve on ${where}: ${who.map((p) => `${p.name} (${p.personId})`).join(", ")}. They confirm with their PIN: "Approved by" in the wizard, or --approver ${who[0]!.personId} on the command line.`
        : `Nobody on this laptop may approve on ${where} yet: name someone in the decision authority for ${where} (Owners screen, or fieldproof owners authority) and give them a PIN, then ask them to confirm with it.`;
      throw new AppError("FORBIDDEN", `Rotating ${userName} needs an approval (dual control for shared and break-glass accounts). ${ask}`);
    }
    // Accounts a crew holds follow the site's setting (a password per line is one a shift can learn);
    // every other account gets its own password on each controller unless asked otherwise.
    const scope = request.passwordScope ?? (this.deps.hasHolders(request.identityId) ? this.deps.sharedScope() : "per-controller");
    return {
      batchId: `batch-${randomBytes(6).toString("hex")}`,
      identityId: request.identityId,
      userName,
      controllers,
      request,
      approvals,
      coSigners,
      recipient,
      scope,
      groupPasswords: new Map(scope === "shared" ? [["*", generatePassword(this.deps.basePolicy())]] : scope === "per-line" ? [...new Set(controllers.map((c) => c.line))].map((line) => [line, generatePassword(this.deps.basePolicy())]) : []),
    };
  }

  async run(plan: RotationPlan, job?: JobContext): Promise<ControllerRotationResult[]> {
    const { currentPassword: _secret, approval: _approval, ...safe } = plan.request;
    this.deps.rotations.saveBatch(plan.batchId, plan.identityId, plan.controllers.map((c) => c.id), { ...safe, passwordScope: plan.scope }, this.deps.now().toISOString());
    let done = 0;
    // A wrong typed password is a failed login on every controller it is tried on, and controllers
    // with a lock-out policy lock the account after a few. So the first controller goes alone, and
    // once one controller refuses the typed password the batch starts no further controllers.
    let stoppedBy: string | null = null;
    job?.progress(0, plan.controllers.length, `Rotating ${plan.userName} on ${plan.controllers.length} controller(s)`);
    const one = async (controller: ControllerRow): Promise<ControllerRotationResult> => {
      let result: ControllerRotationResult;
      if (stoppedBy) {
        result = {
          rotationId: null,
          controllerId: controller.id,
          state: "refused",
          message: `Not tried: ${stoppedBy} refused the current password of ${plan.userName}, and trying it on more controllers could lock the account out. Nothing was changed here; check the password, then use Retry failed (controllers with a different current password need their own batch).`,
        };
      } else {
        try {
          result = await this.deps.runner.run(plan, controller);
        } catch (error) {
          result = { rotationId: null, controllerId: controller.id, state: "refused", message: error instanceof Error ? error.message : String(error) };
        }
        if (result.wrongCurrentPassword) stoppedBy ??= controller.name;
      }
      job?.progress(++done, plan.controllers.length, `${controller.name}: ${result.state}`);
      return result;
    };
    const cancelled = (controller: ControllerRow): ControllerRotationResult => ({ rotationId: null, controllerId: controller.id, state: "refused", message: "Not started: the batch was cancelled." });
    const [first, ...rest] = plan.controllers;
    if (!first) return [];
    const head = job?.signal.aborted ? cancelled(first) : await one(first);
    const tail = await mapPool(rest, plan.request.concurrency, job?.signal, one, cancelled);
    return [head, ...tail].map(({ wrongCurrentPassword: _flag, ...result }) => result);
  }

  /** A new batch over only the controllers where this batch did not commit. */
  retryPlan(batchId: string, currentPassword: string | undefined, approval: RotationRequest["approval"]): RotationPlan {
    const batch = this.deps.rotations.batchPlan(batchId);
    if (!batch) throw new AppError("NOT_FOUND", `No rotation batch ${batchId}.`);
    const rows = this.deps.rotations.batch(batchId);
    const settled = new Set(rows.filter((r) => r.state === "committed" || (r.state === "pending" && r.method === "manual")).map((r) => r.controllerId));
    const failed = batch.controllerIds.filter((id) => !settled.has(id));
    if (failed.length === 0) throw new AppError("PRECONDITION_FAILED", "Every controller of this batch is done; nothing to retry.");
    const req = batch.request as Pick<RotationRequest, "reason" | "workOrder" | "operationalState" | "passwordScope" | "concurrency">;
    const plan = this.plan({
      identityId: batch.identityId,
      controllerIds: failed,
      reason: req.reason,
      workOrder: req.workOrder,
      operationalState: req.operationalState,
      currentPassword,
      approval,
      passwordScope: req.passwordScope ?? "per-controller",
      concurrency: req.concurrency ?? 8,
    });
    if (plan.scope === "per-controller") return plan;
    // A line's (or the batch's) password must stay one: the retried controllers get the password the
    // rest of their group already has, where the laptop still holds it for the holders (handover).
    const kept = new Map<string, string>();
    for (const r of rows.filter((row) => row.state === "committed")) {
      const password = this.deps.vault.get(handoverRef(r.rotationId));
      const line = this.deps.plantRepo.controller(r.controllerId)?.line;
      if (password !== undefined && line !== undefined) kept.set(plan.scope === "shared" ? "*" : line, password);
    }
    return { ...plan, groupPasswords: new Map([...plan.groupPasswords, ...kept]) };
  }

  /** After an interruption: probe each pending rotation's controller and record what it accepts. */
  async resolvePending(job?: JobContext): Promise<ResolveOutcome[]> {
    // A manual rotation waits for the technician's confirmation, not for a probe.
    const pending = this.deps.rotations.pending().filter((r) => r.method !== "manual");
    const results: ResolveOutcome[] = [];
    let done = 0;
    for (const row of pending) {
      if (job?.signal.aborted) break;
      results.push({ rotationId: row.rotationId, outcome: await this.resolveOne(row) });
      job?.progress(++done, pending.length, `${row.controllerId}: resolved`);
    }
    return results;
  }

  private async resolveOne(row: RotationRow): Promise<string> {
    const controller = this.deps.plantRepo.controller(row.controllerId);
    const newer = this.deps.vault.get(pendingRef(row.rotationId, "new"));
    const old = this.deps.vault.get(pendingRef(row.rotationId, "old"));
    if (!controller || !controller.trustedThumbprint || newer === undefined || old === undefined) return "skipped";
    const connector = this.deps.connector();
    const n = await probe(connector, controller.endpointUrl, { userName: row.userName, password: newer }, controller.trustedThumbprint, this.deps.now, this.deps.timeoutMs);
    const o = await probe(connector, controller.endpointUrl, { userName: row.userName, password: old }, controller.trustedThumbprint, this.deps.now, this.deps.timeoutMs);
    const holds = holdsFrom(n, o);
    const outcome = n.unknown || o.unknown ? "unreachable" : holds === "new" ? "completed" : holds === "old" ? "not-applied" : holds === "new-and-old" ? "new-and-old" : "neither";
    const own = this.deps.plant.login(row.controllerId)?.userName === row.userName;
    this.deps.identity.journal.transaction(() => {
      this.deps.identity.journal.appendInTransaction("rotation.resolved", [{ name: `fieldproof:rotation/${row.rotationId}` }], {
        rotationId: row.rotationId,
        outcome,
        proof: { newPassword: asProof(n), oldPassword: asProof(o) },
      });
      if (outcome === "completed") {
        if (own) this.deps.runner.updateLogin(row.controllerId, row.userName, newer);
        else this.deps.runner.keepForHandover(row.rotationId, newer);
        this.deps.runner.forget(row.rotationId, false);
      } else if (outcome === "not-applied") {
        if (own) this.deps.runner.updateLogin(row.controllerId, row.userName, old);
        this.deps.runner.forget(row.rotationId, true);
      }
    });
    return outcome;
  }

  /** The one sanctioned way a password reaches the screen: a manual rotation, recorded. */
  revealManual(rotationId: string): { password: string; controllerName: string; userName: string } {
    const row = this.pendingManual(rotationId);
    const password = this.deps.vault.get(pendingRef(rotationId, "new"));
    if (password === undefined) throw new AppError("NOT_FOUND", "The new password of this rotation is no longer on this laptop.");
    this.deps.identity.journal.append("secret.revealed", [{ name: `fieldproof:rotation/${rotationId}` }], { rotationId, purpose: "manual-rotation", controllerId: row.controllerId });
    return { password, controllerName: this.deps.plantRepo.controller(row.controllerId)?.name ?? row.controllerId, userName: row.userName };
  }

  async confirmManual(rotationId: string): Promise<ControllerRotationResult> {
    const row = this.pendingManual(rotationId);
    const controller = this.deps.plantRepo.controller(row.controllerId)!;
    const newer = this.deps.vault.get(pendingRef(rotationId, "new"));
    const old = this.deps.vault.get(pendingRef(rotationId, "old"));
    if (newer === undefined || old === undefined) throw new AppError("NOT_FOUND", "The passwords of this rotation are no longer on this laptop.");
    const own = this.deps.plant.login(row.controllerId)?.userName === row.userName;
    return this.deps.runner.prove(rotationId, controller, row.userName, newer, old, own, null, "manual");
  }

  private pendingManual(rotationId: string): RotationRow {
    const row = this.deps.rotations.get(rotationId);
    if (!row) throw new AppError("NOT_FOUND", `There is no rotation ${rotationId} on this laptop. The ids are in the Rotations screen and in fieldproof rotations list.`);
    if (row.method !== "manual") throw new AppError("PRECONDITION_FAILED", `Rotation ${rotationId} (${row.userName} on ${row.controllerId}) was made over OPC UA, not by hand: its password is never shown, and there is nothing to confirm.`);
    if (row.state !== "pending") throw new AppError("PRECONDITION_FAILED", `Rotation ${rotationId} (${row.userName} on ${row.controllerId}) is ${row.state}, no longer waiting for the vendor tool step: its password is not kept on this laptop any more.`);
    return row;
  }

  /** Every rotation, newest first, and how many were interrupted (pending and not manual or manual). */
  list(): { rotations: RotationRowView[]; pending: number } {
    const rows = this.deps.rotations.list();
    return { rotations: this.view(rows), pending: rows.filter((r) => r.state === "pending").length };
  }

  /** The rotations of one batch, as the technician sees them. */
  batchView(batchId: string): RotationRowView[] {
    return this.view(this.deps.rotations.batch(batchId));
  }

  /** One rotation as the technician sees it. */
  rotationView(rotationId: string): RotationRowView {
    const row = this.deps.rotations.get(rotationId);
    if (!row) throw new AppError("NOT_FOUND", `There is no rotation ${rotationId} on this laptop. See the Rotations screen (or fieldproof rotations list) for the ids.`);
    return this.view([row])[0]!;
  }

  /** Whether any rotation was interrupted and waits to be resolved (at app start). */
  hasInterrupted(): boolean {
    return this.deps.rotations.pending().some((r) => r.method !== "manual");
  }

  private view(rows: readonly RotationRow[]): RotationRowView[] {
    const names = new Map(this.deps.plantRepo.controllers().map((c) => [c.id, c.name]));
    return rows.map((r) => toView(r, names.get(r.controllerId) ?? r.controllerId));
  }

  private requiresApproval(userName: string, controllers: number, _state: string): boolean {
    const mode = this.deps.dualControl();
    if (mode === "off") return false;
    if (mode === "always") return true;
    return controllers > 1 || /break.?glass|emergency|firecall/i.test(userName);
  }
}

function toView(r: RotationRow, controllerName: string): RotationRowView {
  const d = r.detail as { proof?: { newPassword?: { accepted: boolean; statusCode: string } | null; oldPassword?: { accepted: boolean; statusCode: string } | null }; approvals?: { name: string; authority: string }[]; message?: string; outcome?: string };
  const proof = d.proof
    ? {
        newAccepted: d.proof.newPassword ? d.proof.newPassword.accepted : null,
        newStatus: d.proof.newPassword?.statusCode ?? null,
        oldRejected: d.proof.oldPassword ? !d.proof.oldPassword.accepted : null,
        oldStatus: d.proof.oldPassword?.statusCode ?? null,
      }
    : null;
  return {
    rotationId: r.rotationId,
    batchId: r.batchId,
    identityId: r.identityId,
    userName: r.userName,
    controllerId: r.controllerId,
    controllerName,
    method: r.method,
    reason: r.reason,
    workOrder: r.workOrder,
    state: r.state,
    summary: summary(r, d.message),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    proof,
    approvals: (d.approvals ?? []).map((a) => ({ name: a.name, authority: a.authority })),
    needsManualChange: r.state === "pending" && r.method === "manual",
  };
}

function summary(r: RotationRow, message: string | undefined): string {
  if (r.state === "committed") return "Rotated: new password accepted, old refused.";
  if (r.state === "pending") return r.method === "manual" ? "Waiting: set the new password in the vendor tool, then confirm." : "Interrupted: probe the controller to resolve it.";
  if (r.state.startsWith("resolved:")) return `Resolved after an interruption: ${r.state.slice("resolved:".length)}.`;
  return message ?? r.state;
}

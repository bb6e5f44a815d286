import { randomBytes } from "node:crypto";
import { AppError } from "../../../shared/domain/errors";
import { policyForController, type GeneratorPolicy } from "../../../shared/domain/passwordPolicy";
import type { ControllerRow } from "../../db/plantRepository";
import type { RotationRepository } from "../../db/rotationRepository";
import { sha256Hex } from "../../evidence/crypto";
import { sealToIt } from "../../evidence/escrow";
import type { Identity } from "../../evidence/identity";
import { generatePassword } from "../../evidence/passwordGenerator";
import { loginRef, type Vault } from "../../evidence/vault";
import type { ControllerConnector, Login } from "../../connectors/port";
import type { PlantService } from "../plantService";
import type { CrashHook } from "./crashPoint";
import { handoverRef } from "./handover";
import { asProof, holdsFrom, probe, type ProbeResult } from "./probe";
import type { ControllerRotationResult, RotationPlan } from "./types";

export interface RunnerDeps {
  readonly identity: Identity;
  readonly vault: Vault;
  readonly plant: PlantService;
  readonly rotations: RotationRepository;
  readonly connector: () => ControllerConnector;
  readonly now: () => Date;
  readonly timeoutMs: number;
  readonly basePolicy: () => GeneratorPolicy;
  /** Test seam at each step (see crashPoint.ts); does nothing in the app. */
  readonly crashHook: CrashHook;
  /** Whether a committed rotation of this identity keeps the new password for its holders (handover.ts). */
  readonly keepsForHandover: (identityId: string) => boolean;
}

export const pendingRef = (rotationId: string, which: "new" | "old"): string => `pending/${rotationId}/${which}`;

/**
 * One controller's rotation, designed against lock-out first: the new password is sealed to IT
 * and kept (encrypted) on the laptop, with a pending record, before the controller is touched; the
 * rotation commits only once the new password is accepted and the old one refused.
 */
export class RotationRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(plan: RotationPlan, controller: ControllerRow): Promise<ControllerRotationResult> {
    const login = this.deps.plant.login(controller.id);
    if (!login) return refused(controller, "No technician login is stored for this controller: load it from the plant file or set it first.");
    if (!controller.trustedThumbprint || controller.trustDecision === "rejected") return refused(controller, "Its certificate is not trusted: scan it and trust its certificate first.");
    const own = login.userName === plan.userName;
    const old = own ? login.password : plan.request.currentPassword;
    if (!old) return refused(controller, `The current password of ${plan.userName} is needed to prove it stops working.`);
    // Prove the current password works before anything else: a wrong one would make the later
    // "old password refused" proof meaningless.
    const before = await probe(this.deps.connector(), controller.endpointUrl, { userName: plan.userName, password: old }, controller.trustedThumbprint, this.deps.now, this.deps.timeoutMs);
    if (before.unknown) return refused(controller, `The controller cannot be reached (${before.statusCode}). Nothing was changed.`);
    if (!before.accepted) {
      const result = refused(controller, `The current password of ${plan.userName} is not accepted by ${controller.name} (${before.statusCode}). Nothing was changed; check the password.`);
      return own ? result : { ...result, wrongCurrentPassword: true };
    }
    const part18 = controller.posture?.userManagement.available !== false;
    const policy = policyForController(controller.posture?.userManagement.passwordPolicy ?? null, this.deps.basePolicy());
    const newPassword = plan.groupPasswords.get(plan.scope === "shared" ? "*" : controller.line) ?? generatePassword(policy);
    const rotationId = `rot-${randomBytes(8).toString("hex")}`;
    const file = `sealed/${rotationId}.age`;
    const sealed = await sealToIt(
      JSON.stringify({ fieldproof: "sealed-secret/v1", rotationId, controllerId: controller.id, endpointUrl: controller.endpointUrl, userName: plan.userName, password: newPassword }),
      plan.recipient,
    );
    // Another account's password is set as SecurityAdmin (ModifyUser); where the technician's login may
    // not do that, the account changes its own (ChangePassword, logged in with its current password).
    const asAccount = own || controller.posture?.userManagement.modifyUsers === false;
    const call = !part18 ? "manual" : asAccount ? "ChangePassword" : "ModifyUser";

    // Durable before the controller is touched: sealed secret, local copies, pending record.
    this.deps.identity.journal.transaction(() => {
      const seq = this.deps.identity.journal.appendInTransaction(
        "rotation.pending",
        [{ name: `fieldproof:controller/${controller.id}/account/${plan.userName}` }],
        {
          rotationId,
          batchId: plan.batchId,
          identityId: plan.identityId,
          userName: plan.userName,
          controllerId: controller.id,
          endpointUrl: controller.endpointUrl,
          controllerThumbprint: controller.trustedThumbprint!,
          method: part18 ? "opcua-part18" : "manual",
          call,
          actingUser: asAccount || !part18 ? plan.userName : login.userName,
          reason: plan.request.reason,
          workOrder: plan.request.workOrder,
          operationalState: plan.request.operationalState,
          approvals: [...plan.approvals],
          sealed: { file, sha256: sha256Hex(sealed), recipient: plan.recipient },
          policy: { length: newPassword.length, classes: classesOf(newPassword) },
        },
        plan.coSigners,
      ).seq;
      this.deps.rotations.insertSealed(file, rotationId, sealed, sha256Hex(sealed), this.deps.now().toISOString(), seq);
      this.deps.vault.put(pendingRef(rotationId, "new"), newPassword);
      this.deps.vault.put(pendingRef(rotationId, "old"), old);
    });
    await this.deps.crashHook("sealed");
    if (!part18) return { rotationId, controllerId: controller.id, state: "pending-manual", message: "No Part 18 on this controller: show the new password, set it in the vendor tool, then confirm." };

    const connector = this.deps.connector();
    const opts = { expectedThumbprint: controller.trustedThumbprint, timeoutMs: this.deps.timeoutMs };
    let outcome;
    try {
      outcome = asAccount
        ? await connector.changePassword(controller.endpointUrl, { userName: plan.userName, password: old }, newPassword, opts)
        : await connector.setUserPassword(controller.endpointUrl, login, plan.userName, newPassword, opts);
    } catch (error) {
      // The call was cut: whether the change happened is unknown. Ask the controller.
      return this.prove(rotationId, controller, plan.userName, newPassword, old, own, error instanceof Error ? error.message : String(error));
    }
    if (!outcome.good) {
      this.fail(rotationId, "change", outcome.statusCode, `The controller refused the change (${outcome.statusCode}).`, "old", null, null);
      this.forget(rotationId, true);
      return { rotationId, controllerId: controller.id, state: "failed", message: `The controller refused the change: ${outcome.statusCode}. Its password is unchanged.` };
    }
    await this.deps.crashHook("changed");
    return this.prove(rotationId, controller, plan.userName, newPassword, old, own, null, outcome.statusCode);
  }

  /**
   * New accepted and old refused: commit. Anything else: record what the controller holds, except for
   * a manual change whose proof did not pass yet (the vendor tool step not done, mistyped, or the
   * controller out of reach): that rotation stays pending, so the technician can set it and prove again.
   */
  async prove(rotationId: string, controller: ControllerRow, userName: string, newPassword: string, old: string, own: boolean, interrupted: string | null, changeStatus = "Good"): Promise<ControllerRotationResult> {
    const connector = this.deps.connector();
    const thumbprint = controller.trustedThumbprint!;
    const newer = await probe(connector, controller.endpointUrl, { userName, password: newPassword }, thumbprint, this.deps.now, this.deps.timeoutMs);
    await this.deps.crashHook("proved-new");
    const older = await probe(connector, controller.endpointUrl, { userName, password: old }, thumbprint, this.deps.now, this.deps.timeoutMs);
    await this.deps.crashHook("proved-old");
    if (newer.accepted && !older.accepted && !older.unknown) {
      this.commit(rotationId, controller, userName, newPassword, own, changeStatus, newer, older);
      await this.deps.crashHook("committed");
      return { rotationId, controllerId: controller.id, state: "committed", message: `Done: new password accepted (${newer.statusCode}), old refused (${older.statusCode}).` };
    }
    const holds = holdsFrom(newer, older);
    if (changeStatus === "manual" && !newer.accepted) return { rotationId, controllerId: controller.id, state: "pending-manual", message: manualNotYet(controller, userName, newer, older) };
    const stage = interrupted ? "connect" : newer.accepted ? "proof-old" : "proof-new";
    const message = describeFailure(holds, newer, older, interrupted);
    this.fail(rotationId, stage, stage === "proof-old" ? older.statusCode : newer.statusCode, message, holds, newer, older);
    if (holds === "old") this.forget(rotationId, true);
    if (holds === "new" && own) this.updateLogin(controller.id, userName, newPassword);
    return { rotationId, controllerId: controller.id, state: "failed", message };
  }

  private commit(rotationId: string, controller: ControllerRow, userName: string, newPassword: string, own: boolean, changeStatus: string, newer: ProbeResult, older: ProbeResult): void {
    const secure = controller.posture?.endpoints.find((e) => e.securityMode === "SignAndEncrypt" && e.securityPolicy !== "None");
    this.deps.identity.journal.transaction(() => {
      this.deps.identity.journal.appendInTransaction("rotation.committed", [{ name: `fieldproof:controller/${controller.id}/account/${userName}` }], {
        rotationId,
        changeStatus,
        proof: { newPassword: asProof(newer)!, oldPassword: asProof(older)! },
        securityPolicy: secure?.securityPolicy ?? "unknown",
        securityMode: secure?.securityMode ?? "SignAndEncrypt",
        controllerClock: controller.posture?.serverTime ?? null,
      });
      // The laptop forgets the password once IT has it sealed, except the technician's own login and,
      // for a shared account, a copy for its current holders until they have it (handover.ts).
      if (own) this.updateLogin(controller.id, userName, newPassword);
      else this.keepForHandover(rotationId, newPassword);
      this.forget(rotationId, false);
    });
  }

  /** A shared account's new password stays (encrypted) for its current holders; see handover.ts. */
  keepForHandover(rotationId: string, newPassword: string): void {
    const identityId = this.deps.rotations.get(rotationId)?.identityId;
    if (identityId && this.deps.keepsForHandover(identityId)) this.deps.vault.put(handoverRef(rotationId), newPassword);
  }

  fail(rotationId: string, stage: "change" | "proof-new" | "proof-old" | "connect", statusCode: string, message: string, holds: "old" | "new" | "new-and-old" | "unknown", newer: ProbeResult | null, older: ProbeResult | null): void {
    this.deps.identity.journal.append("rotation.failed", [{ name: `fieldproof:rotation/${rotationId}` }], {
      rotationId,
      stage,
      statusCode,
      message: message.slice(0, 2000),
      controllerHolds: holds,
      proof: { newPassword: asProof(newer), oldPassword: asProof(older) },
    });
  }

  /** Drops the laptop's copies. `voidSealed`: the new password never took effect, so IT need not get it. */
  forget(rotationId: string, voidSealed: boolean): void {
    this.deps.vault.delete(pendingRef(rotationId, "new"));
    this.deps.vault.delete(pendingRef(rotationId, "old"));
    if (voidSealed) this.deps.rotations.deleteSealed(rotationId);
  }

  updateLogin(controllerId: string, userName: string, password: string): void {
    this.deps.vault.put(loginRef(controllerId, userName), JSON.stringify({ userName, password } satisfies Login));
  }
}

function refused(controller: ControllerRow, message: string): ControllerRotationResult {
  return { rotationId: null, controllerId: controller.id, state: "refused", message };
}

function classesOf(password: string): string[] {
  return [/[A-Z]/.test(password) && "upper", /[a-z]/.test(password) && "lower", /[0-9]/.test(password) && "digit", /[^A-Za-z0-9]/.test(password) && "special"].filter((c): c is string => typeof c === "string");
}

function manualNotYet(controller: ControllerRow, userName: string, newer: ProbeResult, older: ProbeResult): string {
  if (newer.unknown || older.unknown) return `${controller.name} could not be asked (${newer.statusCode}): nothing was recorded and the rotation still waits. Check the connection, then prove it again.`;
  if (older.accepted) return `${controller.name} still accepts the old password of ${userName} and refuses the new one (${newer.statusCode}): the new password is not set yet. Set it in the vendor tool (Show new password), then prove it again.`;
  return `${controller.name} refuses both the old and the new password of ${userName} (${newer.statusCode}): it was probably mistyped in the vendor tool. Set it again exactly as shown (Show new password), then prove it again.`;
}

function describeFailure(holds: string, newer: ProbeResult, older: ProbeResult, interrupted: string | null): string {
  const prefix = interrupted ? `The change was interrupted (${interrupted.slice(0, 200)}). ` : "";
  switch (holds) {
    case "new-and-old":
      return `${prefix}Proof failed: the controller accepts the new password (${newer.statusCode}) but still accepts the old one too. The new password is sealed for IT; report the controller.`;
    case "new":
      return `${prefix}The new password works (${newer.statusCode}) but the old one could not be tested (${older.statusCode}). The new password is sealed for IT; prove it again later.`;
    case "old":
      return `${prefix}The controller still has the old password (new refused: ${newer.statusCode}). Nothing changed on it.`;
    default:
      return `${prefix}The controller could not be asked which password it accepts (new: ${newer.statusCode}, old: ${older.statusCode}). Both are kept on this laptop; resolve it when the controller is reachable.`;
  }
}

export function assertRecipient(recipient: string | undefined): string {
  if (!recipient) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "Rotation refused: no IT key is trusted on this laptop, so the new password could not be sealed to IT. Install IT's it-public.json (Settings › IT keys, or `fieldproof it trust FILE`), then try again.",
    );
  }
  return recipient;
}


import type { ControllerOutcome, RotationRequest } from "../../../shared/contract";
import type { Approval } from "../../../shared/evidence/kinds";
import type { z } from "zod";
import type { ControllerRow } from "../../db/plantRepository";
import type { Signer } from "../../evidence/dsse";

export interface RotationPlan {
  readonly batchId: string;
  readonly identityId: string;
  readonly userName: string;
  readonly controllers: readonly ControllerRow[];
  readonly request: RotationRequest;
  readonly approvals: readonly z.infer<typeof Approval>[];
  readonly coSigners: readonly Signer[];
  readonly recipient: string;
  /** How the new passwords are shared out: one per controller, one per line, or one for the batch. */
  readonly scope: "per-controller" | "per-line" | "shared";
  /** The batch's password (shared) or each line's (per-line), by line; empty per controller. */
  readonly groupPasswords: ReadonlyMap<string, string>;
}

export interface ControllerRotationResult extends ControllerOutcome {
  /** Refused because the typed current password did not work (each such try is a failed login that lock-out policies count). */
  readonly wrongCurrentPassword?: true;
}

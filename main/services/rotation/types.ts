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
  /** One password for every controller when the site asks for it; else one each. */
  readonly sharedPassword: string | null;
}

export interface ControllerRotationResult extends ControllerOutcome {
  /** Refused because the typed current password did not work (each such try is a failed login that lock-out policies count). */
  readonly wrongCurrentPassword?: true;
}

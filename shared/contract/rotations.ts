import { z } from "zod";
import { OperationalState, RotationReason } from "../evidence/kinds";
import { channel } from "./channel";
import { JobStatus } from "./jobs";

export const RotationRequest = z.strictObject({
  identityId: z.string().min(1).max(300),
  /** Omitted: every controller the account lives on. */
  controllerIds: z.array(z.string().max(64)).min(1).max(10_000).optional(),
  reason: RotationReason,
  workOrder: z.string().trim().min(1, "enter the work order").max(200),
  operationalState: OperationalState,
  /** The account's current password, to prove it stops working (and for ChangePassword). Not needed for the technician's own login. */
  currentPassword: z.string().max(1024).optional(),
  approval: z.strictObject({ personId: z.string().max(64), pin: z.string().min(1).max(128), emergency: z.boolean().default(false) }).optional(),
  /**
   * per-controller: a different password on each controller; per-line: one per line (what a crew can
   * learn); shared: one for all. Omitted: per-line or per-controller as the site's setting says for
   * accounts with holders (Settings › Shared accounts), per-controller for every other account.
   */
  passwordScope: z.enum(["per-controller", "per-line", "shared"]).optional(),
  concurrency: z.number().int().min(1).max(32).default(8),
});
export type RotationRequest = z.infer<typeof RotationRequest>;

export const RotationRowView = z.object({
  rotationId: z.string(),
  batchId: z.string().nullable(),
  identityId: z.string(),
  userName: z.string(),
  controllerId: z.string(),
  controllerName: z.string(),
  method: z.string(),
  reason: z.string(),
  workOrder: z.string(),
  state: z.string(),
  /** Plain-language status for the technician. */
  summary: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  proof: z
    .object({ newAccepted: z.boolean().nullable(), newStatus: z.string().nullable(), oldRejected: z.boolean().nullable(), oldStatus: z.string().nullable() })
    .nullable(),
  approvals: z.array(z.object({ name: z.string(), authority: z.string() })),
  needsManualChange: z.boolean(),
});
export type RotationRowView = z.infer<typeof RotationRowView>;

/** What happened on one controller of a batch, including controllers refused before anything was recorded. */
export const ControllerOutcome = z.object({
  controllerId: z.string(),
  rotationId: z.string().nullable(),
  state: z.enum(["committed", "failed", "pending-manual", "pending", "refused"]),
  message: z.string(),
});
export type ControllerOutcome = z.infer<typeof ControllerOutcome>;

/** A shared account's new password waiting on the laptop for its current holders. */
export const HandoverView = z.object({
  identityId: z.string(),
  userName: z.string(),
  controllers: z.array(z.object({ rotationId: z.string(), controllerId: z.string(), controllerName: z.string(), rotatedAt: z.string() })),
  holders: z.array(z.object({ personId: z.string(), name: z.string(), hasPin: z.boolean(), received: z.array(z.string()), missing: z.array(z.string()) })),
  /** When the laptop forgets it if not every holder has it by then (IT keeps the sealed copy). */
  expiresAt: z.string(),
});
export type HandoverView = z.infer<typeof HandoverView>;

export const rotationChannels = {
  "rotations.list": channel(z.strictObject({}), z.object({ rotations: z.array(RotationRowView), pending: z.number().int() }), "Rotations, newest first, with proof"),
  "rotations.start": channel(RotationRequest, JobStatus, "Rotate a password on one or more controllers (a job)"),
  "rotations.batchResult": channel(
    z.strictObject({ jobId: z.string() }),
    z.object({
      batchId: z.string(),
      results: z.array(ControllerOutcome),
      rotations: z.array(RotationRowView),
      /** Current holders of the account who still have to receive its new password (shared accounts). */
      handOverTo: z.array(z.string()),
    }),
    "Per-controller outcome of a rotation job (also where nothing was recorded), and the rotations it recorded",
  ),
  "rotations.retryFailed": channel(
    z.strictObject({ batchId: z.string().max(64), currentPassword: z.string().max(1024).optional(), approval: RotationRequest.shape.approval }),
    JobStatus,
    "Rotate again only where the batch failed",
  ),
  "rotations.resolvePending": channel(z.strictObject({}), JobStatus, "Probe controllers of interrupted rotations and record what they accept"),
  "rotations.resolveResult": channel(
    z.strictObject({ jobId: z.string() }),
    z.object({ resolved: z.array(z.object({ rotationId: z.string(), outcome: z.string() })) }),
    "What each interrupted rotation's controller accepted, once the resolve job is done",
  ),
  "rotations.revealManual": channel(z.strictObject({ rotationId: z.string().max(64) }), z.object({ password: z.string(), controllerName: z.string(), userName: z.string() }), "Show a manual rotation's new password once (recorded)"),
  "rotations.confirmManual": channel(z.strictObject({ rotationId: z.string().max(64) }), RotationRowView, "The technician set it in the vendor tool: prove it and commit"),
  "rotations.handovers": channel(z.strictObject({}), z.object({ handovers: z.array(HandoverView) }), "Shared accounts whose new password waits on this laptop for their holders"),
  "rotations.handOver": channel(
    z.strictObject({ identityId: z.string().max(300), personId: z.string().max(64), pin: z.string().min(1).max(128).optional() }),
    z.object({
      personName: z.string(),
      method: z.enum(["pin", "slip"]),
      passwords: z.array(z.object({ controllerId: z.string(), controllerName: z.string(), password: z.string() })),
      waitingFor: z.array(z.string()),
    }),
    "Give one current holder the new password of each controller, once (recorded; their PIN where they have one)",
  ),
  "rotations.closeHandover": channel(
    z.strictObject({ identityId: z.string().max(300) }),
    z.object({ forgotten: z.number().int(), notReceived: z.array(z.string()) }),
    "Forget the handover copies now (the holders who did not get it ask IT)",
  ),
};

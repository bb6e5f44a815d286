import type { rotationChannels } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { ResolveOutcome } from "../../services/rotation/rotationService";
import type { ControllerRotationResult } from "../../services/rotation/types";
import type { Handlers } from "../dispatch";

/** Password rotations: batches (jobs), retries, interrupted ones, manual steps. */
export function createRotationHandlers(services: Services): Pick<Handlers, keyof typeof rotationChannels> {
  const { rotations, handover, jobs } = services;
  return {
    "rotations.list": async () => rotations.list(),
    "rotations.start": async (request) => {
      const plan = rotations.plan(request);
      return jobs.start("rotations.start", `Rotating ${plan.userName}`, async (job) => ({ batchId: plan.batchId, identityId: plan.identityId, results: await rotations.run(plan, job) }));
    },
    "rotations.batchResult": async ({ jobId }) => {
      const { batchId, identityId, results } = jobs.result<{ batchId: string; identityId: string; results: ControllerRotationResult[] }>(jobId, "rotations.start");
      return { batchId, results, rotations: rotations.batchView(batchId), handOverTo: handover.waitingFor(identityId) };
    },
    "rotations.retryFailed": async ({ batchId, currentPassword, approval }) => {
      const plan = rotations.retryPlan(batchId, currentPassword, approval);
      return jobs.start("rotations.start", `Retrying ${plan.userName}`, async (job) => ({ batchId: plan.batchId, identityId: plan.identityId, results: await rotations.run(plan, job) }));
    },
    "rotations.resolvePending": async () => jobs.start("rotations.resolve", "Resolving interrupted rotations", (job) => rotations.resolvePending(job)),
    "rotations.resolveResult": async ({ jobId }) => ({ resolved: jobs.result<ResolveOutcome[]>(jobId, "rotations.resolve") }),
    "rotations.revealManual": async ({ rotationId }) => rotations.revealManual(rotationId),
    "rotations.confirmManual": async ({ rotationId }) => {
      const result = await rotations.confirmManual(rotationId);
      const view = rotations.rotationView(rotationId);
      // Still waiting: say why this proof did not pass, not only that it waits.
      return view.state === "pending" ? { ...view, summary: result.message } : view;
    },
    "rotations.handovers": async () => ({ handovers: handover.list() }),
    "rotations.handOver": async (request) => handover.handOver(request),
    "rotations.closeHandover": async ({ identityId }) => handover.close(identityId),
  };
}

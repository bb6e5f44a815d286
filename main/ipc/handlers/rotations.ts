import type { rotationChannels } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { ResolveOutcome } from "../../services/rotation/rotationService";
import type { ControllerRotationResult } from "../../services/rotation/types";
import type { Handlers } from "../dispatch";

/** Password rotations: batches (jobs), retries, interrupted ones, manual steps. */
export function createRotationHandlers(services: Services): Pick<Handlers, keyof typeof rotationChannels> {
  const { rotations, jobs } = services;
  return {
    "rotations.list": async () => rotations.list(),
    "rotations.start": async (request) => {
      const plan = rotations.plan(request);
      return jobs.start("rotations.start", `Rotating ${plan.userName}`, async (job) => ({ batchId: plan.batchId, results: await rotations.run(plan, job) }));
    },
    "rotations.batchResult": async ({ jobId }) => {
      const { batchId, results } = jobs.result<{ batchId: string; results: ControllerRotationResult[] }>(jobId, "rotations.start");
      return { batchId, results, rotations: rotations.batchView(batchId) };
    },
    "rotations.retryFailed": async ({ batchId, currentPassword, approval }) => {
      const plan = rotations.retryPlan(batchId, currentPassword, approval);
      return jobs.start("rotations.start", `Retrying ${plan.userName}`, async (job) => ({ batchId: plan.batchId, results: await rotations.run(plan, job) }));
    },
    "rotations.resolvePending": async () => jobs.start("rotations.resolve", "Resolving interrupted rotations", (job) => rotations.resolvePending(job)),
    "rotations.resolveResult": async ({ jobId }) => ({ resolved: jobs.result<ResolveOutcome[]>(jobId, "rotations.resolve") }),
    "rotations.revealManual": async ({ rotationId }) => rotations.revealManual(rotationId),
    "rotations.confirmManual": async ({ rotationId }) => {
      await rotations.confirmManual(rotationId);
      return rotations.rotationView(rotationId);
    },
  };
}

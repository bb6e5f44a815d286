import { AppError } from "../../shared/contract";
import type { Handlers } from "./dispatch";
import type { Services } from "./createServices";
import type { ExportSummary } from "../evidence/exportBundle";
import type { ScanOutcome } from "../../shared/contract";
import type { ControllerRotationResult } from "./rotation/types";
import { createOwnerHandlers } from "./ownerHandlers";

/** Binds every contract channel to a service method. A missing channel is a type error. */
export function createHandlers(services: Services): Handlers {
  return {
    ...createOwnerHandlers(services),
    "system.info": () => services.system.info(),
    "settings.get": () => services.settings.get(),
    "settings.update": (patch) => services.settings.update(patch),
    "dialog.saveFile": async (options) => ({ path: await dialogs(services).save(options) }),
    "dialog.openFile": async (options) => ({ path: await dialogs(services).open(options) }),
    "jobs.status": async ({ id }) => services.jobs.status(id),
    "jobs.cancel": async ({ id }) => services.jobs.cancel(id),
    "evidence.summary": () => services.evidence.summary(),
    "evidence.records": (query) => services.evidence.records(query),
    "evidence.record": ({ seq }) => services.evidence.record(seq),
    "evidence.export": async ({ path, fromSeq }) =>
      services.jobs.start("evidence.export", "Exporting records for IT", (job) => services.evidence.export(path, fromSeq, (done, total, label) => job.progress(done, total, label))),
    "evidence.exportResult": async ({ jobId }) => {
      const summary = services.jobs.result<ExportSummary>(jobId);
      if (!summary) throw new AppError("NOT_FOUND", "That export has not finished (or failed); check its job status.");
      return summary;
    },
    "evidence.importReceipt": ({ path }) => services.evidence.importReceipt(path),
    "evidence.trustIt": ({ path, replace }) => services.evidence.trustIt(path, replace),
    "device.unlock": async ({ passphrase }) => services.identity.unlock(passphrase),
    "technician.set": async ({ name, pin }) => {
      services.identity.setTechnician(name, pin);
      return services.identity.technician()!;
    },
    "plant.tree": () => services.inventory.tree(),
    "plant.importFile": ({ path }) => services.plant.importPlantFile(path),
    "plant.scan": async (request) => {
      // Refuse bad targets before starting the job (nothing is recorded for them).
      services.scan.resolveTargets(request);
      return services.jobs.start("plant.scan", "Scanning controllers", (job) => services.scan.scan(request, job));
    },
    "plant.scanResult": async ({ jobId }) => {
      const outcomes = services.jobs.result<ScanOutcome[]>(jobId);
      if (!outcomes) throw new AppError("NOT_FOUND", "That scan has not finished (or failed); check its job status.");
      return { outcomes };
    },
    "plant.trust": async ({ controllerId, thumbprintSha256, decision, note }) => {
      const row = services.repos.plant.controller(controllerId);
      const cert = row?.posture?.certificate;
      if (!row || !cert) throw new AppError("NOT_FOUND", `Controller ${controllerId} has not presented a certificate yet: scan it first.`);
      if (cert.thumbprintSha256 !== thumbprintSha256) throw new AppError("CONFLICT", "The certificate changed while you were looking at it. Scan again and check the new thumbprint.");
      services.plant.trust(controllerId, cert, decision === "reject" ? "rejected" : row.trustedThumbprint ? "re-trusted" : "first-use", note);
      return services.inventory.controllerSummary(controllerId);
    },
    "demo.start": ({ controllers }) => services.demo.start(controllers),
    "demo.status": async () => services.demo.status(),
    "demo.stop": () => services.demo.stop(),
    "identities.list": async () => ({ rows: await services.inventory.identities(), generatedAt: new Date().toISOString() }),
    "identities.get": ({ id }) => services.inventory.identity(id),
    "identities.checkReuse": ({ id, password }) => services.credentials.checkReuse(id, password),
    "identities.checkDefaults": async () => ({ results: await services.credentials.checkDefaults() }),
    "rotations.list": async () => {
      const rows = services.repos.rotations.list();
      return { rotations: services.rotations.view(rows), pending: rows.filter((r) => r.state === "pending").length };
    },
    "rotations.start": async (request) => {
      const plan = services.rotations.plan(request);
      return services.jobs.start("rotations.start", `Rotating ${plan.userName}`, async (job) => ({ batchId: plan.batchId, results: await services.rotations.run(plan, job) }));
    },
    "rotations.batchResult": async ({ jobId }) => {
      const result = services.jobs.result<{ batchId: string; results: ControllerRotationResult[] }>(jobId);
      if (!result) throw new AppError("NOT_FOUND", "That rotation job has not finished; check its job status.");
      return { batchId: result.batchId, rotations: services.rotations.view(services.repos.rotations.batch(result.batchId)) };
    },
    "rotations.retryFailed": async ({ batchId, currentPassword, approval }) => {
      const plan = services.rotations.retryPlan(batchId, currentPassword, approval);
      return services.jobs.start("rotations.start", `Retrying ${plan.userName}`, async (job) => ({ batchId: plan.batchId, results: await services.rotations.run(plan, job) }));
    },
    "rotations.resolvePending": async () => services.jobs.start("rotations.resolve", "Resolving interrupted rotations", (job) => services.rotations.resolvePending(job)),
    "rotations.revealManual": async ({ rotationId }) => services.rotations.revealManual(rotationId),
    "rotations.confirmManual": async ({ rotationId }) => {
      await services.rotations.confirmManual(rotationId);
      const row = services.repos.rotations.get(rotationId)!;
      return services.rotations.view([row])[0]!;
    },
    "technician.signIn": async ({ pin }) => {
      services.identity.signInTechnician(pin);
      return services.identity.technician()!;
    },
  };
}

function dialogs(services: Services): NonNullable<Services["config"]["dialogs"]> {
  const d = services.config.dialogs;
  if (!d) throw new AppError("PRECONDITION_FAILED", "File dialogs are only available in the desktop app. Type the full path instead.");
  return d;
}

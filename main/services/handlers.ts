import { AppError } from "../../shared/contract";
import type { Handlers } from "./dispatch";
import type { Services } from "./createServices";
import type { ExportSummary } from "../evidence/exportBundle";

/** Binds every contract channel to a service method. A missing channel is a type error. */
export function createHandlers(services: Services): Handlers {
  return {
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

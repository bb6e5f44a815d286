import type { identityChannels, plantChannels, ScanOutcome } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";

/** The plant: plant files, scans, trust decisions, the demo plant, and the identities found. */
export function createPlantHandlers(services: Services): Pick<Handlers, keyof typeof plantChannels | keyof typeof identityChannels> {
  return {
    "plant.tree": () => services.inventory.tree(),
    "plant.importFile": ({ path }) => services.plant.importPlantFile(path),
    "plant.scan": async (request) => {
      // Bad targets are refused before the job starts (nothing is recorded for them).
      services.scan.resolveTargets(request);
      return services.jobs.start("plant.scan", "Scanning controllers", (job) => services.scan.scan(request, job));
    },
    "plant.scanResult": async ({ jobId }) => ({ outcomes: services.jobs.result<ScanOutcome[]>(jobId, "plant.scan") }),
    "plant.trust": async ({ controllerId, thumbprintSha256, decision, note }) => {
      services.plant.trustPresented(controllerId, thumbprintSha256, decision, note);
      return services.inventory.controllerSummary(controllerId);
    },
    "demo.start": ({ controllers }) => services.demo.start(controllers),
    "demo.status": async () => services.demo.status(),
    "demo.stop": () => services.demo.stop(),
    "identities.list": () => services.inventory.identityList(),
    "identities.declare": ({ controllerIds, userName, kind, description }) => services.plant.declareAccount({ controllerIds, account: { userName, kind, description } }),
    "identities.get": ({ id }) => services.inventory.identity(id),
    "identities.checkReuse": ({ id, password }) => services.credentials.checkReuse(id, password),
    "identities.checkDefaults": () => services.credentials.checkDefaults(),
  };
}

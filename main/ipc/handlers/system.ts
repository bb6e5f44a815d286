import type { jobChannels, systemChannels } from "../../../shared/contract";
import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";

/** The app itself: info, settings, file dialogs and jobs. */
export function createSystemHandlers(services: Services): Pick<Handlers, keyof typeof systemChannels | keyof typeof jobChannels> {
  return {
    "system.info": () => services.system.info(),
    "system.clientCertificate": () => services.system.clientCertificate(),
    "system.exportClientCertificate": ({ path }) => services.system.exportClientCertificate(path),
    "settings.get": () => services.settings.get(),
    "settings.update": (patch) => services.settings.update(patch),
    "settings.setDualControl": ({ mode, approval }) => {
      services.settings.changeDualControl(mode, approval);
      return services.settings.get();
    },
    "settings.setSharedScope": ({ scope }) => {
      services.settings.changeSharedScope(scope);
      return services.settings.get();
    },
    "settings.setCollector": ({ url }) => {
      services.sync.setCollector(url);
      return services.settings.get();
    },
    "settings.setSyncAutomatically": ({ enabled }) => {
      services.sync.setAutomatic(enabled);
      return services.settings.get();
    },
    "sync.status": async () => services.sync.status(),
    "sync.now": () => services.sync.syncNow(),
    "dialog.saveFile": async (options) => ({ path: await services.system.saveDialog(options) }),
    "dialog.openFile": async (options) => ({ path: await services.system.openDialog(options) }),
    "jobs.status": async ({ id }) => services.jobs.status(id),
    "jobs.cancel": async ({ id }) => services.jobs.cancel(id),
  };
}

import type { Handlers } from "./dispatch";
import type { Services } from "./createServices";

/** Binds every contract channel to a service method. A missing channel is a type error. */
export function createHandlers(services: Services): Handlers {
  return {
    "system.info": () => services.system.info(),
    "settings.get": () => services.settings.get(),
    "settings.update": (patch) => services.settings.update(patch),
    "jobs.status": async ({ id }) => services.jobs.status(id),
    "jobs.cancel": async ({ id }) => services.jobs.cancel(id),
  };
}

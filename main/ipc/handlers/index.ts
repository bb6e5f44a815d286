import type { Services } from "../../services/createServices";
import type { Handlers } from "../dispatch";
import { createEvidenceHandlers } from "./evidence";
import { createOwnerHandlers } from "./owners";
import { createPlantHandlers } from "./plant";
import { createRotationHandlers } from "./rotations";
import { createSystemHandlers } from "./system";

/**
 * Binds every contract channel to a use case. A handler parses nothing (the dispatcher did), calls one
 * service method and shapes the answer; rules live in the services. A missing channel is a type error.
 */
export function createHandlers(services: Services): Handlers {
  return {
    ...createSystemHandlers(services),
    ...createEvidenceHandlers(services),
    ...createPlantHandlers(services),
    ...createRotationHandlers(services),
    ...createOwnerHandlers(services),
  };
}

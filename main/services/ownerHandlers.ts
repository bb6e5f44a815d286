import type { ownerChannels } from "../../shared/contract";
import type { Services } from "./createServices";
import type { Handlers } from "./dispatch";

/** Handlers of the owner channels (shared/contract/owners.ts). */
export function createOwnerHandlers(_services: Services): Pick<Handlers, keyof typeof ownerChannels> {
  return {};
}

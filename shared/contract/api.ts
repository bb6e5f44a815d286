import type { Channel, RequestOf, ResponseOf } from "./index";
import type { Result } from "./result";

/** What the preload (or the test bridge) exposes as `window.fieldproof`: one function per channel. */
export type FieldproofApi = {
  readonly [C in Channel]: (request: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
};

/** The name of the global the preload exposes. */
export const API_GLOBAL = "fieldproof";

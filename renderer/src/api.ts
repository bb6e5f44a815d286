// The renderer's only way to reach main: the object the preload (or the test bridge) exposes.
import { API_GLOBAL, type Channel, type FieldproofApi, type RequestOf, type ResponseOf, type Result } from "../../shared/contract";

declare global {
  interface Window {
    readonly [API_GLOBAL]?: FieldproofApi;
  }
}

function bridge(): FieldproofApi {
  const api = window[API_GLOBAL];
  if (!api) throw new Error("Fieldproof's window was opened without its bridge to the app (no preload).");
  return api;
}

/** Calls main; never throws for an error main reports: the caller gets a Result to show. */
export async function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>> {
  try {
    const fn = bridge()[channel] as (req: RequestOf<C>) => Promise<Result<ResponseOf<C>>>;
    return await fn(request);
  } catch (error) {
    return { ok: false, error: { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) } };
  }
}

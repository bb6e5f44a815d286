import type { Channel, RequestOf, ResponseOf, Result } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { createChannelRunner, type Handlers, type RunnerOptions } from "./dispatch";

/** Calls a use case in-process, exactly as the renderer does (same validation, same handler), and throws its error. */
export type Invoke = <C extends Channel>(channel: C, request: RequestOf<C>) => Promise<ResponseOf<C>>;

/** Like Invoke, but a refusal comes back as a value (for tests that check what was refused). */
export type InvokeResult = <C extends Channel>(channel: C, request: unknown) => Promise<Result<ResponseOf<C>>>;

/**
 * The dispatcher without the sender-frame check, for callers inside main: the CLI and the tests.
 * (Actual Budget's API package calls the same `send` as its UI; this is that.)
 */
export function createInvoke(handlers: Handlers, options: RunnerOptions = {}): { invoke: Invoke; invokeResult: InvokeResult } {
  const run = createChannelRunner(handlers, options);
  const invokeResult: InvokeResult = async <C extends Channel>(channel: C, request: unknown) => (await run(channel, request)) as Result<ResponseOf<C>>;
  const invoke: Invoke = async (channel, request) => {
    const result = await invokeResult(channel, request);
    if (!result.ok) throw new AppError(result.error.code, result.error.message);
    return result.value;
  };
  return { invoke, invokeResult };
}

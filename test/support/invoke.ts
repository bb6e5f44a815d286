import { createHandlers, createInvoke, type Invoke, type InvokeResult } from "../../main/ipc";
import type { Services } from "../../main/services";
import type { Channel, JobStatus, RequestOf, ResponseOf } from "../../shared/contract";

/** The use cases as the window and the CLI reach them: through the contract, in-process. */
export interface TestInvoke {
  readonly invoke: Invoke;
  readonly invokeResult: InvokeResult;
  /** Starts a job through its channel, waits for it, and reads its result through the result channel. */
  job<S extends Channel, R extends Channel>(start: S, request: RequestOf<S>, result: R): Promise<ResponseOf<R>>;
}

export function testInvoke(services: Services): TestInvoke {
  const { invoke, invokeResult } = createInvoke(createHandlers(services));
  return {
    invoke,
    invokeResult,
    async job(start, request, result) {
      const started = (await invoke(start, request)) as JobStatus;
      await services.jobs.settle(started.id);
      return invoke(result, { jobId: started.id } as RequestOf<typeof result>);
    },
  };
}

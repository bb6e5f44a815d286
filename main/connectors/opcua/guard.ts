import { OpcUaError, type Stage } from "./errors";

export interface StepInfo {
  readonly stage: Stage;
  /** For messages, after "while": "reading the endpoints", "calling ChangePassword". */
  readonly action: string;
  /** A change request is in flight: a timeout or cancel leaves its outcome unknown. */
  readonly changeInFlight?: boolean;
  /** Local work of unpredictable length (first key generation): cancellable, not timed. */
  readonly untimed?: boolean;
}

/**
 * Bounds every step of one call: each awaited step races its own timeout and the caller's
 * AbortSignal. node-opcua's own timers are not trusted to fire (a session the server closed is
 * retried forever), so the connection is torn down by the caller's `finally` instead; the losing
 * promise is kept from becoming an unhandled rejection.
 */
export class CallGuard {
  constructor(
    readonly url: string,
    readonly timeoutMs: number,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** Throws CANCELLED at once if the caller has given up. */
  check(step: StepInfo): void {
    if (this.signal?.aborted) throw this.cancelled(step);
  }

  async step<T>(info: StepInfo, work: () => Promise<T>): Promise<T> {
    this.check(info);
    const running = work();
    running.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stop = new Promise<never>((_, reject) => {
      if (!info.untimed) timer = setTimeout(() => reject(this.timedOut(info)), this.timeoutMs);
      onAbort = () => reject(this.cancelled(info));
      this.signal?.addEventListener("abort", onAbort, { once: true });
    });
    stop.catch(() => undefined);
    try {
      return await Promise.race([running, stop]);
    } finally {
      clearTimeout(timer);
      if (onAbort) this.signal?.removeEventListener("abort", onAbort);
    }
  }

  private timedOut(info: StepInfo): OpcUaError {
    const unknown = info.changeInFlight === true;
    const after = unknown ? " The change may or may not have been applied: check with a login before trying again." : "";
    return new OpcUaError("TIMEOUT", `${this.url} did not answer within ${this.timeoutMs} ms while ${info.action}.${after}`, {
      stage: info.stage,
      outcomeUnknown: unknown,
    });
  }

  private cancelled(info: StepInfo): OpcUaError {
    const unknown = info.changeInFlight === true;
    const after = unknown ? " The change request had been sent: check with a login whether it was applied." : "";
    return new OpcUaError("CANCELLED", `Cancelled while ${info.action} on ${this.url}.${after}`, { stage: info.stage, outcomeUnknown: unknown });
  }
}

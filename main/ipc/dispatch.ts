import type { z } from "zod";
import { contract, isChannel, type Channel, type Contract, type Result } from "../../shared/contract";
import { AppError, type ErrorCode } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { isAppUrl } from "./navigation";

/** What the transport knows about who sent a request (Electron: event.senderFrame; bridge: the Playwright frame). */
export interface SenderInfo {
  readonly url: string;
  readonly isMainFrame: boolean;
}

export type Handlers = {
  readonly [C in Channel]: (request: z.output<Contract[C]["request"]>) => Promise<z.input<Contract[C]["response"]>>;
};

/** Runs one channel for a caller that is already trusted (the CLI, tests): validation, handler, response check. */
export type ChannelRunner = (channel: unknown, payload: unknown) => Promise<Result<unknown>>;

export type Dispatch = (channel: unknown, payload: unknown, sender: SenderInfo) => Promise<Result<unknown>>;

export interface RunnerOptions {
  /** Unexpected failures are reported here (never the request payload: it may carry a PIN). */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

export interface DispatchOptions extends RunnerOptions {
  /** Only the app's own page may call: its origin, e.g. app://fieldproof. */
  readonly trustedOrigin: string;
}

/**
 * Validates the request against the contract, runs the handler, validates the response (unknown
 * fields are stripped, so nothing undeclared leaks out), and turns every failure into an error value.
 */
export function createChannelRunner(handlers: Handlers, options: RunnerOptions = {}): ChannelRunner {
  return async (channel, payload) => {
    if (!isChannel(channel)) {
      return failure("UNKNOWN_CHANNEL", `Unknown request "${String(channel).slice(0, 80)}". The app and its window are from different versions; restart Fieldproof.`);
    }
    const spec = contract[channel];
    const parsed = spec.request.safeParse(payload ?? {});
    if (!parsed.success) {
      return failure("INVALID_REQUEST", `${channel}: ${describeIssues(parsed.error)}`);
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      const checked = spec.response.safeParse(value);
      if (!checked.success) {
        options.onInternalError?.(channel, checked.error);
        return failure("INTERNAL", `${channel}: the answer did not match the contract (${describeIssues(checked.error)}). This is a Fieldproof bug; please report it.`);
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (error instanceof AppError) return failure(error.code, error.message);
      options.onInternalError?.(channel, error);
      return failure("INTERNAL", `${channel} failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}

/**
 * The single entry point from the renderer into main, shared by Electron IPC, the test bridge and the
 * preview: the sender must be the app's main frame on the app's origin, then the channel runner.
 */
export function createDispatcher(handlers: Handlers, options: DispatchOptions): Dispatch {
  const run = createChannelRunner(handlers, options);
  return async (channel, payload, sender) => {
    if (!isTrustedSender(sender, options.trustedOrigin)) {
      return failure("FORBIDDEN_SENDER", `Request refused: it did not come from the Fieldproof window (${safeOrigin(sender.url)}).`);
    }
    return run(channel, payload);
  };
}

export function isTrustedSender(sender: SenderInfo, trustedOrigin: string): boolean {
  return sender.isMainFrame && isAppUrl(sender.url, trustedOrigin);
}

function failure(code: ErrorCode, message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "unknown origin";
  }
}

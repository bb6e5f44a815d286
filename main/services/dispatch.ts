import type { z } from "zod";
import { isAppUrl } from "./navigation";
import { AppError, contract, isChannel, type Channel, type Contract, type ErrorValue, type Result } from "../../shared/contract";

/** What the transport knows about who sent a request (Electron: event.senderFrame; bridge: the Playwright frame). */
export interface SenderInfo {
  readonly url: string;
  readonly isMainFrame: boolean;
}

export type Handlers = {
  readonly [C in Channel]: (request: z.output<Contract[C]["request"]>) => Promise<z.input<Contract[C]["response"]>>;
};

export type Dispatch = (channel: unknown, payload: unknown, sender: SenderInfo) => Promise<Result<unknown>>;

export interface DispatchOptions {
  /** Only the app's own page may call: its origin, e.g. app://fieldproof. */
  readonly trustedOrigin: string;
  /** Unexpected failures are reported here (never the request payload: it may carry a PIN). */
  readonly onInternalError?: (channel: string, error: unknown) => void;
}

/**
 * The single entry point from the renderer into main, shared by Electron IPC, the test bridge and the
 * preview: checks the sender, validates the request against the contract, runs the handler, validates
 * the response (unknown fields are stripped, so nothing undeclared leaks to the renderer), and turns
 * every failure into an error value.
 */
export function createDispatcher(handlers: Handlers, options: DispatchOptions): Dispatch {
  return async (channel, payload, sender) => {
    if (!isTrustedSender(sender, options.trustedOrigin)) {
      return failure("FORBIDDEN_SENDER", `Request refused: it did not come from the Fieldproof window (${safeOrigin(sender.url)}).`);
    }
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

export function isTrustedSender(sender: SenderInfo, trustedOrigin: string): boolean {
  return sender.isMainFrame && isAppUrl(sender.url, trustedOrigin);
}

/** "deviceName: device name must not be empty; theme: ..." — names each bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join(".");
      if (issue.code === "unrecognized_keys") {
        const keys = issue.keys.map((k) => (path ? `${path}.${k}` : k)).join(", ");
        return `unexpected field ${keys}`;
      }
      return `${path || "(request)"}: ${issue.message}`;
    })
    .join("; ");
}

function failure(code: ErrorValue["code"], message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "unknown origin";
  }
}

/** The closed set of error codes a caller can meet, in main and across the IPC boundary. */
export const ERROR_CODES = [
  "INVALID_REQUEST",
  "UNKNOWN_CHANNEL",
  "FORBIDDEN_SENDER",
  "NOT_FOUND",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "FORBIDDEN",
  "LOCKED",
  "UNREACHABLE",
  "TIMEOUT",
  "ACCESS_DENIED",
  "PROTOCOL_ERROR",
  "INTEGRITY_ERROR",
  "IO_ERROR",
  "CANCELLED",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorValue {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * A refusal or failure with a code and a message a technician can act on. The dispatcher turns it
 * into an error value; the CLI prints its message. Never carries a secret in its message; `cause`
 * keeps the underlying error for logs and debugging, and never crosses the IPC boundary.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }
}

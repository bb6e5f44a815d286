/** Errors cross the IPC boundary as values; this is the closed set of codes the renderer can meet. */
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

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorValue };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fail<T = never>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** Thrown inside main; the dispatcher turns it into an error value. Never carries a secret in its message. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

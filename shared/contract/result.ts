import type { ErrorValue } from "../domain/errors";

export { ERROR_CODES, type ErrorCode, type ErrorValue } from "../domain/errors";

/** Errors cross the IPC boundary as values, never as thrown errors (Electron keeps only a message). */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorValue };

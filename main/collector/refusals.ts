import { AppError } from "../../shared/domain/errors";

/** Why an upload was refused: a stable word for scripts and metrics, with the HTTP status it answers. */
export type RefusalReason =
  | "malformed"
  | "tampered"
  | "unknown-device"
  | "client-certificate-required"
  | "pending-approval"
  | "revoked"
  | "device-mismatch"
  | "enrolment-mismatch"
  | "fork"
  | "gap"
  | "busy"
  | "overloaded"
  | "too-large"
  | "unsupported-media-type"
  | "timeout"
  | "store-unavailable"
  | "internal";

export const REFUSAL_STATUS: Record<RefusalReason, number> = {
  malformed: 400,
  tampered: 422,
  "unknown-device": 403,
  "client-certificate-required": 401,
  "pending-approval": 403,
  revoked: 403,
  "device-mismatch": 403,
  "enrolment-mismatch": 403,
  fork: 409,
  gap: 409,
  busy: 429,
  overloaded: 503,
  "too-large": 413,
  "unsupported-media-type": 415,
  timeout: 408,
  "store-unavailable": 503,
  internal: 500,
};

/**
 * Names the reason of an import refusal. The shared import path (ItService.importBundle) throws
 * AppErrors whose messages are the contract the USB import already prints; this reads them so
 * the USB path stays as it is. A typed reason on the error is the cleaner next step.
 */
export function refusalReason(error: unknown): RefusalReason {
  if (!(error instanceof AppError)) return storeUnavailable(error) ? "store-unavailable" : "internal";
  const m = error.message;
  if (error.code === "PRECONDITION_FAILED" && m.startsWith("Unknown device")) return "unknown-device";
  if (m.includes("fingerprint given for enrolment")) return "enrolment-mismatch";
  if (error.code === "FORBIDDEN" && m.includes("was revoked by IT")) return "revoked";
  if (m.includes("FORK DETECTED")) return "fork";
  if (m.includes("(gap)")) return "gap";
  if (m.startsWith("This is not a valid Fieldproof bundle")) return "malformed";
  if (error.code === "INTEGRITY_ERROR") return "tampered";
  return "internal";
}

/** SQLSTATE classes and codes of a database that is restarting or unreachable (not of a bad query). */
const PG_UNAVAILABLE = /^(08...|57P01|57P02|57P03|53300)$/;
const SOCKET_UNAVAILABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);

/**
 * Whether an error says the store cannot be reached for now (PostgreSQL down, restarting or out of
 * connections; the SQLite store locked by another writer past its busy timeout): the upload may
 * succeed in a moment, so it is answered 503 with Retry-After rather than 500.
 */
export function storeUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (PG_UNAVAILABLE.test(code) || SOCKET_UNAVAILABLE.has(code) || code === "SQLITE_BUSY")) return true;
  // node-postgres says these in words only.
  return /^(Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end)/.test(error.message);
}

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
  internal: 500,
};

/**
 * Names the reason of an import refusal. The shared import path (ItService.importBundle) throws
 * AppErrors whose messages are the contract the USB import already prints; this reads them so
 * the USB path stays as it is. A typed reason on the error is the cleaner next step.
 */
export function refusalReason(error: unknown): RefusalReason {
  if (!(error instanceof AppError)) return "internal";
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

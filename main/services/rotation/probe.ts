import { AppError } from "../../../shared/domain/errors";
import type { ControllerConnector, Login } from "../../connectors/port";

export interface ProbeResult {
  readonly accepted: boolean;
  readonly statusCode: string;
  readonly at: string;
  /** The controller could not be asked (unreachable, timeout): nothing is known. */
  readonly unknown: boolean;
}

/** Tries a login; a refused login is an answer, a failed connection is not. */
export async function probe(connector: ControllerConnector, url: string, login: Login, thumbprint: string, now: () => Date, timeoutMs: number): Promise<ProbeResult> {
  try {
    const result = await connector.tryLogin(url, login, { expectedThumbprint: thumbprint, timeoutMs });
    return { accepted: result.accepted, statusCode: result.statusCode, at: now().toISOString(), unknown: false };
  } catch (error) {
    const code = error instanceof AppError ? error.code : "INTERNAL";
    return { accepted: false, statusCode: code, at: now().toISOString(), unknown: true };
  }
}

/** What the controller holds, from probes of the new and the old password. */
export function holdsFrom(newer: ProbeResult | null, older: ProbeResult | null): "old" | "new" | "new-and-old" | "unknown" {
  if (!newer || !older || newer.unknown || older.unknown) return "unknown";
  if (newer.accepted && older.accepted) return "new-and-old";
  if (newer.accepted) return "new";
  if (older.accepted) return "old";
  return "unknown";
}

export function asProof(p: ProbeResult | null): { accepted: boolean; statusCode: string; at: string } | null {
  return p ? { accepted: p.accepted, statusCode: p.statusCode, at: p.at } : null;
}

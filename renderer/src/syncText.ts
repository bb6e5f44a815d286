// What the status bar says about the automatic sync to IT's collector: only what is true.
// Plain TypeScript (no React), unit-tested.
import type { SyncStatus } from "../../shared/contract";
import { formatClock } from "./format";

/** The collector's refusal reasons (docs/collector.md) and the laptop's own, in a few words. */
const REASONS: Record<string, string> = {
  "unknown-device": "this laptop is not enrolled",
  "enrolment-mismatch": "enrolled with another key",
  fork: "IT holds a different history (fork)",
  gap: "records missing in between (gap)",
  ahead: "IT holds more of this laptop's log than the laptop (restored store?)",
  busy: "the collector is busy",
  "store-unavailable": "the collector cannot reach its store",
  timeout: "the upload was too slow (timed out)",
  overloaded: "the collector is overloaded",
  tampered: "a check failed (tampered)",
  malformed: "the upload was not readable",
  "too-large": "the upload is too large",
  "unsupported-media-type": "not a Fieldproof upload",
  "device-locked": "the device key is locked",
  "protocol-error": "not a Fieldproof collector at that address",
  "collector-certificate-changed": "collector certificate changed",
  "pending-approval": "waiting for IT to approve this laptop",
  revoked: "IT revoked this laptop",
  "device-mismatch": "the upload is not this laptop's",
  "client-certificate-required": "no device certificate",
  "precondition-failed": "no collector certificate pinned (install IT's trust file)",
};

export function refusalText(reason: string | null): string {
  return reason ? (REASONS[reason] ?? reason) : "unknown reason";
}

export type SyncTone = "success" | "warning" | "danger" | "none";

/** The status bar's words for a sync state (null: no collector set; the receipt state shows instead). */
export function syncText(status: SyncStatus, now: Date = new Date()): { text: string; tone: SyncTone } | null {
  const waiting = status.recordsWaiting === 1 ? "1 record waiting" : `${status.recordsWaiting} records waiting`;
  switch (status.state) {
    case "off":
      return null;
    case "paused":
      // The count of the last sync would be stale: the Evidence screen counts what IT does not hold.
      return { text: "IT: automatic sync off", tone: "none" };
    case "idle":
      return { text: "IT: checking the collector…", tone: "none" };
    case "syncing":
      if (status.progress && status.progress.total > 0) return { text: `IT: syncing ${status.progress.done}/${status.progress.total} records…`, tone: "none" };
      return { text: status.recordsWaiting > 0 ? `IT: syncing ${status.recordsWaiting} records…` : "IT: syncing…", tone: "none" };
    case "in-sync":
      return { text: `IT: in sync ${formatClock(status.lastSyncAt, now)}`, tone: "success" };
    case "unreachable":
      if (status.reason === "busy") return { text: `IT: collector busy, trying again later (${waiting})`, tone: "warning" };
      return { text: `IT: not reachable since ${formatClock(status.since, now)} (${waiting})`, tone: "warning" };
    case "refused":
      // Waiting for IT's approval is a step of enrolment, not a fault.
      if (status.reason === "pending-approval") return { text: "IT: waiting for IT to approve this laptop", tone: "warning" };
      return { text: `IT: refused: ${refusalText(status.reason)}`, tone: "danger" };
  }
}

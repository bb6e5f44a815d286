import { describe, expect, it } from "vitest";
import type { SyncStatus } from "../../shared/contract";
import { syncText } from "../../renderer/src/syncText";

const base: SyncStatus = { state: "off", collectorUrl: "http://127.0.0.1:8443", recordsWaiting: 0, since: null, lastSyncAt: null, reason: null, message: null, nextProbeAt: null, progress: null };
const now = new Date(2026, 11, 3, 12, 0);
const at = (h: number, m: number, day = 3): string => new Date(2026, 11, day, h, m).toISOString();

describe("the status bar's words for the automatic sync", () => {
  it("says only what is true", () => {
    expect(syncText({ ...base, state: "off", collectorUrl: null }, now)).toBeNull();
    expect(syncText({ ...base, state: "syncing", recordsWaiting: 42 }, now)?.text).toBe("IT: syncing 42 records…");
    expect(syncText({ ...base, state: "syncing" }, now)?.text).toBe("IT: syncing…");
    // Chunk by chunk: how much of this sync IT holds already.
    expect(syncText({ ...base, state: "syncing", recordsWaiting: 9000, progress: { done: 4200, total: 9000 } }, now)?.text).toBe("IT: syncing 4200/9000 records…");
    expect(syncText({ ...base, state: "syncing", recordsWaiting: 42, progress: { done: 0, total: 0 } }, now)?.text).toBe("IT: syncing 42 records…");
    expect(syncText({ ...base, state: "unreachable", reason: "busy", since: at(8, 15), recordsWaiting: 42 }, now)).toEqual({ text: "IT: collector busy, trying again later (42 records waiting)", tone: "warning" });
    expect(syncText({ ...base, state: "refused", reason: "ahead" }, now)?.text).toBe("IT: refused: IT holds more of this laptop's log than the laptop (restored store?)");
    expect(syncText({ ...base, state: "in-sync", lastSyncAt: at(10, 42) }, now)).toEqual({ text: "IT: in sync 10:42", tone: "success" });
    expect(syncText({ ...base, state: "in-sync", lastSyncAt: at(10, 42, 2) }, now)?.text).toBe("IT: in sync 2026-12-02 10:42");
    expect(syncText({ ...base, state: "unreachable", since: at(8, 15), recordsWaiting: 42 }, now)).toEqual({ text: "IT: not reachable since 08:15 (42 records waiting)", tone: "warning" });
    expect(syncText({ ...base, state: "unreachable", since: at(8, 15), recordsWaiting: 1 }, now)?.text).toBe("IT: not reachable since 08:15 (1 record waiting)");
    expect(syncText({ ...base, state: "refused", reason: "unknown-device" }, now)).toEqual({ text: "IT: refused: this laptop is not enrolled", tone: "danger" });
    expect(syncText({ ...base, state: "refused", reason: "something-new" }, now)?.text).toBe("IT: refused: something-new");
    // Switched off in Settings: said plainly, not a warning (the technician chose it).
    expect(syncText({ ...base, state: "paused", recordsWaiting: 5 }, now)).toEqual({ text: "IT: automatic sync off", tone: "none" });
    expect(syncText({ ...base, state: "refused", reason: "store-unavailable" }, now)?.text).toBe("IT: refused: the collector cannot reach its store");
  });
});

describe("syncText: enrolment and pinning", () => {
  const refused: SyncStatus = { ...base, state: "refused", collectorUrl: "https://it:8443", recordsWaiting: 3, since: "2026-12-03T08:15:00.000Z", message: "m" };
  it("waiting for IT's approval is a warning, not a refusal", () => {
    expect(syncText({ ...refused, reason: "pending-approval" })).toEqual({ text: "IT: waiting for IT to approve this laptop", tone: "warning" });
  });
  it("a changed collector certificate and a revocation are refusals in plain words", () => {
    expect(syncText({ ...refused, reason: "collector-certificate-changed" })).toEqual({ text: "IT: refused: collector certificate changed", tone: "danger" });
    expect(syncText({ ...refused, reason: "revoked" })).toEqual({ text: "IT: refused: IT revoked this laptop", tone: "danger" });
  });
});

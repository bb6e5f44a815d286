import { describe, expect, it } from "vitest";
import { collectorStatus, statusLines } from "../../main/collector/status";
import type { CollectorDevice } from "../../shared/contract";

const device = (over: Partial<CollectorDevice>): CollectorDevice => ({
  fingerprint: "SHA256:AAAA AAAA AAAA AAAA AAAA AAAA AAAA AAAA",
  deviceId: "dev-1",
  name: "bay-07",
  status: "approved",
  enrolled: true,
  firstSeenAt: "2026-12-01T08:00:00.000Z",
  lastSeenAt: "2026-12-04T08:15:00.000Z",
  decidedAt: null,
  decidedBy: null,
  recordsHeld: 120,
  lastImportAt: "2026-12-04T08:15:00.000Z",
  quarantined: 0,
  forks: 0,
  refusals: {},
  lastRefusal: null,
  ...over,
});

describe("collector status", () => {
  it("adds up devices, records, gaps, forks and what was kept apart", () => {
    const status = collectorStatus("SQLite /srv/it/it.sqlite", [
      device({}),
      device({ fingerprint: "SHA256:BBBB BBBB BBBB BBBB BBBB BBBB BBBB BBBB", name: "bay-09", recordsHeld: 30, forks: 1, refusals: { fork: 1, gap: 2, busy: 5 } }),
      device({ fingerprint: "SHA256:CCCC CCCC CCCC CCCC CCCC CCCC CCCC CCCC", deviceId: null, name: "new-laptop", status: "pending", enrolled: false, recordsHeld: 0, lastImportAt: null }),
      device({ fingerprint: "SHA256:DDDD DDDD DDDD DDDD DDDD DDDD DDDD DDDD", name: "stolen", status: "revoked", quarantined: 2 }),
    ]);
    expect(status.totals).toEqual({ devices: 4, approved: 2, pending: 1, revoked: 1, recordsHeld: 270, gaps: 2, forks: 1, keptApart: 2 });
    const text = statusLines(status).join("\n");
    expect(text).toContain("4 device(s): 2 approved, 1 pending, 1 revoked; 270 record(s) held.");
    expect(text).toMatch(/FORK: bay-09 \(SHA256:BBBB[^)]*\): 1 upload\(s\) with a different history kept as evidence\./);
    expect(text).toMatch(/GAP: bay-09 .*: 2 upload\(s\) started after what IT holds/);
    expect(text).toMatch(/PENDING: new-laptop .* fieldproof collector devices approve "SHA256:CCCC/);
    expect(text).toMatch(/KEPT APART: stolen .*: 2 upload\(s\) after revocation\./);
    expect(text).toMatch(/^ {2}approved bay-09 \(dev-1\) {2}SHA256:BBBB.* records 30, last sync 2026-12-04T08:15:00\.000Z, .*gaps 2, forks 1; refused: busy 5, fork 1, gap 2$/m);
    expect(text).not.toContain("Nothing needs a look");
  });

  it("says when nothing needs a look, and names a refusal newer than the last sync", () => {
    expect(statusLines(collectorStatus("s", [device({ refusals: { busy: 3 }, lastRefusal: { reason: "busy", at: "2026-12-04T09:00:00.000Z", message: "m" } })]))).toContain(
      "Nothing needs a look: no forks, no gaps, nobody waiting.",
    );
    const tampered = statusLines(collectorStatus("s", [device({ refusals: { tampered: 1 }, lastRefusal: { reason: "tampered", at: "2026-12-04T09:00:00.000Z", message: "The Merkle root does not match." } })])).join("\n");
    expect(tampered).toMatch(/REFUSED: bay-07 .*: last upload refused \(tampered\) at 2026-12-04T09:00:00\.000Z: The Merkle root does not match\./);
    // Refused before a later sync that landed: no longer news.
    const old = statusLines(collectorStatus("s", [device({ refusals: { tampered: 1 }, lastRefusal: { reason: "tampered", at: "2026-12-04T07:00:00.000Z", message: "x" } })])).join("\n");
    expect(old).not.toContain("REFUSED");
    expect(statusLines(collectorStatus("s", []))).toEqual(["Collector store: s", "0 device(s): 0 approved, 0 pending, 0 revoked; 0 record(s) held.", "No laptop has reached this collector yet."]);
  });
});

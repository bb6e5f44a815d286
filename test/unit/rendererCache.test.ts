import { describe, expect, it } from "vitest";
import { CHANNELS } from "../../shared/contract";
import { OperationalState, RotationReason } from "../../shared/evidence/kinds";
import { CHANNEL_USE, staleAfter, type WriteChannel } from "../../renderer/src/effects";
import { OP_STATE_LABEL, oneOf, REASON_LABEL, reasonLabel } from "../../renderer/src/screens/rotations/labels";

const writes = CHANNELS.filter((c): c is WriteChannel => !["read", "once"].includes(CHANNEL_USE[c] as string));

describe("the renderer's cache: what each write makes stale", () => {
  it("places every channel of the contract", () => {
    expect(Object.keys(CHANNEL_USE).sort()).toEqual([...CHANNELS].sort());
  });

  it("names only cached reads as stale", () => {
    for (const channel of writes) {
      const stale = staleAfter(channel);
      if (stale !== "all") for (const read of stale) expect(CHANNEL_USE[read], `${channel} -> ${read}`).toBe("read");
    }
  });

  it("reloads the journal's counts after every write that signs a record", () => {
    // The automatic-sync switch is a preference, not a record (docs/decisions.md).
    const unsigned = new Set(["dialog.openFile", "dialog.saveFile", "jobs.cancel", "owners.exportCsv", "system.exportClientCertificate", "device.unlock", "settings.setSyncAutomatically"]);
    for (const channel of writes.filter((c) => !unsigned.has(c))) expect(staleAfter(channel), channel).toEqual(expect.arrayContaining(["evidence.summary", "evidence.records", "system.info"]));
    expect(staleAfter("device.unlock")).toBe("all");
  });

  it("reloads the directory and identities after owner writes, the plant and identities after a scan", () => {
    for (const channel of writes.filter((c) => c.startsWith("owners.") && c !== "owners.exportCsv")) {
      expect(staleAfter(channel), channel).toEqual(expect.arrayContaining(["owners.list", "owners.authority", "identities.list", "identities.get"]));
    }
    expect(staleAfter("plant.scan")).toEqual(expect.arrayContaining(["plant.tree", "identities.list", "identities.get"]));
    expect(staleAfter("rotations.start")).toEqual(expect.arrayContaining(["rotations.list", "identities.list"]));
  });
});

describe("rotation enums in words", () => {
  it("labels every reason and operational state of the shared schemas", () => {
    expect(Object.keys(REASON_LABEL).sort()).toEqual([...RotationReason.options].sort());
    expect(Object.keys(OP_STATE_LABEL).sort()).toEqual([...OperationalState.options].sort());
    expect(reasonLabel("holder-left")).toBe("A holder left");
    expect(reasonLabel("something-new")).toBe("something-new");
  });

  it("narrows a select's string to an option, or nothing", () => {
    expect(oneOf(RotationReason.options, "schedule")).toBe("schedule");
    expect(oneOf(RotationReason.options, "not-a-reason")).toBeUndefined();
  });
});

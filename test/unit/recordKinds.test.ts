import { describe, expect, it } from "vitest";
import { RecordData } from "../../shared/evidence/kinds";
import { kindLabel } from "../../renderer/src/recordKinds";

// Every kind the journal can sign, read from the schemas themselves (not from a hand-kept list).
const KINDS = Object.keys(RecordData);

describe("record kind labels", () => {
  it.each(KINDS)("%s has a plain-language label", (kind) => {
    const label = kindLabel(kind);
    expect(label).not.toBe(kind);
    expect(label.trim()).not.toBe("");
    // Words for a technician, not an identifier: no dotted kind name left in it.
    expect(label).not.toMatch(/^[a-z]+\.[a-zA-Z]+$/);
  });

  it("gives each kind its own label", () => {
    const labels = KINDS.map(kindLabel);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("shows a kind it does not know as it is", () => {
    expect(kindLabel("future.kind")).toBe("future.kind");
  });
});

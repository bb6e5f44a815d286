import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, identityFindings } from "../../shared/findings";
import { identity, NOW } from "./findings.fixtures";

describe("confirmed password reuse across lines", () => {
  const on = (id: string, line: string): { id: string; line: string; cell: string } => ({ id, line, cell: "Cell 10" });

  it("is a high blast-radius finding naming the lines, even below the controller threshold", () => {
    const facts = identity({ name: "maint", controllers: [on("a", "Line 1"), on("b", "Line 2")], sameSecretOn: [on("a", "Line 1"), on("b", "Line 2")] });
    const finding = identityFindings(facts, DEFAULT_POLICY, NOW).find((f) => f.code === "blast-radius");
    expect(finding).toMatchObject({ severity: "high", title: "One password opens 2 controllers on 2 lines" });
    expect(finding!.explanation).toMatch(/Line 1 and Line 2/);
  });

  it("says nothing more when the shared password stays on one line, or was not checked", () => {
    const oneLine = identity({ controllers: [on("a", "Line 1"), on("b", "Line 1")], sameSecretOn: [on("a", "Line 1"), on("b", "Line 1")] });
    expect(identityFindings(oneLine, DEFAULT_POLICY, NOW).some((f) => f.code === "blast-radius")).toBe(false);
    const unchecked = identity({ controllers: [on("a", "Line 1"), on("b", "Line 2")] });
    expect(identityFindings(unchecked, DEFAULT_POLICY, NOW).some((f) => f.code === "blast-radius")).toBe(false);
  });
});

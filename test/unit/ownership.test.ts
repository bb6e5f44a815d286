import { describe, expect, it } from "vitest";
import { checkAuthority, resolveOwner, type AuthorityEntry, type OwnershipEntry } from "../../shared/domain/ownership";

const entry = (targetType: OwnershipEntry["targetType"], targetId: string, ownerId: string, ownerType: OwnershipEntry["ownerType"] = "team"): OwnershipEntry => ({
  targetType,
  targetId,
  ownerType,
  ownerId,
  purpose: "",
  scope: "",
  expiresAt: null,
});

describe("ownership inheritance", () => {
  const line1 = [{ line: "Line 1", cell: "Press" }, { line: "Line 1", cell: "Weld" }];

  it("uses the owner set on the identity over any system owner", () => {
    const r = resolveOwner("user/maint", line1, [entry("line", "Line 1", "line1-team"), entry("identity", "user/maint", "ana", "person")]);
    expect(r).toMatchObject({ status: "owned", ownerId: "ana", source: "identity", why: "set on this identity" });
  });

  it("inherits the line's owner when every controller is on that line", () => {
    expect(resolveOwner("user/maint", line1, [entry("line", "Line 1", "line1-team")])).toMatchObject({ status: "owned", ownerId: "line1-team", source: "line", why: "inherited from line Line 1" });
  });

  it("prefers a cell's owner to its line's", () => {
    const r = resolveOwner("user/op", [{ line: "Line 1", cell: "Press" }], [entry("line", "Line 1", "line1-team"), entry("cell", "Line 1/Press", "press-team")]);
    expect(r).toMatchObject({ status: "owned", ownerId: "press-team", source: "cell", why: "inherited from cell Line 1 › Press" });
  });

  it("is contested when the lines it spans have different owners", () => {
    const r = resolveOwner("user/maint", [...line1, { line: "Line 2", cell: "Paint" }], [entry("line", "Line 1", "line1-team"), entry("line", "Line 2", "line2-team")]);
    expect(r.status).toBe("contested");
    expect(r.why).toMatch(/line1-team on line Line 1, line2-team on line Line 2/);
  });

  it("is unowned when nothing covers it, or only part of it", () => {
    expect(resolveOwner("user/x", line1, [])).toMatchObject({ status: "unowned", why: expect.stringMatching(/nor on the lines or cells/) });
    expect(resolveOwner("user/x", [...line1, { line: "Line 3", cell: "Pack" }], [entry("line", "Line 1", "t")])).toMatchObject({ status: "unowned", why: expect.stringMatching(/nobody owns Line 3 › Pack/) });
    expect(resolveOwner("user/x", [], [])).toMatchObject({ status: "unowned" });
  });

  it("agrees across lines that share one owner", () => {
    const r = resolveOwner("user/maint", [...line1, { line: "Line 2", cell: "Paint" }], [entry("line", "Line 1", "maintenance"), entry("line", "Line 2", "maintenance")]);
    expect(r).toMatchObject({ status: "owned", ownerId: "maintenance", why: expect.stringMatching(/every line and cell/) });
  });
});

describe("decision authority", () => {
  const auth: AuthorityEntry[] = [
    { line: "Line 1", cell: "", action: "approve", rank: 0, personId: "bo" },
    { line: "Line 1", cell: "", action: "approve", rank: 1, personId: "cy" },
    { line: "Line 1", cell: "Weld", action: "approve", rank: 0, personId: "di" },
    { line: "Line 1", cell: "", action: "override", rank: 0, personId: "ed" },
  ];
  const names: Record<string, string> = { bo: "Bo Lind", cy: "Cy Ng", di: "Di Okafor", ed: "Ed Pratt" };
  const nameOf = (id: string): string => names[id] ?? id;

  it("allows anyone on the line's list, backups included", () => {
    expect(checkAuthority("cy", "Cy Ng", "approve", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toEqual({ allowed: true });
  });

  it("lets a cell's list replace its line's, and explains a refusal by naming who may", () => {
    expect(checkAuthority("bo", "Bo Lind", "approve", [{ line: "Line 1", cell: "Weld" }], auth, nameOf)).toEqual({ allowed: false, reason: "Bo Lind may not approve rotations on Line 1 › Weld: those named there are Di Okafor" });
    expect(checkAuthority("di", "Di Okafor", "approve", [{ line: "Line 1", cell: "Weld" }], auth, nameOf)).toEqual({ allowed: true });
  });

  it("limits emergency override to those named for it", () => {
    expect(checkAuthority("bo", "Bo Lind", "override", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toMatchObject({ allowed: false, reason: expect.stringMatching(/may not override in an emergency.*Ed Pratt/) });
    expect(checkAuthority("ed", "Ed Pratt", "override", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toEqual({ allowed: true });
  });

  it("refuses where no authority is defined, and checks every placement", () => {
    expect(checkAuthority("bo", "Bo Lind", "approve", [{ line: "Line 2", cell: "Paint" }], auth, nameOf)).toMatchObject({ allowed: false, reason: expect.stringMatching(/nobody is named to approve rotations on Line 2 › Paint/) });
    expect(checkAuthority("bo", "Bo Lind", "approve", [{ line: "Line 1", cell: "Press" }, { line: "Line 1", cell: "Weld" }], auth, nameOf).allowed).toBe(false);
  });
});

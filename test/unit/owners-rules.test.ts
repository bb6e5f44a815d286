import { describe, expect, it } from "vitest";
import { checkAuthority, resolveOwner, type AuthorityEntry, type OwnershipEntry } from "../../shared/domain/ownership";

// Cases the first ownership tests leave open: how inheritance treats mixed sources, same-named
// cells on different lines and same ids of different kinds; how authority lists stay per action.

const own = (targetType: OwnershipEntry["targetType"], targetId: string, ownerId: string, ownerType: OwnershipEntry["ownerType"] = "team", extra: Partial<OwnershipEntry> = {}): OwnershipEntry => ({
  targetType,
  targetId,
  ownerType,
  ownerId,
  purpose: "",
  scope: "",
  expiresAt: null,
  ...extra,
});

describe("ownership inheritance, further cases", () => {
  const spanning = [
    { line: "Line 1", cell: "Press" },
    { line: "Line 2", cell: "Paint" },
  ];

  it("settles a contested identity with an owner set on it", () => {
    const entries = [own("line", "Line 1", "body"), own("line", "Line 2", "paint"), own("identity", "user/maint", "maint-b", "team", { purpose: "Shared login" })];
    expect(resolveOwner("user/maint", spanning, entries)).toMatchObject({ status: "owned", ownerId: "maint-b", source: "identity", why: "set on this identity", entry: { purpose: "Shared login" } });
  });

  it("agrees when one place's cell and another place's line name the same owner, and says so", () => {
    const result = resolveOwner("user/maint", spanning, [own("cell", "Line 1/Press", "body"), own("line", "Line 2", "body")]);
    expect(result).toMatchObject({ status: "owned", ownerId: "body", source: "cell", why: "inherited: every line and cell it lives on has this owner" });
  });

  it("does not let a cell of one line cover a same-named cell of another", () => {
    const places = [{ line: "Line 2", cell: "Press" }];
    expect(resolveOwner("user/x", places, [own("cell", "Line 1/Press", "body")])).toMatchObject({ status: "unowned" });
  });

  it("treats a person and a team with the same id as different owners", () => {
    const result = resolveOwner("user/maint", spanning, [own("line", "Line 1", "lee", "person"), own("line", "Line 2", "lee", "team")]);
    expect(result.status).toBe("contested");
    if (result.status === "contested") expect(result.candidates.map((c) => c.ownerType).sort()).toEqual(["person", "team"]);
  });

  it("ignores owners set on other identities, and owns an identity on no controller only by its own owner", () => {
    expect(resolveOwner("user/a", [], [own("identity", "user/b", "body")])).toMatchObject({ status: "unowned", why: expect.stringMatching(/no known controller/) });
    expect(resolveOwner("user/a", [], [own("identity", "user/a", "body")])).toMatchObject({ status: "owned", source: "identity" });
  });

  it("carries the purpose, scope and expiry of the entry it inherits", () => {
    const result = resolveOwner("user/op", [{ line: "Line 1", cell: "Press" }], [own("line", "Line 1", "body", "team", { purpose: "Line work", scope: "Line 1", expiresAt: "2027-01-31" })]);
    expect(result).toMatchObject({ status: "owned", entry: { purpose: "Line work", scope: "Line 1", expiresAt: "2027-01-31" } });
  });
});

describe("decision authority, further cases", () => {
  const auth: AuthorityEntry[] = [
    { line: "Line 1", cell: "", action: "approve", rank: 1, personId: "cy" },
    { line: "Line 1", cell: "", action: "approve", rank: 0, personId: "bo" },
    { line: "Line 1", cell: "Weld", action: "pause", rank: 0, personId: "di" },
    { line: "Line 2", cell: "Weld", action: "approve", rank: 0, personId: "ed" },
  ];
  const names: Record<string, string> = { bo: "Bo Lind", cy: "Cy Ng", di: "Di Okafor", ed: "Ed Pratt" };
  const nameOf = (id: string): string => names[id] ?? id;

  it("keeps each action's list separate: approving does not let someone revoke", () => {
    expect(checkAuthority("bo", "Bo Lind", "approve", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toEqual({ allowed: true });
    expect(checkAuthority("bo", "Bo Lind", "revoke", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toMatchObject({ allowed: false, reason: expect.stringMatching(/nobody is named to revoke on Line 1 › Press/) });
  });

  it("replaces a line's list only for the action the cell sets", () => {
    // Weld has its own pause list, not an approve list: approvals there still follow the line.
    expect(checkAuthority("bo", "Bo Lind", "approve", [{ line: "Line 1", cell: "Weld" }], auth, nameOf)).toEqual({ allowed: true });
    expect(checkAuthority("bo", "Bo Lind", "pause", [{ line: "Line 1", cell: "Weld" }], auth, nameOf)).toMatchObject({ allowed: false, reason: expect.stringMatching(/those named there are Di Okafor/) });
  });

  it("does not carry a cell's list to a same-named cell on another line", () => {
    expect(checkAuthority("ed", "Ed Pratt", "approve", [{ line: "Line 1", cell: "Weld" }], auth, nameOf)).toMatchObject({ allowed: false });
  });

  it("names the people in escalation order (rank), whatever order the rows come in", () => {
    expect(checkAuthority("di", "Di Okafor", "approve", [{ line: "Line 1", cell: "Press" }], auth, nameOf)).toMatchObject({ reason: expect.stringMatching(/Bo Lind, then Cy Ng$/) });
  });

  it("needs authority on every place the change touches", () => {
    expect(
      checkAuthority(
        "bo",
        "Bo Lind",
        "approve",
        [
          { line: "Line 1", cell: "Press" },
          { line: "Line 2", cell: "Weld" },
        ],
        auth,
        nameOf,
      ),
    ).toMatchObject({ allowed: false, reason: expect.stringMatching(/Bo Lind may not approve rotations on Line 2 › Weld/) });
  });
});

import { createColumnHelper, createTable, getCoreRowModel, getFilteredRowModel } from "@tanstack/react-table";
import { describe, expect, it, vi } from "vitest";
import type { IdentityRow } from "../../shared/contract";
import { indexRows, textFilter, textFilterOptions, type IndexedRow } from "../../renderer/src/screens/identities/rowIndex";

function identity(name: string, extra: Partial<IdentityRow> = {}): IdentityRow {
  return {
    id: `user/${name}`,
    kind: "user",
    name,
    flags: { shared: false, breakGlass: false, vendor: false, default: false },
    controllers: 1,
    lines: ["Line 1"],
    cells: ["Line 1 › Cell 1"],
    owner: null,
    ownerStatus: "unowned",
    holders: [],
    lastRotatedAt: null,
    due: null,
    findings: [],
    worst: null,
    ...extra,
  };
}

const col = createColumnHelper<IndexedRow>();
// Several string columns, as on the Identities screen: the filter must not run once per column.
const columns = [col.accessor("name", {}), col.accessor("kind", {}), col.accessor((r) => r.owner ?? "", { id: "owner" }), col.accessor((r) => r.holders.join(", "), { id: "holders" })];

function visible(rows: IndexedRow[], text: string): string[] {
  const table = createTable<IndexedRow>({
    data: rows,
    columns,
    state: { globalFilter: text },
    onStateChange: () => undefined,
    renderFallbackValue: null,
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    ...textFilterOptions,
  });
  table.setOptions((prev) => ({ ...prev, state: { ...table.initialState, globalFilter: text } }));
  return table.getRowModel().rows.map((r) => r.original.name);
}

describe("Identities free-text filter", () => {
  const rows = indexRows([
    identity("maint", { owner: "Maintenance", ownerStatus: "owned", holders: ["Ana Ruiz", "Bo Lind (left)"], findings: [{ code: "holder-left-not-rotated", severity: "high" }] }),
    identity("vendor-acme", { cells: ["Line 2 › Cell 7"], lines: ["Line 2"] }),
    identity("operator"),
  ]);

  it("keeps rows where every typed word appears in name, owner, holders, line/cell or finding, in any case", () => {
    expect(visible(rows, "")).toEqual(["maint", "vendor-acme", "operator"]);
    expect(visible(rows, "BO LIND")).toEqual(["maint"]);
    expect(visible(rows, "holder-left maintenance")).toEqual(["maint"]);
    expect(visible(rows, "cell 7")).toEqual(["vendor-acme"]);
    expect(visible(rows, "unowned")).toEqual(["vendor-acme", "operator"]);
    expect(visible(rows, "maint vendor")).toEqual([]);
  });

  it("reads each row once per keystroke, not once per column", () => {
    const spy = vi.spyOn(textFilterOptions, "globalFilterFn");
    try {
      visible(rows, "nothing-matches-this");
      expect(spy).toHaveBeenCalledTimes(rows.length);
    } finally {
      spy.mockRestore();
    }
    expect(textFilter.resolveFilterValue?.("  Line   2 ")).toEqual(["line", "2"]);
  });
});

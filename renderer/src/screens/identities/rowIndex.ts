// The Identities table's row index and free-text filter: plain TypeScript (no JSX), unit-tested.
import type { Column, FilterFn } from "@tanstack/react-table";
import type { IdentityRow } from "../../../../shared/contract";

export interface IndexedRow extends IdentityRow {
  /** Lower-cased text the free-text filter searches. */
  readonly search: string;
  readonly lineGroup: string;
}

export function indexRows(rows: readonly IdentityRow[]): IndexedRow[] {
  return rows.map((r) => ({
    ...r,
    search: [r.name, r.controllerName ?? "", r.kind, r.owner ?? r.ownerStatus, ...r.holders, ...r.cells, ...r.findings.map((f) => f.code)].join(" ").toLowerCase(),
    lineGroup: r.lines.length === 0 ? "(no line)" : r.lines.length === 1 ? r.lines[0]! : "Several lines",
  }));
}

/**
 * Every word typed must appear somewhere in the row (its `search` text). The words are split once
 * per keystroke (resolveFilterValue), not once per row.
 */
export const textFilter: FilterFn<IndexedRow> = (row, _columnId, words: readonly string[]) => {
  const text = row.original.search;
  return words.every((w) => text.includes(w));
};
textFilter.resolveFilterValue = (value: string) => value.toLowerCase().split(/\s+/).filter(Boolean);

/** The free-text filter reads the whole row, so it runs on one column only (else once per column per row). */
export const TEXT_FILTER_COLUMN = "name";

/** The table options for the free-text filter. */
export const textFilterOptions = {
  globalFilterFn: textFilter,
  getColumnCanGlobalFilter: (column: Column<IndexedRow, unknown>): boolean => column.id === TEXT_FILTER_COLUMN,
};

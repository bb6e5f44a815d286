import { Icon } from "@blueprintjs/core";
import {
  flexRender,
  getCoreRowModel,
  getExpandedRowModel,
  getFilteredRowModel,
  getGroupedRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnFiltersState,
  type ExpandedState,
  type SortingState,
} from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { columns } from "./columns";
import { textFilterOptions, type IndexedRow } from "./rowIndex";

interface Props {
  readonly rows: readonly IndexedRow[];
  readonly text: string;
  readonly filters: ColumnFiltersState;
  readonly groupByLine: boolean;
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
  readonly checked: ReadonlySet<string>;
  readonly onCheck: (id: string, on: boolean) => void;
  readonly onVisibleChange: (count: number) => void;
}

const ROW_HEIGHT = 44;
const HEAD_HEIGHT = 42;

/** The identities grid: sorted, filtered and grouped by TanStack Table, virtualized so 100,000 rows stay smooth. */
export function IdentityTable({ rows, text, filters, groupByLine, selected, onSelect, checked, onCheck, onVisibleChange }: Props): React.JSX.Element {
  const [sorting, setSorting] = useState<SortingState>([{ id: "findings", desc: false }]);
  const [expanded, setExpanded] = useState<ExpandedState>(true);
  const data = useMemo(() => [...rows], [rows]);
  // Stable references: TanStack recomputes (and resets) models when state objects change identity.
  const grouping = useMemo(() => (groupByLine ? ["lineGroup"] : []), [groupByLine]);
  const columnVisibility = useMemo(() => ({ lineGroup: false, kind: false }), []);
  const table = useReactTable({
    data,
    columns,
    state: { sorting, globalFilter: text, columnFilters: filters, grouping, expanded, columnVisibility },
    onSortingChange: setSorting,
    onExpandedChange: setExpanded,
    ...textFilterOptions,
    getRowId: (r) => r.id,
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getGroupedRowModel: getGroupedRowModel(),
    getExpandedRowModel: getExpandedRowModel(),
    autoResetExpanded: false,
  });
  const model = table.getRowModel().rows;
  const leafCount = groupByLine ? model.filter((r) => !r.getIsGrouped()).length : model.length;
  useEffect(() => onVisibleChange(leafCount), [leafCount, onVisibleChange]);

  // Header and rows live in one scroll container (the header sticks to its top), so a sideways scroll
  // moves both together: the header can never drift from the columns it names (issue 17).
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  const [headHeight, setHeadHeight] = useState(HEAD_HEIGHT);
  useLayoutEffect(() => {
    if (headRef.current) setHeadHeight(headRef.current.offsetHeight);
  }, []);
  const virtualizer = useVirtualizer({
    count: model.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    scrollMargin: headHeight,
    scrollPaddingStart: headHeight,
  });
  const headers = table.getHeaderGroups()[0]!.headers.filter((h) => h.column.getIsVisible());
  // Minimum column widths that grow to fill wide screens; narrower windows scroll sideways, header and rows as one.
  const template = `36px ${headers.map((h) => `minmax(${h.getSize()}px, ${h.getSize()}fr)`).join(" ")}`;
  const minWidth = 36 + headers.reduce((sum, h) => sum + h.getSize(), 0);

  function onKey(event: React.KeyboardEvent, index: number): void {
    const next = event.key === "ArrowDown" ? index + 1 : event.key === "ArrowUp" ? index - 1 : event.key === "PageDown" ? index + 10 : event.key === "PageUp" ? index - 10 : null;
    if (next === null) return;
    event.preventDefault();
    const target = Math.max(0, Math.min(model.length - 1, next));
    virtualizer.scrollToIndex(target);
    const row = model[target];
    if (row && !row.getIsGrouped()) onSelect(row.id);
    requestAnimationFrame(() => scrollRef.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus());
  }

  return (
    <div className="fp-grid" role="grid" aria-label="Identities" aria-rowcount={leafCount + 1} aria-colcount={headers.length + 1} ref={scrollRef} data-testid="identity-grid-body">
      <div className="fp-grid-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, minWidth }} ref={headRef}>
        <div role="columnheader" className="fp-grid-cell">
          <span className="fp-sr-only">Select</span>
        </div>
        {headers.map((h) => {
          const sorted = h.column.getIsSorted();
          return (
            <div key={h.id} role="columnheader" className="fp-grid-cell" aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none"}>
              <button type="button" className="fp-sort" onClick={h.column.getToggleSortingHandler()}>
                {flexRender(h.column.columnDef.header, h.getContext())}
                {sorted && <Icon icon={sorted === "asc" ? "chevron-up" : "chevron-down"} size={14} />}
              </button>
            </div>
          );
        })}
      </div>
      <div className="fp-grid-body">
        <div style={{ height: virtualizer.getTotalSize(), position: "relative", minWidth }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = model[item.index]!;
            const style = { transform: `translateY(${item.start - headHeight}px)`, height: ROW_HEIGHT, gridTemplateColumns: template } as const;
            if (row.getIsGrouped()) {
              return (
                <div key={row.id} role="row" className="fp-grid-row fp-grid-group" style={style} data-index={item.index} tabIndex={-1} onKeyDown={(e) => onKey(e, item.index)}>
                  <div role="gridcell" className="fp-grid-cell fp-grid-group-label">
                    {String(row.getValue("lineGroup"))} · {row.subRows.length}
                  </div>
                </div>
              );
            }
            const isSelected = row.id === selected;
            return (
              <div
                key={row.id}
                role="row"
                aria-selected={isSelected}
                className={`fp-grid-row${isSelected ? " fp-grid-selected" : ""}`}
                style={style}
                data-index={item.index}
                data-testid={`identity-row-${row.original.name}`}
                tabIndex={isSelected || (selected === undefined && item.index === 0) ? 0 : -1}
                onClick={() => onSelect(row.id)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") onSelect(row.id);
                  else if (e.key === " ") {
                    e.preventDefault();
                    onCheck(row.id, !checked.has(row.id));
                  } else onKey(e, item.index);
                }}
              >
                <div role="gridcell" className="fp-grid-cell">
                  <input type="checkbox" aria-label={`Select ${row.original.name}`} checked={checked.has(row.id)} onChange={(e) => onCheck(row.id, e.target.checked)} onClick={(e) => e.stopPropagation()} />
                </div>
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className="fp-grid-cell">
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

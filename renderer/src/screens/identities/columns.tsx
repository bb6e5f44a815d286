import { Tag } from "@blueprintjs/core";
import { createColumnHelper } from "@tanstack/react-table";
import type { IdentityRow } from "../../../../shared/contract";
import { SeverityTag } from "../../components/SeverityTag";
import type { IndexedRow } from "./rowIndex";
import { formatDate } from "../../format";

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;
const col = createColumnHelper<IndexedRow>();

function flagTags(r: IdentityRow): React.JSX.Element[] {
  const tags: React.JSX.Element[] = [];
  if (r.flags.shared) tags.push(<Tag key="s" minimal>shared</Tag>);
  if (r.flags.breakGlass) tags.push(<Tag key="b" minimal intent="warning">break-glass</Tag>);
  if (r.flags.vendor) tags.push(<Tag key="v" minimal>vendor</Tag>);
  if (r.flags.default) tags.push(<Tag key="d" minimal intent="danger">default</Tag>);
  return tags;
}

/** Sizes are minimum widths in px (they grow to fill): at 1440 x 900 every column fits beside the detail panel. */
export const columns = [
  col.accessor("name", {
    header: "Identity",
    size: 236,
    cell: (c) => {
      const r = c.row.original;
      // A certificate's name is a long URI ("urn:fieldproof-demo:…"): its controller's name says which one it is.
      if (r.controllerName) {
        return (
          <span className="fp-two-line" title={`${r.controllerName}\n${r.name}`}>
            <span className="fp-id-name">{r.controllerName}</span>
            <span className="fp-two-line-secondary">{r.kind} · {r.name}</span>
          </span>
        );
      }
      const tags = flagTags(r);
      return (
        <span className="fp-two-line" title={r.name}>
          <span className="fp-id-name">{r.name}</span>
          <span className="fp-two-line-secondary">
            {r.kind}
            {tags.length > 0 && " "}
            {tags}
          </span>
        </span>
      );
    },
  }),
  // Filtered on (the Kind menu), shown under the identity's name.
  col.accessor("kind", { header: "Kind", size: 84, filterFn: (row, id, value: string[]) => value.length === 0 || value.includes(row.getValue(id)) }),
  col.accessor((r) => r.cells.join("; "), {
    id: "where",
    header: "Where",
    size: 128,
    filterFn: (row, _id, value: string) => !value || row.original.lines.includes(value),
    cell: (c) => {
      const r = c.row.original;
      // The line first (what a technician walks to), then the cell and how many controllers.
      const place = r.lines.length > 1 ? `${r.lines.length} lines` : (r.lines[0] ?? "—");
      const count = `${r.controllers} controller${r.controllers === 1 ? "" : "s"}`;
      const cell = r.cells.length === 1 ? r.cells[0]!.split(" › ").slice(1).join(" › ") : "";
      const second = cell && r.controllers === 1 ? cell : cell ? `${cell} · ${count}` : count;
      return (
        <span className="fp-two-line" title={`${c.getValue()} (${count})`}>
          <span>{place}</span>
          <span className="fp-two-line-secondary">{second}</span>
        </span>
      );
    },
  }),
  col.accessor((r) => r.owner ?? "", {
    id: "owner",
    header: "Owner / holders",
    size: 108,
    cell: (c) => {
      const r = c.row.original;
      return (
        <span className="fp-two-line" title={r.holders.length ? `Holders: ${r.holders.join(", ")}` : "No holders"}>
          <span>{r.ownerStatus === "owned" ? c.getValue() : <Tag minimal intent="warning">{r.ownerStatus}</Tag>}</span>
          <span className="fp-two-line-secondary">{r.holders.join(", ") || "no holders"}</span>
        </span>
      );
    },
  }),
  col.accessor((r) => r.lastRotatedAt ?? "", { id: "lastRotated", header: "Last rotated", size: 100, cell: (c) => <span className="fp-grid-date">{c.getValue() ? formatDate(c.getValue()) : "never"}</span> }),
  col.accessor((r) => r.due?.date ?? "9999", { id: "due", header: "Due", size: 100, cell: (c) => <span className="fp-grid-date" title={c.row.original.due?.why}>{formatDate(c.row.original.due?.date)}</span> }),
  col.accessor((r) => (r.worst ? SEVERITY_RANK[r.worst] : 9), {
    id: "findings",
    header: "Findings",
    size: 150,
    filterFn: (row, _id, value: string) => !value || (value === "any" ? row.original.findings.length > 0 : row.original.findings.some((f) => f.code === value)),
    cell: (c) => (
      <span className="fp-finding-tags" title={c.row.original.findings.map((f) => f.code).join(", ")}>
        {c.row.original.findings.slice(0, 1).map((f) => (
          <SeverityTag key={f.code} severity={f.severity}>
            {f.code}
          </SeverityTag>
        ))}
        {c.row.original.findings.length > 1 && <Tag minimal>+{c.row.original.findings.length - 1}</Tag>}
      </span>
    ),
  }),
  col.accessor("lineGroup", { id: "lineGroup", header: "Line" }),
];

import { Tag } from "@blueprintjs/core";
import { createColumnHelper } from "@tanstack/react-table";
import type { IdentityRow } from "../../../../shared/contract";
import { SeverityTag } from "../../components/SeverityTag";
import type { IndexedRow } from "./rowIndex";

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

export const columns = [
  col.accessor("name", {
    header: "Identity",
    size: 190,
    cell: (c) => (
      <span className="fp-id-cell">
        <span className="fp-id-name">{c.getValue()}</span> {flagTags(c.row.original)}
      </span>
    ),
  }),
  col.accessor("kind", { header: "Kind", size: 84, filterFn: (row, id, value: string[]) => value.length === 0 || value.includes(row.getValue(id)) }),
  col.accessor("controllers", {
    header: "Controllers",
    size: 104,
    cell: (c) => c.getValue(),
  }),
  col.accessor((r) => r.cells.join("; "), {
    id: "where",
    header: "Line / cell",
    size: 140,
    filterFn: (row, _id, value: string) => !value || row.original.lines.includes(value),
    cell: (c) => <span className="fp-ellipsis-inline" title={c.getValue()}>{c.row.original.lines.length > 1 ? `${c.row.original.lines.length} lines` : c.getValue()}</span>,
  }),
  col.accessor((r) => r.owner ?? "", {
    id: "owner",
    header: "Owner",
    size: 130,
    cell: (c) => (c.row.original.ownerStatus === "owned" ? c.getValue() : <Tag minimal intent="warning">{c.row.original.ownerStatus}</Tag>),
  }),
  col.accessor((r) => r.holders.join(", "), { id: "holders", header: "Holders", size: 130, cell: (c) => c.getValue() || "—" }),
  col.accessor((r) => r.lastRotatedAt ?? "", { id: "lastRotated", header: "Last rotated", size: 112, cell: (c) => (c.getValue() ? c.getValue().slice(0, 10) : "never") }),
  col.accessor((r) => r.due?.date ?? "9999", { id: "due", header: "Due", size: 100, cell: (c) => <span title={c.row.original.due?.why}>{c.row.original.due?.date ?? "—"}</span> }),
  col.accessor((r) => (r.worst ? SEVERITY_RANK[r.worst] : 9), {
    id: "findings",
    header: "Findings",
    size: 200,
    filterFn: (row, _id, value: string) => !value || (value === "any" ? row.original.findings.length > 0 : row.original.findings.some((f) => f.code === value)),
    cell: (c) => (
      <span className="fp-finding-tags">
        {c.row.original.findings.slice(0, 2).map((f) => (
          <SeverityTag key={f.code} severity={f.severity}>
            {f.code}
          </SeverityTag>
        ))}
        {c.row.original.findings.length > 2 && <Tag minimal>+{c.row.original.findings.length - 2}</Tag>}
      </span>
    ),
  }),
  col.accessor("lineGroup", { id: "lineGroup", header: "Line" }),
];

import { Button, Callout, HTMLSelect, InputGroup, Intent, NonIdealState, Switch } from "@blueprintjs/core";
import type { ColumnFiltersState } from "@tanstack/react-table";
import { useCallback, useDeferredValue, useMemo, useState } from "react";
import { FindingCode } from "../../../shared/domain/identity";
import { ScreenHeader } from "../components/ScreenHeader";
import { useApi } from "../useApi";
import { AttributionEditor } from "./identities/attribution/AttributionEditor";
import { OwnerDialog } from "./identities/attribution/OwnerDialog";
import { indexRows } from "./identities/rowIndex";
import { IdentityDetailPanel } from "./identities/IdentityDetailPanel";
import { IdentityTable } from "./identities/IdentityTable";

const KINDS = ["user", "service", "certificate", "apiKey", "sshKey"] as const;

export function IdentitiesScreen(): React.JSX.Element {
  const [bulk, setBulk] = useState(false);
  const [bulkMessage, setBulkMessage] = useState<string>();
  const list = useApi("identities.list", {});
  const rows = useMemo(() => indexRows(list.data?.rows ?? []), [list.data]);
  const [text, setText] = useState("");
  const deferredText = useDeferredValue(text);
  const [kind, setKind] = useState("");
  const [finding, setFinding] = useState("");
  const [line, setLine] = useState("");
  const [groupByLine, setGroupByLine] = useState(false);
  const [selected, setSelected] = useState<string>();
  const [checked, setChecked] = useState<ReadonlySet<string>>(new Set());
  const [visible, setVisible] = useState(0);
  const lines = useMemo(() => [...new Set(rows.flatMap((r) => r.lines))].sort(), [rows]);
  const filters = useMemo<ColumnFiltersState>(
    () => [...(kind ? [{ id: "kind", value: [kind] }] : []), ...(finding ? [{ id: "findings", value: finding }] : []), ...(line ? [{ id: "where", value: line }] : [])],
    [kind, finding, line],
  );
  const onCheck = useCallback((id: string, on: boolean) => {
    setChecked((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const rotate = useCallback((id: string) => {
    window.location.hash = `#/rotations?identity=${encodeURIComponent(id)}`;
  }, []);

  return (
    <section className="fp-screen fp-screen-fill">
      <ScreenHeader title="Identities" subtitle="Every account, certificate and key on the bay, with its owner, holders and findings." />
      {list.error && <Callout intent={Intent.DANGER}>{list.error.message}</Callout>}
      {list.data && rows.length === 0 ? (
        <NonIdealState icon="id-number" title="No identities found yet" description="Identities appear after a scan of the plant (Plant › Scan all). Each one shows where it lives, who owns it, who holds it and what is wrong with it." />
      ) : (
        <>
          <div className="fp-toolbar" role="search">
            <InputGroup className="fp-toolbar-search" size="large" leftIcon="search" placeholder="Filter: name, owner, holder, line, finding…" aria-label="Filter identities" value={text} onValueChange={setText} data-testid="identity-filter" />
            <HTMLSelect large aria-label="Kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)} options={[{ label: "All kinds", value: "" }, ...KINDS.map((k) => ({ label: k, value: k }))]} />
            <HTMLSelect large aria-label="Finding" value={finding} onChange={(e) => setFinding(e.currentTarget.value)} options={[{ label: "Any or no finding", value: "" }, { label: "With a finding", value: "any" }, ...FindingCode.options.map((f) => ({ label: f, value: f }))]} data-testid="finding-filter" />
            <HTMLSelect large aria-label="Line" value={line} onChange={(e) => setLine(e.currentTarget.value)} options={[{ label: "All lines", value: "" }, ...lines.map((l) => ({ label: l, value: l }))]} />
            <Switch large checked={groupByLine} onChange={(e) => setGroupByLine(e.currentTarget.checked)} label="Group by line" />
            <span className="fp-toolbar-count" role="status" data-testid="identity-count">
              {visible} of {rows.length}
            </span>
            {checked.size > 0 && (
              <>
                <Button size="large" intent={Intent.PRIMARY} icon="person" text={`Assign owner to ${checked.size}…`} onClick={() => setBulk(true)} data-testid="bulk-assign" />
                <Button size="large" text={`Clear ${checked.size} selected`} onClick={() => setChecked(new Set())} />
              </>
            )}
          </div>
          {bulkMessage && (
            <Callout intent={Intent.SUCCESS} className="fp-callout" data-testid="bulk-message">
              {bulkMessage}
            </Callout>
          )}
          <div className="fp-split fp-split-fill">
            <IdentityTable rows={rows} text={deferredText} filters={filters} groupByLine={groupByLine} selected={selected} onSelect={setSelected} checked={checked} onCheck={onCheck} onVisibleChange={setVisible} />
            <aside className="fp-split-side" aria-label="Identity detail">
              <IdentityDetailPanel id={selected} onRotate={rotate} attribution={(d) => <AttributionEditor key={d.row.id} detail={d} />} />
            </aside>
          </div>
        </>
      )}
      {bulk && (
        <OwnerDialog
          target={{ kind: "bulk", ids: [...checked], label: `${checked.size} identities` }}
          onClose={() => setBulk(false)}
          onSaved={(text) => {
            setBulk(false);
            setBulkMessage(text);
            setChecked(new Set());
          }}
        />
      )}
    </section>
  );
}

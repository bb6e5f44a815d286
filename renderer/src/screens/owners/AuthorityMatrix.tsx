import { Button, H2, HTMLTable, NonIdealState, Tag } from "@blueprintjs/core";
import { useState } from "react";
import type { AuthorityRowView, Directory } from "../../../../shared/contract";
import { useApi } from "../../useApi";
import { OwnerDialog, type OwnerTarget } from "../identities/attribution/OwnerDialog";
import { ACTION_LABEL, AuthorityDialog, type AuthorityAction } from "./AuthorityDialog";

const ACTIONS: readonly AuthorityAction[] = ["approve", "revoke", "pause", "override"];

interface Props {
  readonly directory: Directory | undefined;
}

/** Lines and their cells × approve/revoke/pause/override, plus each line's and cell's owner. */
export function AuthorityMatrix({ directory }: Props): React.JSX.Element {
  const matrix = useApi("owners.authority", {});
  const [editing, setEditing] = useState<{ row: AuthorityRowView; action: AuthorityAction }>();
  const [owning, setOwning] = useState<OwnerTarget>();
  const rows = matrix.data?.rows ?? [];
  const ownerOf = (row: AuthorityRowView) => directory?.ownerships.find((o) => (row.cell ? o.targetType === "cell" && o.targetId === `${row.line}/${row.cell}` : o.targetType === "line" && o.targetId === row.line));

  if (matrix.data && rows.length === 0) {
    return <NonIdealState icon="diagram-tree" title="No lines yet" description="Load or scan the plant first: the matrix has a row for each line and cell." />;
  }
  return (
    <div>
      <H2 className="fp-section-title">Decision authority and line owners</H2>
      <p className="fp-card-note">
        Who may approve a rotation, revoke, pause, or override in an emergency, in escalation order. A cell without its own list uses its line&apos;s (shown in grey). Owners set on a line or cell are
        inherited by the identities on it unless an identity has its own.
      </p>
      <HTMLTable className="fp-table fp-authority" bordered aria-label="Decision authority" data-testid="authority-matrix">
        <thead>
          <tr>
            <th scope="col">Line / cell</th>
            <th scope="col">Owner</th>
            {ACTIONS.map((a) => (
              <th scope="col" key={a}>
                {ACTION_LABEL[a]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const where = row.cell ? `${row.line} › ${row.cell}` : row.line;
            const owner = ownerOf(row);
            const lineOwner = row.cell ? ownerOf({ ...row, cell: null }) : undefined;
            return (
              <tr key={where} className={row.cell ? "fp-authority-cell" : "fp-authority-line"}>
                <th scope="row">
                  {row.cell ? <span className="fp-authority-indent">{row.cell}</span> : <strong>{row.line}</strong>}
                  {!row.cell && <div className="fp-card-note">{row.area}</div>}
                </th>
                <td>
                  <div className="fp-authority-list">{owner ? owner.ownerName : <span className="fp-card-note fp-authority-inherited">{row.cell && lineOwner ? `${lineOwner.ownerName} (line's)` : "none"}</span>}</div>
                  <Button variant="minimal" icon="edit" aria-label={`Set the owner of ${where}`} onClick={() =>
                      setOwning({
                        kind: row.cell ? "cell" : "line",
                        id: row.cell ? `${row.line}/${row.cell}` : row.line,
                        label: where,
                        current: owner ?? null,
                        inheritedNote: "Identities on it inherit this owner unless they have their own (or live where a different owner is set).",
                      })
                    } />
                </td>
                {ACTIONS.map((action) => {
                  const entry = row.actions[action];
                  return (
                    <td key={action} className={entry.inherited ? "fp-authority-inherited" : undefined}>
                      <ol className="fp-authority-list" aria-label={`${ACTION_LABEL[action]} on ${where}`}>
                        {entry.people.length === 0 ? (
                          <li className="fp-card-note">nobody</li>
                        ) : (
                          entry.people.map((p) => (
                            <li key={p.personId}>
                              {p.name}
                              {p.leftAt && (
                                <Tag minimal intent="warning" className="fp-tag-gap">
                                  left
                                </Tag>
                              )}
                            </li>
                          ))
                        )}
                      </ol>
                      <Button variant="minimal" icon="edit" aria-label={`Edit ${ACTION_LABEL[action].toLowerCase()} on ${where}`} onClick={() => setEditing({ row, action })} />
                    </td>
                  );
                })}
              </tr>
            );
          })}
        </tbody>
      </HTMLTable>
      {editing && <AuthorityDialog target={editing} directory={directory} onClose={() => setEditing(undefined)} onSaved={() => setEditing(undefined)} />}
      {owning && <OwnerDialog target={owning} onClose={() => setOwning(undefined)} onSaved={() => setOwning(undefined)} />}
    </div>
  );
}

import { Button, ButtonGroup, Callout, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import type { AuthorityRowView, Directory } from "../../../../shared/contract";
import { call } from "../../api";
import { nameOf } from "./shared";

export type AuthorityAction = "approve" | "revoke" | "pause" | "override";

export const ACTION_LABEL: Record<AuthorityAction, string> = {
  approve: "Approve rotations",
  revoke: "Revoke",
  pause: "Pause",
  override: "Emergency override",
};

interface Props {
  readonly target: { row: AuthorityRowView; action: AuthorityAction } | undefined;
  readonly directory: Directory | undefined;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}

/** Edits one cell of the matrix: who may take this action here, first asked first. */
export function AuthorityDialog({ target, directory, onClose, onSaved }: Props): React.JSX.Element {
  const addId = useId();
  const [people, setPeople] = useState<string[]>([]);
  const [adding, setAdding] = useState("");
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!target) return;
    const current = target.row.actions[target.action];
    setPeople(current.inherited ? [] : current.people.map((p) => p.personId));
    setAdding("");
    setError(undefined);
  }, [target]);

  if (!target) return <Dialog isOpen={false} />;
  const { row, action } = target;
  const where = row.cell ? `${row.line} › ${row.cell}` : row.line;
  const candidates = (directory?.people ?? []).filter((p) => !p.leftAt && !people.includes(p.personId));
  const inheritedFromLine = row.cell !== null && people.length === 0;

  function move(index: number, by: number): void {
    setPeople((list) => {
      const next = [...list];
      const [item] = next.splice(index, 1);
      next.splice(index + by, 0, item!);
      return next;
    });
  }

  async function save(): Promise<void> {
    const result = await call("owners.setAuthority", { line: row.line, cell: row.cell, action, people });
    if (!result.ok) return setError(result.error.message);
    onSaved();
  }

  return (
    <Dialog isOpen onClose={onClose} title={`${ACTION_LABEL[action]} · ${where}`} icon="take-action">
      <DialogBody>
        <p className="fp-card-note">
          In escalation order: the first is asked first, the others are backups. Anyone on the list may act.
          {row.cell ? " A list set on this cell replaces its line's list; an empty list uses the line's." : ""}
        </p>
        {people.length === 0 ? (
          <Callout intent={inheritedFromLine ? Intent.NONE : Intent.WARNING} className="fp-callout">
            {inheritedFromLine
              ? `Nobody set on this cell: the line's list applies (${row.actions[action].people.map((p) => p.name).join(", ") || "nobody"}).`
              : `Nobody may ${action} on ${where}. Rotations that need this decision will be refused.`}
          </Callout>
        ) : (
          <ol className="fp-escalation" aria-label="Escalation order">
            {people.map((id, i) => (
              <li key={id}>
                <span className="fp-escalation-name">{nameOf(directory, id)}</span>
                <ButtonGroup>
                  <Button icon="arrow-up" aria-label={`Move ${nameOf(directory, id)} up`} disabled={i === 0} onClick={() => move(i, -1)} />
                  <Button icon="arrow-down" aria-label={`Move ${nameOf(directory, id)} down`} disabled={i === people.length - 1} onClick={() => move(i, 1)} />
                  <Button icon="cross" aria-label={`Remove ${nameOf(directory, id)}`} onClick={() => setPeople((l) => l.filter((x) => x !== id))} />
                </ButtonGroup>
              </li>
            ))}
          </ol>
        )}
        <FormGroup label="Add a person" labelFor={addId} className="fp-gap-top">
          <div className="fp-path-field">
            <HTMLSelect
              id={addId}
              large
              fill
              value={adding}
              onChange={(e) => setAdding(e.currentTarget.value)}
              options={[{ label: candidates.length ? "Choose…" : "Everybody active is on the list", value: "" }, ...candidates.map((p) => ({ label: `${p.name}${p.role ? ` (${p.role})` : ""}`, value: p.personId }))]}
            />
            <Button
              size="large"
              icon="add"
              text="Add"
              disabled={adding === ""}
              onClick={() => {
                setPeople((l) => [...l, adding]);
                setAdding("");
              }}
            />
          </div>
        </FormGroup>
        {error && (
          <Callout intent={Intent.DANGER} className="fp-callout">
            {error}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="floppy-disk" text="Save order" onClick={() => void save()} />
          </>
        }
      />
    </Dialog>
  );
}

import { Button, ButtonGroup, Callout, Intent } from "@blueprintjs/core";
import { useState } from "react";
import type { AuthorityRowView, Directory } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { PersonPicker } from "../../components/PersonPicker";
import { useWrite } from "../../useApi";
import { nameOf } from "./shared";

export type AuthorityAction = "approve" | "revoke" | "pause" | "override";

export const ACTION_LABEL: Record<AuthorityAction, string> = {
  approve: "Approve rotations",
  revoke: "Revoke",
  pause: "Pause",
  override: "Emergency override",
};

interface Props {
  readonly target: { row: AuthorityRowView; action: AuthorityAction };
  readonly directory: Directory | undefined;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}

/** Edits one cell of the matrix: who may take this action here, first asked first. Mounted when it opens. */
export function AuthorityDialog({ target, directory, onClose, onSaved }: Props): React.JSX.Element {
  const { row, action } = target;
  const [people, setPeople] = useState<string[]>(() => (row.actions[action].inherited ? [] : row.actions[action].people.map((p) => p.personId)));
  const [error, setError] = useState<string>();
  // Picked in "Add a person" but not added yet: Save takes it too (saving without it saved nobody, issue 17).
  const [picked, setPicked] = useState("");
  // An empty list is saved only after a second, explicit press.
  const [confirmEmpty, setConfirmEmpty] = useState(false);
  const setAuthority = useWrite("owners.setAuthority");
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

  const toSave = picked && !people.includes(picked) ? [...people, picked] : people;
  // Known only while the cell uses its line's list (the row then shows the line's people).
  const lineList = row.actions[action].inherited ? row.actions[action].people.map((p) => p.name).join(", ") : null;

  async function save(): Promise<void> {
    if (toSave.length === 0 && !confirmEmpty) {
      setConfirmEmpty(true);
      return;
    }
    const result = await setAuthority.run({ line: row.line, cell: row.cell, action, people: toSave });
    if (!result.ok) return setError(result.error.message);
    onSaved();
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`${ACTION_LABEL[action]} · ${where}`}
      icon="take-action"
      primary={
        confirmEmpty && toSave.length === 0
          ? { text: row.cell ? "Save: use the line's list" : "Save: nobody may decide", icon: "floppy-disk", intent: Intent.DANGER, onClick: () => void save(), busy: setAuthority.busy, testId: "authority-save" }
          : { text: "Save order", icon: "floppy-disk", onClick: () => void save(), busy: setAuthority.busy, testId: "authority-save" }
      }
      error={error}
    >
      <p className="fp-card-note">
        In escalation order: the first is asked first, the others are backups. Anyone on the list may act.
        {row.cell ? " A list set on this cell replaces its line's list; an empty list uses the line's." : ""}
      </p>
      {people.length === 0 ? (
        <Callout intent={inheritedFromLine ? Intent.NONE : Intent.WARNING} className="fp-callout">
          {inheritedFromLine
            ? `Nobody set on this cell: the line's list applies (${lineList || "nobody"}).`
            : `Nobody may ${action} on ${where}. Rotations that need this decision will be refused.`}
        </Callout>
      ) : (
        <ol className="fp-escalation" aria-label="Escalation order">
          {people.map((id, i) => (
            <li key={id}>
              <span className="fp-escalation-name">{nameOf(directory, id)}</span>
              <ButtonGroup size="large">
                <Button icon="arrow-up" aria-label={`Move ${nameOf(directory, id)} up`} disabled={i === 0} onClick={() => move(i, -1)} />
                <Button icon="arrow-down" aria-label={`Move ${nameOf(directory, id)} down`} disabled={i === people.length - 1} onClick={() => move(i, 1)} />
                <Button
                  icon="cross"
                  aria-label={`Remove ${nameOf(directory, id)}`}
                  onClick={() => {
                    setPeople((l) => l.filter((x) => x !== id));
                    setConfirmEmpty(false);
                  }}
                />
              </ButtonGroup>
            </li>
          ))}
        </ol>
      )}
      <PersonPicker
        label="Add a person"
        people={candidates}
        emptyText="Everybody active is on the list"
        value={picked}
        onValueChange={(id) => {
          setPicked(id);
          setConfirmEmpty(false);
        }}
        onAdd={(id) => {
          setPeople((l) => [...l, id]);
          setPicked("");
        }}
        className="fp-gap-top"
      />
      {picked && !people.includes(picked) && (
        <p className="fp-card-note" data-testid="authority-picked-note">
          Save adds {nameOf(directory, picked)} at the end of the list.
        </p>
      )}
      {confirmEmpty && toSave.length === 0 && (
        <Callout intent={Intent.DANGER} icon="warning-sign" title="Save an empty list?" className="fp-callout" role="alert" data-testid="authority-empty-confirm">
          {row.cell
            ? `Nobody is on this cell's list. Saving it empty makes the line's list apply here${lineList === null ? "" : ` (${lineList || "nobody: rotations that need this decision will be refused"})`}. Press the red button to save it so, or choose a person and press Add.`
            : `Nobody is on the list. Saving it empty means nobody may ${action} on ${where}, and rotations that need this decision will be refused. Press the red button to save it so, or choose a person and press Add.`}
        </Callout>
      )}
    </FormDialog>
  );
}

import { Button, FormGroup, HTMLSelect } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { PersonView } from "../../../shared/contract";

interface Props {
  readonly label: string;
  /** Who may be added (already filtered: active, not on the list yet). */
  readonly people: readonly PersonView[];
  /** Shown instead of "Choose a person…" when nobody is left to add. */
  readonly emptyText: string;
  /** Adds the chosen person; the choice is cleared unless it answers false (main refused). */
  readonly onAdd: (personId: string) => void | Promise<boolean>;
  readonly busy?: boolean;
  readonly className?: string;
  readonly testId?: string;
  /** The choice not yet added, when the parent needs it (a dialog whose Save takes it too). Uncontrolled without. */
  readonly value?: string;
  readonly onValueChange?: (personId: string) => void;
}

/** Choose one person and add them to a list (holders, an escalation order). */
export function PersonPicker({ label, people, emptyText, onAdd, busy = false, className, testId, value, onValueChange }: Props): React.JSX.Element {
  const id = useId();
  const [own, setOwn] = useState("");
  const chosen = value ?? own;
  const setChosen = (next: string): void => {
    setOwn(next);
    onValueChange?.(next);
  };
  async function add(): Promise<void> {
    if ((await onAdd(chosen)) !== false) setChosen("");
  }
  return (
    <FormGroup label={label} labelFor={id} className={className}>
      <div className="fp-path-field">
        <HTMLSelect
          id={id}
          large
          fill
          value={chosen}
          onChange={(e) => setChosen(e.currentTarget.value)}
          options={[{ label: people.length ? "Choose a person…" : emptyText, value: "" }, ...people.map((p) => ({ label: `${p.name}${p.role ? ` (${p.role})` : ""}`, value: p.personId }))]}
          data-testid={testId}
        />
        <Button size="large" icon="add" text="Add" disabled={chosen === ""} loading={busy} onClick={() => void add()} />
      </div>
    </FormGroup>
  );
}

import { FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { ControllerSummary } from "../../../../shared/contract";
import { DeclaredAccountKind } from "../../../../shared/domain/plant";
import { FormDialog } from "../../components/FormDialog";
import { useWrite } from "../../useApi";

const KIND_LABELS: Readonly<Record<DeclaredAccountKind, string>> = {
  user: "An account of one person or role",
  shared: "Shared (several people know the password)",
  vendor: "A vendor's or contractor's account",
  "break-glass": "Break-glass (emergency) account",
  default: "Factory default account",
};

interface Props {
  readonly controller: ControllerSummary;
  readonly onClose: () => void;
}

/**
 * An account the technician knows is on a controller that cannot list its own. Recorded as declared
 * (not observed); it then rotates through the manual path, with proof by login.
 */
export function DeclareAccountDialog({ controller, onClose }: Props): React.JSX.Element {
  const ids = { name: useId(), kind: useId(), description: useId() };
  const [userName, setUserName] = useState("");
  const [kind, setKind] = useState<DeclaredAccountKind>("user");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const declare = useWrite("identities.declare");

  async function save(): Promise<void> {
    setError(undefined);
    const result = await declare.run({ controllerIds: [controller.id], userName, kind, description });
    if (!result.ok) return setError(result.error.message);
    setDone(result.value.declared > 0 ? `${userName.trim()} is now an account of ${controller.name} (declared). Rotate it from Identities or Rotations.` : `${userName.trim()} was already declared on ${controller.name} as given.`);
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`Add an account you know on ${controller.name}`}
      icon="new-person"
      closeText={done ? "Done" : "Cancel"}
      primary={done ? undefined : { text: "Declare the account", icon: "add", onClick: () => void save(), disabled: userName.trim() === "", busy: declare.busy, testId: "declare-account-save" }}
      error={error}
      message={done ? { intent: Intent.SUCCESS, text: done } : undefined}
      messageTestId="declare-account-done"
    >
      <p>This controller cannot list its accounts. Declare the ones you know are on it: they are recorded as declared by you, not as read from the controller.</p>
      <FormGroup label="Account name" labelFor={ids.name} helperText="Exactly as it is typed at the controller's login.">
        <InputGroup id={ids.name} size="large" autoFocus value={userName} onValueChange={setUserName} placeholder="e.g. maint" spellCheck={false} />
      </FormGroup>
      <FormGroup label="What it is" labelFor={ids.kind}>
        <HTMLSelect id={ids.kind} large fill value={kind} onChange={(e) => setKind(DeclaredAccountKind.parse(e.currentTarget.value))} options={DeclaredAccountKind.options.map((value) => ({ value, label: KIND_LABELS[value] }))} />
      </FormGroup>
      <FormGroup label="What it is for (optional)" labelFor={ids.description}>
        <InputGroup id={ids.description} size="large" value={description} onValueChange={setDescription} placeholder="e.g. shift maintenance on line 2" />
      </FormGroup>
    </FormDialog>
  );
}

import { FormGroup, InputGroup, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { FormDialog, refusal, type DialogMessage } from "../../components/FormDialog";
import { useWrite } from "../../useApi";

interface Props {
  readonly identityId: string;
  readonly name: string;
  readonly onClose: () => void;
}

/** "Where does this password work?" One login attempt per controller; only where it worked is recorded. */
export function ReuseCheckDialog({ identityId, name, onClose }: Props): React.JSX.Element {
  const [password, setPassword] = useState("");
  const [message, setMessage] = useState<DialogMessage>();
  const checking = useWrite("identities.checkReuse");

  async function check(): Promise<void> {
    const result = await checking.run({ id: identityId, password });
    setPassword("");
    if (!result.ok) return setMessage(refusal(result.error.message));
    const r = result.value;
    setMessage({
      intent: r.acceptedOn.length > 1 ? Intent.WARNING : Intent.SUCCESS,
      text: `Accepted on ${r.acceptedOn.length} controller(s)${r.acceptedOn.length ? `: ${r.acceptedOn.join(", ")}` : ""}; refused on ${r.refusedOn.length}${r.unreachableOn.length ? `; not asked on ${r.unreachableOn.length}` : ""}.`,
    });
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`Where does this password of ${name} work?`}
      icon="search"
      closeText="Done"
      primary={{ text: "Check", icon: "search", onClick: () => void check(), disabled: password === "", busy: checking.busy }}
      message={message}
      messageTestId="reuse-result"
    >
      <p>Fieldproof tries one login with it on each controller this account lives on. The result is recorded; the password is not.</p>
      <FormGroup label="Password to check" labelFor="reuse-password">
        <InputGroup id="reuse-password" size="large" type="password" autoComplete="off" autoFocus value={password} onValueChange={setPassword} />
      </FormGroup>
    </FormDialog>
  );
}

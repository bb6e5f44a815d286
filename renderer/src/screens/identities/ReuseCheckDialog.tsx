import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, InputGroup, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { call } from "../../api";

interface Props {
  readonly identityId: string;
  readonly name: string;
  readonly onClose: () => void;
  readonly onChecked: () => void;
}

/** "Where does this password work?" One login attempt per controller; only where it worked is recorded. */
export function ReuseCheckDialog({ identityId, name, onClose, onChecked }: Props): React.JSX.Element {
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function check(): Promise<void> {
    setBusy(true);
    const result = await call("identities.checkReuse", { id: identityId, password });
    setBusy(false);
    setPassword("");
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    const r = result.value;
    setMessage({
      intent: r.acceptedOn.length > 1 ? Intent.WARNING : Intent.SUCCESS,
      text: `Accepted on ${r.acceptedOn.length} controller(s)${r.acceptedOn.length ? `: ${r.acceptedOn.join(", ")}` : ""}; refused on ${r.refusedOn.length}${r.unreachableOn.length ? `; not asked on ${r.unreachableOn.length}` : ""}.`,
    });
    onChecked();
  }

  return (
    <Dialog isOpen onClose={onClose} title={`Where does this password of ${name} work?`} icon="search">
      <DialogBody>
        <p>Fieldproof tries one login with it on each controller this account lives on. The result is recorded; the password is not.</p>
        <FormGroup label="Password to check" labelFor="reuse-password">
          <InputGroup id="reuse-password" size="large" type="password" autoComplete="off" value={password} onValueChange={setPassword} />
        </FormGroup>
        {message && (
          <Callout intent={message.intent} className="fp-callout" data-testid="reuse-result">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="search" text="Check" loading={busy} disabled={password === ""} onClick={() => void check()} />
          </>
        }
      />
    </Dialog>
  );
}

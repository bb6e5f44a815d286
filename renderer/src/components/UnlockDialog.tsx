import { FormGroup, InputGroup, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { useWrite } from "../useApi";
import { FormDialog } from "./FormDialog";

interface Props {
  /** new: choose a passphrase (first run); locked: enter it. */
  readonly mode: "new" | "locked";
}

/** The device key is protected by a passphrase when the OS offers no keychain. Unlocking reloads everything. */
export function UnlockDialog({ mode }: Props): React.JSX.Element {
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string>();
  const unlock = useWrite("device.unlock");
  const mismatch = mode === "new" && again.length > 0 && again !== passphrase;

  async function submit(): Promise<void> {
    if (mode === "new" && passphrase !== again) {
      setError("The two passphrases differ.");
      return;
    }
    const result = await unlock.run({ passphrase });
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setPassphrase("");
    setAgain("");
  }

  return (
    <FormDialog
      title={mode === "new" ? "Protect this laptop's signing key" : "Unlock Fieldproof"}
      icon="lock"
      primary={{ text: mode === "new" ? "Protect and continue" : "Unlock", onClick: () => void submit(), disabled: passphrase.length === 0, busy: unlock.busy }}
      error={error}
    >
      <p>
        {mode === "new"
          ? "Every record this laptop signs uses a key that only this laptop holds. Choose a passphrase to protect it (at least 8 characters). Without it, nobody can sign in this laptop's name."
          : "Enter the passphrase that protects this laptop's signing key."}
      </p>
      <FormGroup label="Passphrase" labelFor="unlock-passphrase">
        <InputGroup id="unlock-passphrase" type="password" size="large" autoFocus value={passphrase} onValueChange={setPassphrase} autoComplete={mode === "new" ? "new-password" : "current-password"} />
      </FormGroup>
      {mode === "new" && (
        <FormGroup label="Passphrase again" labelFor="unlock-again" intent={mismatch ? Intent.DANGER : Intent.NONE} helperText={mismatch ? "Does not match yet." : undefined}>
          <InputGroup id="unlock-again" type="password" size="large" value={again} onValueChange={setAgain} autoComplete="new-password" />
        </FormGroup>
      )}
    </FormDialog>
  );
}

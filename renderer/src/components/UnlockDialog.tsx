import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, InputGroup, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { call } from "../api";

interface Props {
  /** new: choose a passphrase (first run); locked: enter it. */
  readonly mode: "new" | "locked";
  readonly onUnlocked: () => void;
}

/** The device key is protected by a passphrase when the OS offers no keychain. */
export function UnlockDialog({ mode, onUnlocked }: Props): React.JSX.Element {
  const [passphrase, setPassphrase] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const mismatch = mode === "new" && again.length > 0 && again !== passphrase;

  async function submit(): Promise<void> {
    if (mode === "new" && passphrase !== again) {
      setError("The two passphrases differ.");
      return;
    }
    setBusy(true);
    const result = await call("device.unlock", { passphrase });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setPassphrase("");
    setAgain("");
    onUnlocked();
  }

  return (
    <Dialog isOpen isCloseButtonShown={false} canEscapeKeyClose={false} canOutsideClickClose={false} title={mode === "new" ? "Protect this laptop's signing key" : "Unlock Fieldproof"} icon="lock">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <DialogBody>
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
          {error && (
            <Callout intent={Intent.DANGER} icon="error">
              {error}
            </Callout>
          )}
        </DialogBody>
        <DialogFooter actions={<Button type="submit" size="large" intent={Intent.PRIMARY} loading={busy} disabled={passphrase.length === 0} text={mode === "new" ? "Protect and continue" : "Unlock"} />} />
      </form>
    </Dialog>
  );
}

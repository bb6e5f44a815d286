import { FormGroup, InputGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { Settings } from "../../../shared/contract";
import { useWrite } from "../useApi";
import { FormDialog } from "./FormDialog";

interface Props {
  readonly settings: Settings;
  readonly fingerprint: string | null;
  readonly onLater: () => void;
}

/**
 * First run: the laptop's name is still its host name (three laptops reached IT as "vm"). Asks for
 * one, offering the host name plus the start of the device id. Shown until a name is saved.
 */
export function DeviceNameDialog({ settings, fingerprint, onLater }: Props): React.JSX.Element {
  const id = useId();
  const [name, setName] = useState(settings.suggestedDeviceName);
  const [error, setError] = useState<string>();
  const update = useWrite("settings.update");

  async function save(): Promise<void> {
    const result = await update.run({ deviceName: name });
    if (!result.ok) setError(result.error.message);
  }

  return (
    <FormDialog
      title="Name this laptop"
      icon="desktop"
      closeText="Later"
      onClose={onLater}
      primary={{ text: "Save name", icon: "tick", onClick: () => void save(), disabled: name.trim() === "", busy: update.busy, testId: "device-name-save" }}
      error={error}
    >
      <p>
        Every record this laptop signs carries its name, and IT sees the name next to the laptop&apos;s key fingerprint when it imports an export. Choose a name nobody else on site uses, for
        example the site and the bay: <span className="fp-mono">rivermill-bay-02</span>.
      </p>
      <FormGroup label="Device name" labelFor={id} helperText={`Now: ${settings.deviceName} (the computer's host name). You can change it later in Settings.`}>
        <InputGroup id={id} size="large" value={name} onValueChange={setName} autoFocus data-testid="first-run-device-name" />
      </FormGroup>
      {fingerprint && (
        <p className="fp-card-note">
          Key fingerprint: <span className="fp-mono">{fingerprint}</span>
        </p>
      )}
    </FormDialog>
  );
}

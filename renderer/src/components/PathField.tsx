import { Button, FormGroup, InputGroup } from "@blueprintjs/core";
import { useId } from "react";
import { call } from "../api";
import { useAppState } from "../appState";

interface Props {
  readonly label: string;
  readonly helper: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly mode: "save" | "open";
  readonly dialogTitle: string;
  readonly defaultName?: string;
  readonly filters?: { name: string; extensions: string[] }[];
  readonly testId?: string;
}

/** A file path: typed (works everywhere) or chosen with the OS dialog in the desktop app. */
export function PathField({ label, helper, value, onChange, mode, dialogTitle, defaultName, filters = [], testId }: Props): React.JSX.Element {
  const id = useId();
  const { info } = useAppState();
  async function browse(): Promise<void> {
    const result =
      mode === "save"
        ? await call("dialog.saveFile", { title: dialogTitle, defaultName, filters })
        : await call("dialog.openFile", { title: dialogTitle, filters });
    if (result.ok && result.value.path) onChange(result.value.path);
  }
  return (
    <FormGroup label={label} labelFor={id} helperText={helper}>
      <div className="fp-path-field">
        <InputGroup id={id} size="large" fill value={value} onValueChange={onChange} placeholder="/media/usb/…" data-testid={testId} spellCheck={false} />
        {info?.nativeDialogs && <Button size="large" icon="folder-open" text="Browse…" onClick={() => void browse()} />}
      </div>
    </FormGroup>
  );
}

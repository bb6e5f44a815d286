import { Button, FormGroup, InputGroup } from "@blueprintjs/core";
import { useId } from "react";
import { call } from "../api";
import { useAppState } from "../appState";

interface Props {
  readonly label: string;
  readonly helper?: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly mode: "save" | "open";
  readonly dialogTitle: string;
  /** What the OS dialog offers: e.g. { name: "CSV", extension: "csv" }. */
  readonly fileType: { readonly name: string; readonly extension: string };
  readonly defaultName?: string;
  readonly testId?: string;
  /** In a dialog whose first field it is: the technician can type (or paste) at once. */
  readonly autoFocus?: boolean;
}

/**
 * The one file path field: typed (works everywhere, main wants a full path) or chosen with the OS
 * dialog in the desktop app. In a FormDialog, Enter in it presses the dialog's primary action.
 */
export function PathField({ label, helper = "A full path, for example on the USB stick.", value, onChange, mode, dialogTitle, fileType, defaultName, testId, autoFocus = false }: Props): React.JSX.Element {
  const id = useId();
  const { info } = useAppState();
  async function browse(): Promise<void> {
    const filters = [{ name: fileType.name, extensions: [fileType.extension] }];
    const result = mode === "save" ? await call("dialog.saveFile", { title: dialogTitle, defaultName, filters }) : await call("dialog.openFile", { title: dialogTitle, filters });
    if (result.ok && result.value.path) onChange(result.value.path);
  }
  return (
    <FormGroup label={label} labelFor={id} helperText={helper}>
      <div className="fp-path-field">
        <InputGroup id={id} size="large" fill value={value} onValueChange={onChange} placeholder="/media/usb/…" data-testid={testId} spellCheck={false} autoFocus={autoFocus} />
        {info?.nativeDialogs && <Button size="large" icon="folder-open" text="Browse…" onClick={() => void browse()} />}
      </div>
    </FormGroup>
  );
}

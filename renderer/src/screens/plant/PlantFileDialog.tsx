import { Intent } from "@blueprintjs/core";
import { useState } from "react";
import { FormDialog, refusal, type DialogMessage } from "../../components/FormDialog";
import { PathField } from "../../components/PathField";
import { useWrite } from "../../useApi";

/** Loads the plant file: the site, its controllers and the technician's logins (stored encrypted). */
export function PlantFileDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<DialogMessage>();
  const importing = useWrite("plant.importFile");
  async function load(): Promise<void> {
    const result = await importing.run({ path: path.trim() });
    if (!result.ok) return setMessage(refusal(result.error.message));
    setMessage({ intent: Intent.SUCCESS, text: `Loaded ${result.value.controllers} controller(s) of ${result.value.site}; ${result.value.logins} login(s) stored encrypted.` });
  }
  return (
    <FormDialog
      onClose={onClose}
      title="Load a plant file"
      icon="document-open"
      closeText="Done"
      primary={{ text: "Load", icon: "document-open", onClick: () => void load(), disabled: path.trim() === "", busy: importing.busy }}
      message={message}
      messageTestId="plant-file-message"
    >
      <PathField
        label="Plant file"
        helper="JSON with the site, its controllers and their endpoints."
        value={path}
        onChange={setPath}
        mode="open"
        dialogTitle="Open a plant file"
        fileType={{ name: "Plant file", extension: "json" }}
        testId="plant-file-path"
        autoFocus
      />
    </FormDialog>
  );
}

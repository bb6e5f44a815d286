import { Intent } from "@blueprintjs/core";
import { useState } from "react";
import { FormDialog, refusal, type DialogMessage } from "../../components/FormDialog";
import { PathField } from "../../components/PathField";
import { useWrite } from "../../useApi";
import { formatDateTime } from "../../format";

interface Props {
  readonly onClose: () => void;
}

export function ReceiptDialog({ onClose }: Props): React.JSX.Element {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<DialogMessage>();
  const importing = useWrite("evidence.importReceipt");

  async function submit(): Promise<void> {
    const result = await importing.run({ path: path.trim() });
    if (!result.ok) return setMessage(refusal(result.error.message));
    setMessage({
      intent: Intent.SUCCESS,
      text:
        result.value.status === "imported"
          ? `IT holds records 0–${result.value.treeSize - 1} (cosigned ${formatDateTime(result.value.cosignedAt)}). The next export starts after them.`
          : "This receipt was already imported. Nothing changed.",
    });
  }

  return (
    <FormDialog
      onClose={onClose}
      title="Import IT's receipt"
      icon="import"
      closeText="Done"
      primary={{ text: "Import receipt", icon: "import", onClick: () => void submit(), disabled: path.trim() === "", busy: importing.busy }}
      message={message}
      messageTestId="receipt-message"
    >
      <p>IT's receipt is its signature on the checkpoint it imported. Fieldproof checks it against the IT key this laptop trusts and against its own log.</p>
      <PathField label="Receipt file" helper="The .receipt file IT gave back." value={path} onChange={setPath} mode="open" dialogTitle="Open IT's receipt" fileType={{ name: "Receipt", extension: "receipt" }} testId="receipt-path" autoFocus />
    </FormDialog>
  );
}

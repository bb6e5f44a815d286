import { Button, Callout, Dialog, DialogBody, DialogFooter, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { call } from "../../api";
import { PathField } from "../../components/PathField";

interface Props {
  readonly isOpen: boolean;
  readonly onClose: () => void;
  readonly onImported: () => void;
}

export function ReceiptDialog({ isOpen, onClose, onImported }: Props): React.JSX.Element {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  const [busy, setBusy] = useState(false);

  async function submit(): Promise<void> {
    setBusy(true);
    const result = await call("evidence.importReceipt", { path: path.trim() });
    setBusy(false);
    if (!result.ok) {
      setMessage({ intent: Intent.DANGER, text: result.error.message });
      return;
    }
    setMessage({
      intent: Intent.SUCCESS,
      text:
        result.value.status === "imported"
          ? `IT holds records 0–${result.value.treeSize - 1} (cosigned ${new Date(result.value.cosignedAt).toLocaleString()}). The next export starts after them.`
          : "This receipt was already imported. Nothing changed.",
    });
    onImported();
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Import IT's receipt" icon="import">
      <DialogBody>
        <p>IT's receipt is its signature on the checkpoint it imported. Fieldproof checks it against the IT key this laptop trusts and against its own log.</p>
        <PathField label="Receipt file" helper="The .receipt file IT gave back." value={path} onChange={setPath} mode="open" dialogTitle="Open IT's receipt" filters={[{ name: "Receipt", extensions: ["receipt"] }]} testId="receipt-path" />
        {message && (
          <Callout intent={message.intent} className="fp-callout" data-testid="receipt-message">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="import" text="Import receipt" loading={busy} onClick={() => void submit()} disabled={path.trim() === ""} />
          </>
        }
      />
    </Dialog>
  );
}

import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import type { CsvKind } from "../../../../shared/contract";
import { call } from "../../api";
import { PathField } from "../../components/PathField";

const KINDS: readonly { value: CsvKind; label: string }[] = [
  { value: "people", label: "People" },
  { value: "teams", label: "Teams" },
  { value: "owners", label: "Owners (identities, lines, cells)" },
  { value: "holders", label: "Holders of shared accounts" },
];

interface ImportProps {
  readonly isOpen: boolean;
  readonly onClose: () => void;
  readonly onImported: () => void;
}

/** Imports one CSV file: every row or, if any row is wrong, none (each problem with its line). */
export function ImportCsvDialog({ isOpen, onClose, onImported }: ImportProps): React.JSX.Element {
  const [path, setPath] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  useEffect(() => {
    if (isOpen) setMessage(undefined);
  }, [isOpen]);

  async function run(): Promise<void> {
    setBusy(true);
    const result = await call("owners.importCsv", { path: path.trim() });
    setBusy(false);
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    const r = result.value;
    setMessage({ intent: Intent.SUCCESS, text: `Imported ${r.rows} ${r.kind} row(s): ${r.records} signed record(s) written${r.unchanged ? `, ${r.unchanged} row(s) were already as in the file` : ""}.` });
    onImported();
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Import from a CSV file" icon="import">
      <DialogBody>
        <p>
          One kind per file, told by its header row: teams, people, owners or holders (see <span className="fp-mono">docs/owners.md</span>). If any row is wrong, nothing from the file is
          imported and every problem is listed with its line.
        </p>
        <PathField label="CSV file" helper="A full path, for example on the USB stick." value={path} onChange={setPath} mode="open" dialogTitle="Import a CSV file" filters={[{ name: "CSV", extensions: ["csv"] }]} testId="csv-import-path" />
        {message && (
          <Callout intent={message.intent} className="fp-callout fp-prewrap" data-testid="csv-import-message">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="import" text="Import" loading={busy} disabled={path.trim() === ""} onClick={() => void run()} />
          </>
        }
      />
    </Dialog>
  );
}

interface ExportProps {
  readonly isOpen: boolean;
  readonly onClose: () => void;
}

export function ExportCsvDialog({ isOpen, onClose }: ExportProps): React.JSX.Element {
  const kindId = useId();
  const [kind, setKind] = useState<CsvKind>("people");
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  useEffect(() => {
    if (isOpen) setMessage(undefined);
  }, [isOpen]);

  async function run(): Promise<void> {
    const result = await call("owners.exportCsv", { kind, path: path.trim() });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({ intent: Intent.SUCCESS, text: `Wrote ${result.value.rows} ${result.value.kind} row(s) to ${result.value.path}.` });
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Export to a CSV file" icon="export">
      <DialogBody>
        <p>UTF-8 with a byte-order mark and CRLF line ends: it opens cleanly in a spreadsheet. Cells that a spreadsheet would run as a formula start with an apostrophe.</p>
        <FormGroup label="What" labelFor={kindId}>
          <HTMLSelect id={kindId} large fill value={kind} onChange={(e) => setKind(e.currentTarget.value as CsvKind)} options={KINDS.map((k) => ({ label: k.label, value: k.value }))} />
        </FormGroup>
        <PathField label="Save as" helper="A full path, for example on the USB stick." value={path} onChange={setPath} mode="save" dialogTitle="Export a CSV file" defaultName={`fieldproof-${kind}.csv`} filters={[{ name: "CSV", extensions: ["csv"] }]} testId="csv-export-path" />
        {message && (
          <Callout intent={message.intent} className="fp-callout" data-testid="csv-export-message">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="export" text="Export" disabled={path.trim() === ""} onClick={() => void run()} />
          </>
        }
      />
    </Dialog>
  );
}

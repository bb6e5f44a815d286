import { FormGroup, HTMLSelect, Intent } from "@blueprintjs/core";
import { useId, useState } from "react";
import { CsvKind } from "../../../../shared/contract";
import { FormDialog, refusal, type DialogMessage } from "../../components/FormDialog";
import { PathField } from "../../components/PathField";
import { useWrite } from "../../useApi";

const KIND_LABEL: Record<CsvKind, string> = {
  people: "People",
  teams: "Teams",
  owners: "Owners (identities, lines, cells)",
  holders: "Holders of shared accounts",
};

const CSV = { name: "CSV", extension: "csv" } as const;

/** Imports one CSV file: every row or, if any row is wrong, none (each problem with its line). Mounted when it opens. */
export function ImportCsvDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<DialogMessage>();
  const importing = useWrite("owners.importCsv");

  async function run(): Promise<void> {
    const result = await importing.run({ path: path.trim() });
    if (!result.ok) return setMessage(refusal(result.error.message));
    const r = result.value;
    setMessage({ intent: Intent.SUCCESS, text: `Imported ${r.rows} ${r.kind} row(s): ${r.records} signed record(s) written${r.unchanged ? `, ${r.unchanged} row(s) were already as in the file` : ""}.` });
  }

  return (
    <FormDialog
      onClose={onClose}
      title="Import from a CSV file"
      icon="import"
      closeText="Done"
      primary={{ text: "Import", icon: "import", onClick: () => void run(), disabled: path.trim() === "", busy: importing.busy }}
      message={message}
      messageTestId="csv-import-message"
    >
      <p>
        One kind per file, told by its header row: teams, people, owners or holders (see <span className="fp-mono">docs/owners.md</span>). If any row is wrong, nothing from the file is
        imported and every problem is listed with its line.
      </p>
      <PathField label="CSV file" value={path} onChange={setPath} mode="open" dialogTitle="Import a CSV file" fileType={CSV} testId="csv-import-path" autoFocus />
    </FormDialog>
  );
}

/** Writes one kind to a CSV file a spreadsheet opens cleanly. Mounted when it opens. */
export function ExportCsvDialog({ onClose }: { readonly onClose: () => void }): React.JSX.Element {
  const kindId = useId();
  const [kind, setKind] = useState<CsvKind>("people");
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<DialogMessage>();
  const exporting = useWrite("owners.exportCsv");

  async function run(): Promise<void> {
    const result = await exporting.run({ kind, path: path.trim() });
    if (!result.ok) return setMessage(refusal(result.error.message));
    setMessage({ intent: Intent.SUCCESS, text: `Wrote ${result.value.rows} ${result.value.kind} row(s) to ${result.value.path}.` });
  }

  return (
    <FormDialog
      onClose={onClose}
      title="Export to a CSV file"
      icon="export"
      closeText="Done"
      primary={{ text: "Export", icon: "export", onClick: () => void run(), disabled: path.trim() === "", busy: exporting.busy }}
      message={message}
      messageTestId="csv-export-message"
    >
      <p>UTF-8 with a byte-order mark and CRLF line ends: it opens cleanly in a spreadsheet. Cells that a spreadsheet would run as a formula start with an apostrophe.</p>
      <FormGroup label="What" labelFor={kindId}>
        <HTMLSelect
          id={kindId}
          large
          fill
          value={kind}
          onChange={(e) => setKind(CsvKind.options.find((k) => k === e.currentTarget.value) ?? kind)}
          options={CsvKind.options.map((k) => ({ label: KIND_LABEL[k], value: k }))}
        />
      </FormGroup>
      <PathField label="Save as" value={path} onChange={setPath} mode="save" dialogTitle="Export a CSV file" defaultName={`fieldproof-${kind}.csv`} fileType={CSV} testId="csv-export-path" />
    </FormDialog>
  );
}

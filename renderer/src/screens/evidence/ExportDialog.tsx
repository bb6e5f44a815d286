import { Intent } from "@blueprintjs/core";
import { useCallback, useState } from "react";
import type { JobStatus } from "../../../../shared/contract";
import { call } from "../../api";
import { FormDialog, refusal, type DialogMessage } from "../../components/FormDialog";
import { JobProgress } from "../../components/JobProgress";
import { PathField } from "../../components/PathField";
import { useAfterWrite, useWrite } from "../../useApi";

interface Props {
  readonly onClose: () => void;
  readonly pending: number;
}

export function ExportDialog({ onClose, pending }: Props): React.JSX.Element {
  const [path, setPath] = useState("");
  const [job, setJob] = useState<JobStatus>();
  const [message, setMessage] = useState<DialogMessage>();
  const exporting = useWrite("evidence.export");
  const afterWrite = useAfterWrite();

  async function start(): Promise<void> {
    setMessage(undefined);
    const result = await exporting.run({ path: path.trim() });
    if (!result.ok) setMessage(refusal(result.error.message));
    else setJob(result.value);
  }

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      void afterWrite("evidence.export");
      if (done.state !== "done") {
        setMessage(refusal(done.error?.message ?? "The export stopped."));
        return;
      }
      void call("evidence.exportResult", { jobId: done.id }).then((r) => {
        if (!r.ok) return setMessage(refusal(r.error.message));
        setMessage({
          intent: Intent.SUCCESS,
          text: `Wrote ${r.value.records} record(s) (seq ${r.value.firstSeq}–${r.value.lastSeq}) and ${r.value.sealed} sealed secret(s) to ${r.value.path}. Give the file to IT.`,
        });
      });
    },
    [afterWrite],
  );

  return (
    <FormDialog
      onClose={onClose}
      title="Export records for IT"
      icon="export"
      closeText="Done"
      closeDisabled={job !== undefined}
      primary={{ text: "Export", icon: "export", onClick: () => void start(), disabled: path.trim() === "", busy: exporting.busy || job !== undefined }}
      message={message}
      messageTestId="export-message"
    >
      <p>
        {pending > 0 ? `${pending} record(s) are not yet held by IT.` : "IT holds every record."} The bundle carries them, a signed checkpoint over the whole log and any sealed
        secrets. Copy it to a USB stick; IT verifies it before importing.
      </p>
      <PathField
        label="Save bundle as"
        value={path}
        onChange={setPath}
        mode="save"
        dialogTitle="Save the bundle for IT"
        defaultName="fieldproof-bundle.tar"
        fileType={{ name: "Fieldproof bundle", extension: "tar" }}
        testId="export-path"
        autoFocus
      />
      {job && <JobProgress job={job} onFinished={finished} />}
    </FormDialog>
  );
}

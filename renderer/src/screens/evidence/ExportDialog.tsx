import { Button, Callout, Dialog, DialogBody, DialogFooter, Intent } from "@blueprintjs/core";
import { useCallback, useState } from "react";
import type { JobStatus } from "../../../../shared/contract";
import { call } from "../../api";
import { JobProgress } from "../../components/JobProgress";
import { PathField } from "../../components/PathField";

interface Props {
  readonly isOpen: boolean;
  readonly onClose: () => void;
  readonly onExported: () => void;
  readonly pending: number;
}

export function ExportDialog({ isOpen, onClose, onExported, pending }: Props): React.JSX.Element {
  const [path, setPath] = useState("");
  const [job, setJob] = useState<JobStatus>();
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function start(): Promise<void> {
    setMessage(undefined);
    const result = await call("evidence.export", { path: path.trim() });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setJob(result.value);
  }

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      if (done.state !== "done") {
        setMessage({ intent: Intent.DANGER, text: done.error?.message ?? "The export stopped." });
        return;
      }
      void call("evidence.exportResult", { jobId: done.id }).then((r) => {
        if (r.ok) {
          setMessage({
            intent: Intent.SUCCESS,
            text: `Wrote ${r.value.records} record(s) (seq ${r.value.firstSeq}–${r.value.lastSeq}) and ${r.value.sealed} sealed secret(s) to ${r.value.path}. Give the file to IT.`,
          });
          onExported();
        }
      });
    },
    [onExported],
  );

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Export records for IT" icon="export" canOutsideClickClose={!job}>
      <DialogBody>
        <p>
          {pending > 0 ? `${pending} record(s) are not yet held by IT.` : "IT holds every record."} The bundle carries them, a signed checkpoint over the whole log
          and any sealed secrets. Copy it to a USB stick; IT verifies it before importing.
        </p>
        <PathField
          label="Save bundle as"
          helper="A full path, for example on the USB stick."
          value={path}
          onChange={setPath}
          mode="save"
          dialogTitle="Save the bundle for IT"
          defaultName="fieldproof-bundle.tar"
          filters={[{ name: "Fieldproof bundle", extensions: ["tar"] }]}
          testId="export-path"
        />
        {job && <JobProgress job={job} onFinished={finished} />}
        {message && (
          <Callout intent={message.intent} className="fp-callout" data-testid="export-message">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} disabled={job !== undefined} />
            <Button size="large" intent={Intent.PRIMARY} icon="export" text="Export" onClick={() => void start()} disabled={path.trim() === "" || job !== undefined} />
          </>
        }
      />
    </Dialog>
  );
}

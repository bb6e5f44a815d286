import { Button, Intent, ProgressBar } from "@blueprintjs/core";
import { useEffect, useState } from "react";
import type { JobStatus } from "../../../shared/contract";
import { call } from "../api";

interface Props {
  readonly job: JobStatus;
  /** Called once when the job leaves the running state. */
  readonly onFinished: (job: JobStatus) => void;
  readonly cancellable?: boolean;
}

/** Polls a job and shows its progress; long work never freezes the window. */
export function JobProgress({ job: initial, onFinished, cancellable = false }: Props): React.JSX.Element {
  const [job, setJob] = useState(initial);
  useEffect(() => {
    let live = true;
    const timer = setInterval(() => {
      void call("jobs.status", { id: initial.id }).then((result) => {
        if (!live || !result.ok) return;
        setJob(result.value);
        if (result.value.state !== "running") {
          clearInterval(timer);
          onFinished(result.value);
        }
      });
    }, 150);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [initial.id, onFinished]);
  const fraction = job.total > 0 ? job.done / job.total : undefined;
  return (
    <div className="fp-job" role="status" aria-live="polite">
      <div className="fp-job-label">
        {job.label}
        {job.total > 0 ? ` — ${job.done} of ${job.total}` : ""}
      </div>
      <ProgressBar intent={Intent.PRIMARY} value={fraction} animate={job.state === "running"} stripes={job.state === "running"} />
      {cancellable && job.state === "running" && <Button size="large" icon="stop" text="Cancel" onClick={() => void call("jobs.cancel", { id: job.id })} />}
    </div>
  );
}

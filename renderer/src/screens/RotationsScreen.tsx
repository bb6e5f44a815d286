import { Button, Callout, Dialog, DialogBody, DialogFooter, Intent, NonIdealState } from "@blueprintjs/core";
import { useCallback, useEffect, useState } from "react";
import type { JobStatus, RotationRowView } from "../../../shared/contract";
import { call } from "../api";
import { useAppState } from "../appState";
import { JobProgress } from "../components/JobProgress";
import { ScreenHeader } from "../components/ScreenHeader";
import { hashParams } from "../routes";
import { useApi } from "../useApi";
import { RotationTable } from "./rotations/RotationTable";
import { RotationWizard } from "./rotations/RotationWizard";

export function RotationsScreen(): React.JSX.Element {
  const { refresh } = useAppState();
  const [tick, setTick] = useState(0);
  const list = useApi("rotations.list", {}, String(tick));
  const requested = hashParams(window.location.hash).get("identity") ?? undefined;
  const [wizard, setWizard] = useState(requested !== undefined);
  const [job, setJob] = useState<JobStatus>();
  const [batch, setBatch] = useState<{ batchId: string; rows: readonly RotationRowView[] }>();
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  const [reveal, setReveal] = useState<{ password: string; controllerName: string; userName: string }>();
  const reload = useCallback(() => {
    setTick((t) => t + 1);
    refresh();
  }, [refresh]);

  useEffect(() => {
    if (requested) window.history.replaceState(null, "", "#/rotations");
  }, [requested]);

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      reload();
      if (done.state === "failed") {
        setMessage({ intent: Intent.DANGER, text: done.error?.message ?? "The rotation stopped." });
        return;
      }
      if (done.kind === "rotations.resolve") {
        setMessage({ intent: Intent.SUCCESS, text: "Interrupted rotations were probed; their outcome is recorded." });
        return;
      }
      void call("rotations.batchResult", { jobId: done.id }).then((r) => {
        if (r.ok) setBatch({ batchId: r.value.batchId, rows: r.value.rotations });
      });
    },
    [reload],
  );

  async function retry(): Promise<void> {
    if (!batch) return;
    const result = await call("rotations.retryFailed", { batchId: batch.batchId });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setJob(result.value);
  }

  async function resolve(): Promise<void> {
    const result = await call("rotations.resolvePending", {});
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setJob(result.value);
  }

  async function showPassword(row: RotationRowView): Promise<void> {
    const result = await call("rotations.revealManual", { rotationId: row.rotationId });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setReveal(result.value);
  }

  async function confirm(row: RotationRowView): Promise<void> {
    const result = await call("rotations.confirmManual", { rotationId: row.rotationId });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setMessage({ intent: result.value.state === "committed" ? Intent.SUCCESS : Intent.DANGER, text: `${row.controllerName}: ${result.value.summary}` });
    reload();
  }

  const rows = list.data?.rotations ?? [];
  const pendingProbe = rows.filter((r) => r.state === "pending" && !r.needsManualChange).length;
  const failedInBatch = batch?.rows.filter((r) => r.state !== "committed" && !r.needsManualChange) ?? [];
  return (
    <section className="fp-screen">
      <ScreenHeader
        title="Rotations"
        subtitle="Change a credential, prove the new one works and the old one is rejected."
        actions={
          <>
            <Button size="large" intent={Intent.PRIMARY} icon="key" text="New rotation…" onClick={() => setWizard(true)} disabled={job !== undefined} />
            {pendingProbe > 0 && <Button size="large" intent={Intent.WARNING} icon="refresh" text={`Resolve ${pendingProbe} interrupted`} onClick={() => void resolve()} disabled={job !== undefined} />}
          </>
        }
      />
      {message && (
        <Callout intent={message.intent} data-testid="rotation-message">
          {message.text}
        </Callout>
      )}
      {job && <JobProgress job={job} onFinished={finished} cancellable />}
      {batch && (
        <Callout intent={failedInBatch.length > 0 ? Intent.WARNING : Intent.SUCCESS} title={`Batch ${batch.batchId}`} data-testid="batch-result">
          {batch.rows.filter((r) => r.state === "committed").length} of {batch.rows.length} rotated with proof.
          {failedInBatch.length > 0 && (
            <>
              {" "}
              Not done: {failedInBatch.map((r) => r.controllerName).join(", ")}. <Button intent={Intent.PRIMARY} icon="repeat" text="Retry failed" onClick={() => void retry()} />
            </>
          )}
        </Callout>
      )}
      {list.data && rows.length === 0 ? (
        <NonIdealState
          icon="key"
          title="No rotations yet"
          description="Start one here or from an identity. Rotations you start, and any left pending by an interrupted run, are listed with their proof."
          action={<Button size="large" intent={Intent.PRIMARY} icon="key" text="New rotation…" onClick={() => setWizard(true)} />}
        />
      ) : (
        <RotationTable rows={rows} onReveal={(r) => void showPassword(r)} onConfirm={(r) => void confirm(r)} />
      )}
      {wizard && (
        <RotationWizard
          isOpen
          initialIdentity={requested}
          onClose={() => setWizard(false)}
          onStarted={(started) => {
            setWizard(false);
            setBatch(undefined);
            setMessage(undefined);
            setJob(started);
          }}
        />
      )}
      <Dialog isOpen={reveal !== undefined} onClose={() => setReveal(undefined)} title="New password (recorded)" icon="eye-open">
        <DialogBody>
          <p>
            Type it into the vendor tool for <strong>{reveal?.userName}</strong> on <strong>{reveal?.controllerName}</strong>. This showing is recorded in the evidence.
          </p>
          <p className="fp-reveal" data-testid="revealed-password">
            {reveal?.password}
          </p>
        </DialogBody>
        <DialogFooter actions={<Button size="large" intent={Intent.PRIMARY} text="Hide" onClick={() => setReveal(undefined)} />} />
      </Dialog>
    </section>
  );
}

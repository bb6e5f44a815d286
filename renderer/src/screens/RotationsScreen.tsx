import { Button, Callout, Intent, NonIdealState, Tag } from "@blueprintjs/core";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { ControllerOutcome, JobStatus, RotationRowView } from "../../../shared/contract";
import { call } from "../api";
import { FormDialog } from "../components/FormDialog";
import { JobProgress } from "../components/JobProgress";
import { ScreenHeader } from "../components/ScreenHeader";
import { hashParams } from "../routes";
import { useAfterWrite, useApi, useWrite } from "../useApi";
import { HandoverPanel } from "./rotations/HandoverPanel";
import { RetryDialog } from "./rotations/RetryDialog";
import type { RotatedAccount } from "./rotations/RotationFields";
import { RotationTable } from "./rotations/RotationTable";
import { RotationWizard } from "./rotations/RotationWizard";

interface Batch {
  readonly batchId: string;
  readonly account: RotatedAccount;
  /** Every controller of the batch, also those refused before anything was recorded. */
  readonly results: readonly ControllerOutcome[];
  /** Current holders of a shared account who still have to receive its new password. */
  readonly handOverTo: readonly string[];
}

/** Solid tags for what needs the technician again, a minimal one for a manual step waiting (a solid blue tag reads as a button). */
const OUTCOME: Record<ControllerOutcome["state"], { text: string; intent: Intent; minimal: boolean }> = {
  committed: { text: "rotated", intent: Intent.SUCCESS, minimal: true },
  "pending-manual": { text: "manual step waiting", intent: Intent.PRIMARY, minimal: true },
  pending: { text: "interrupted", intent: Intent.WARNING, minimal: false },
  failed: { text: "failed", intent: Intent.DANGER, minimal: false },
  refused: { text: "not changed", intent: Intent.DANGER, minimal: false },
};

/** Not done and worth trying again (a manual change waits for the technician instead). */
const RETRYABLE: ReadonlySet<ControllerOutcome["state"]> = new Set(["failed", "refused", "pending"]);

export function RotationsScreen(): React.JSX.Element {
  const list = useApi("rotations.list", {});
  const tree = useApi("plant.tree", {});
  const requested = hashParams(window.location.hash).get("identity") ?? undefined;
  const [wizard, setWizard] = useState(requested !== undefined);
  const [retrying, setRetrying] = useState<{ batchId: string; account: RotatedAccount; notDone: number }>();
  const [revealed, setRevealed] = useState<ReadonlySet<string>>(new Set());
  const [job, setJob] = useState<JobStatus>();
  const [account, setAccount] = useState<RotatedAccount>();
  const [batch, setBatch] = useState<Batch>();
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  const [reveal, setReveal] = useState<{ password: string; controllerName: string; userName: string }>();
  const resolving = useWrite("rotations.resolvePending");
  const revealing = useWrite("rotations.revealManual");
  const confirming = useWrite("rotations.confirmManual");
  const afterWrite = useAfterWrite();

  useEffect(() => {
    if (requested) window.history.replaceState(null, "", "#/rotations");
  }, [requested]);

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      if (done.kind === "rotations.resolve") {
        void afterWrite("rotations.resolvePending");
        if (done.state === "failed") setMessage({ intent: Intent.DANGER, text: done.error?.message ?? "Resolving stopped." });
        else setMessage({ intent: Intent.SUCCESS, text: "Interrupted rotations were probed; their outcome is recorded." });
        return;
      }
      void afterWrite("rotations.start");
      if (done.state === "failed") {
        setMessage({ intent: Intent.DANGER, text: done.error?.message ?? "The rotation stopped." });
        return;
      }
      void call("rotations.batchResult", { jobId: done.id }).then((r) => {
        if (!r.ok) return setMessage({ intent: Intent.DANGER, text: r.error.message });
        if (account) setBatch({ batchId: r.value.batchId, account, results: r.value.results, handOverTo: r.value.handOverTo });
      });
    },
    [account, afterWrite],
  );

  async function resolve(): Promise<void> {
    const result = await resolving.run({});
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setJob(result.value);
  }

  async function showPassword(row: RotationRowView): Promise<void> {
    const result = await revealing.run({ rotationId: row.rotationId });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else {
      setReveal(result.value);
      setRevealed((seen) => new Set([...seen, row.rotationId]));
    }
  }

  async function confirm(row: RotationRowView): Promise<void> {
    const result = await confirming.run({ rotationId: row.rotationId });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else setMessage({ intent: result.value.state === "committed" ? Intent.SUCCESS : result.value.state === "pending" ? Intent.WARNING : Intent.DANGER, text: `${row.controllerName}: ${result.value.summary}` });
  }

  /** A failed row: retry where its batch did not finish (asks the current password and approval again). */
  function retryRow(row: RotationRowView): void {
    if (!row.batchId) return;
    const notDone = new Set(rows.filter((r) => r.batchId === row.batchId && r.state !== "committed" && !r.needsManualChange).map((r) => r.controllerId)).size;
    setRetrying({ batchId: row.batchId, account: { identityId: row.identityId, userName: row.userName }, notDone: Math.max(notDone, 1) });
  }

  const rows = list.data?.rotations ?? [];
  // A refused controller has no rotation row: its name comes from the plant.
  const names = useMemo(() => new Map((tree.data?.controllers ?? []).map((c) => [c.id, c.name])), [tree.data]);
  const pendingProbe = rows.filter((r) => r.state === "pending" && !r.needsManualChange).length;
  const committed = batch?.results.filter((r) => r.state === "committed").length ?? 0;
  const notDone = batch?.results.filter((r) => r.state !== "committed") ?? [];
  const retryable = notDone.filter((r) => RETRYABLE.has(r.state));
  return (
    <section className="fp-screen">
      <ScreenHeader
        title="Rotations"
        subtitle="Change a credential, prove the new one works and the old one is rejected."
        actions={
          <>
            <Button size="large" intent={Intent.PRIMARY} icon="key" text="New rotation…" onClick={() => setWizard(true)} disabled={job !== undefined} />
            {pendingProbe > 0 && <Button size="large" intent={Intent.WARNING} icon="refresh" text={`Resolve ${pendingProbe} interrupted`} onClick={() => void resolve()} loading={resolving.busy} disabled={job !== undefined} />}
          </>
        }
      />
      {message && (
        <Callout intent={message.intent} className="fp-callout" data-testid="rotation-message">
          {message.text}
        </Callout>
      )}
      {job && <JobProgress job={job} onFinished={finished} cancellable />}
      {batch && (
        <Callout intent={retryable.length > 0 ? Intent.WARNING : Intent.SUCCESS} title={`Rotation of ${batch.account.userName}`} className="fp-callout" data-testid="batch-result">
          <p>
            {committed} of {batch.results.length} rotated with proof.
          </p>
          {notDone.length > 0 && (
            <ul className="fp-batch-outcomes" aria-label="Controllers not rotated yet">
              {notDone.map((r) => (
                <li key={r.controllerId} data-testid={`batch-outcome-${r.controllerId}`}>
                  <strong>{names.get(r.controllerId) ?? rows.find((row) => row.controllerId === r.controllerId)?.controllerName ?? r.controllerId}</strong>{" "}
                  <Tag intent={OUTCOME[r.state].intent} minimal={OUTCOME[r.state].minimal} size="large">
                    {OUTCOME[r.state].text}
                  </Tag>{" "}
                  {r.message}
                </li>
              ))}
            </ul>
          )}
          {batch.handOverTo.length > 0 && (
            <p data-testid="batch-hand-over">
              Hand over to: <strong>{batch.handOverTo.join(", ")}</strong> (below).
            </p>
          )}
          {retryable.length > 0 && (
            <Button
              size="large"
              intent={Intent.PRIMARY}
              icon="repeat"
              text={`Retry failed on ${retryable.length} controller${retryable.length === 1 ? "" : "s"}…`}
              onClick={() => setRetrying({ batchId: batch.batchId, account: batch.account, notDone: retryable.length })}
              disabled={job !== undefined}
            />
          )}
        </Callout>
      )}
      <HandoverPanel />
      {list.error && <Callout intent={Intent.DANGER}>{list.error.message}</Callout>}
      {list.data && rows.length === 0 ? (
        <NonIdealState
          icon="key"
          title="No rotations yet"
          description="Start one here or from an identity. Rotations you start, and any left pending by an interrupted run, are listed with their proof."
          action={<Button size="large" intent={Intent.PRIMARY} icon="key" text="New rotation…" onClick={() => setWizard(true)} />}
        />
      ) : (
        <RotationTable rows={rows} revealed={revealed} onReveal={(r) => void showPassword(r)} onConfirm={(r) => void confirm(r)} onRetry={job === undefined ? retryRow : undefined} busy={revealing.busy || confirming.busy} />
      )}
      {wizard && (
        <RotationWizard
          initialIdentity={requested}
          onClose={() => setWizard(false)}
          onStarted={(started, rotated) => {
            setWizard(false);
            setBatch(undefined);
            setMessage(undefined);
            setAccount(rotated);
            setJob(started);
          }}
        />
      )}
      {retrying && (
        <RetryDialog
          batchId={retrying.batchId}
          account={retrying.account}
          notDone={retrying.notDone}
          onClose={() => setRetrying(undefined)}
          onStarted={(started) => {
            setAccount(retrying.account);
            setRetrying(undefined);
            setBatch(undefined);
            setMessage(undefined);
            setJob(started);
          }}
        />
      )}
      {reveal && (
        <FormDialog onClose={() => setReveal(undefined)} title="New password (recorded)" icon="eye-open" closeText="Hide">
          <p>
            Type it into the vendor tool for <strong>{reveal.userName}</strong> on <strong>{reveal.controllerName}</strong>. This showing is recorded in the evidence.
          </p>
          <p className="fp-reveal" data-testid="revealed-password">
            {reveal.password}
          </p>
        </FormDialog>
      )}
    </section>
  );
}

import { Button, Callout, Intent, NonIdealState } from "@blueprintjs/core";
import { useCallback, useState } from "react";
import type { JobStatus, RequestOf, ScanOutcome } from "../../../shared/contract";
import { call } from "../api";
import { JobProgress } from "../components/JobProgress";
import { ScreenHeader } from "../components/ScreenHeader";
import { useAfterWrite, useApi, useWrite } from "../useApi";
import { ControllerDetail } from "./plant/ControllerDetail";
import { ControllerList } from "./plant/ControllerList";
import { DefaultCheckDialog } from "./plant/DefaultCheckDialog";
import { PlantFileDialog } from "./plant/PlantFileDialog";
import { ScanResults } from "./plant/ScanResults";
import { TargetsDialog } from "./plant/TargetsDialog";

export function PlantScreen(): React.JSX.Element {
  const tree = useApi("plant.tree", {});
  const [selected, setSelected] = useState<string>();
  const [job, setJob] = useState<JobStatus>();
  const [outcomes, setOutcomes] = useState<readonly ScanOutcome[]>();
  const [error, setError] = useState<string>();
  const [dialog, setDialog] = useState<"file" | "targets" | "defaults">();
  const demo = useWrite("demo.start");
  const trust = useWrite("plant.trust");
  const startScan = useWrite("plant.scan");
  const afterWrite = useAfterWrite();
  const controllers = tree.data?.controllers ?? [];

  async function scan(request: RequestOf<"plant.scan">): Promise<void> {
    setError(undefined);
    setOutcomes(undefined);
    const result = await startScan.run(request);
    if (!result.ok) setError(result.error.message);
    else setJob(result.value);
  }

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      void afterWrite("plant.scan");
      if (done.state === "failed") {
        setError(done.error?.message ?? "The scan failed.");
        return;
      }
      void call("plant.scanResult", { jobId: done.id }).then((r) => {
        if (r.ok) setOutcomes(r.value.outcomes);
        else setError(r.error.message);
      });
    },
    [afterWrite],
  );

  async function trustAll(awaiting: readonly ScanOutcome[]): Promise<void> {
    for (const o of awaiting) {
      if (!o.certificate) continue;
      const result = await trust.run({ controllerId: o.controllerId, thumbprintSha256: o.certificate.thumbprintSha256, decision: "trust", note: "Trusted by the technician from the scan results." });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
    }
    await scan({ controllerIds: awaiting.map((o) => o.controllerId) });
  }

  async function startDemo(): Promise<void> {
    setError(undefined);
    const result = await demo.run({ controllers: 5 });
    if (!result.ok) setError(result.error.message);
  }

  const busy = job !== undefined || demo.busy || startScan.busy || trust.busy;
  return (
    <section className="fp-screen">
      <ScreenHeader
        title="Plant"
        subtitle={tree.data?.site ? `${tree.data.site.name}: ${controllers.length} controller(s)` : "Site, areas, lines and cells with the controllers on them and their security posture."}
        actions={
          <>
            <Button size="large" intent={Intent.PRIMARY} icon="search" text="Scan all" disabled={busy || controllers.length === 0} onClick={() => void scan({})} />
            <Button size="large" icon="document-open" text="Load plant file…" disabled={busy} onClick={() => setDialog("file")} />
            <Button size="large" icon="satellite" text="Scan endpoints…" disabled={busy} onClick={() => setDialog("targets")} />
            <Button size="large" icon="key" text="Check factory passwords…" disabled={busy || controllers.length === 0} onClick={() => setDialog("defaults")} data-testid="default-check-open" />
          </>
        }
      />
      {error && (
        <Callout intent={Intent.DANGER} icon="error" data-testid="plant-error">
          {error}
        </Callout>
      )}
      {job && <JobProgress job={job} onFinished={finished} cancellable />}
      {outcomes && <ScanResults outcomes={outcomes} onTrustAll={(a) => void trustAll(a)} />}
      {tree.data && controllers.length === 0 ? (
        <NonIdealState
          icon="diagram-tree"
          title="No controllers yet"
          description="Start the demo plant to try Fieldproof against five simulated controllers on this laptop, load your plant file, or scan endpoints on the bay."
          action={
            <div className="fp-button-row">
              <Button size="large" intent={Intent.PRIMARY} icon="play" text="Start the demo plant" loading={demo.busy} onClick={() => void startDemo()} />
              <Button size="large" icon="document-open" text="Load a plant file…" onClick={() => setDialog("file")} />
            </div>
          }
        />
      ) : (
        <div className="fp-split">
          <div className="fp-split-main">
            <ControllerList controllers={controllers} selected={selected} onSelect={setSelected} />
          </div>
          <aside className="fp-split-side" aria-label="Controller detail">
            <ControllerDetail controller={controllers.find((c) => c.id === selected)} />
          </aside>
        </div>
      )}
      {dialog === "file" && <PlantFileDialog onClose={() => setDialog(undefined)} />}
      {dialog === "defaults" && <DefaultCheckDialog onClose={() => setDialog(undefined)} />}
      {dialog === "targets" && <TargetsDialog onClose={() => setDialog(undefined)} onScan={(targets, ports) => void scan({ targets, ports })} />}
    </section>
  );
}

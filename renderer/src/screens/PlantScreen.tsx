import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, InputGroup, Intent, NonIdealState, TextArea } from "@blueprintjs/core";
import { useCallback, useState } from "react";
import type { JobStatus, ScanOutcome } from "../../../shared/contract";
import { call } from "../api";
import { useAppState } from "../appState";
import { JobProgress } from "../components/JobProgress";
import { PathField } from "../components/PathField";
import { ScreenHeader } from "../components/ScreenHeader";
import { useApi } from "../useApi";
import { ControllerDetail } from "./plant/ControllerDetail";
import { ControllerList } from "./plant/ControllerList";
import { DefaultCheckDialog } from "./plant/DefaultCheckDialog";
import { ScanResults } from "./plant/ScanResults";

export function PlantScreen(): React.JSX.Element {
  const { refresh } = useAppState();
  const [tick, setTick] = useState(0);
  const tree = useApi("plant.tree", {}, String(tick));
  const [selected, setSelected] = useState<string>();
  const [job, setJob] = useState<JobStatus>();
  const [outcomes, setOutcomes] = useState<readonly ScanOutcome[]>();
  const [error, setError] = useState<string>();
  const [dialog, setDialog] = useState<"file" | "targets" | "defaults">();
  const [demoStarting, setDemoStarting] = useState(false);
  const controllers = tree.data?.controllers ?? [];
  const reload = useCallback(() => {
    setTick((t) => t + 1);
    refresh();
  }, [refresh]);

  async function scan(request: { controllerIds?: string[]; targets?: string[]; ports?: number[]; trustNewCertificates?: boolean }): Promise<void> {
    setError(undefined);
    setOutcomes(undefined);
    const result = await call("plant.scan", request);
    if (!result.ok) setError(result.error.message);
    else setJob(result.value);
  }

  const finished = useCallback(
    (done: JobStatus) => {
      setJob(undefined);
      reload();
      if (done.state === "failed") {
        setError(done.error?.message ?? "The scan failed.");
        return;
      }
      void call("plant.scanResult", { jobId: done.id }).then((r) => {
        if (r.ok) setOutcomes(r.value.outcomes);
      });
    },
    [reload],
  );

  async function trustAll(awaiting: readonly ScanOutcome[]): Promise<void> {
    for (const o of awaiting) {
      if (!o.certificate) continue;
      const result = await call("plant.trust", { controllerId: o.controllerId, thumbprintSha256: o.certificate.thumbprintSha256, decision: "trust", note: "Trusted by the technician from the scan results." });
      if (!result.ok) {
        setError(result.error.message);
        return;
      }
    }
    await scan({ controllerIds: awaiting.map((o) => o.controllerId) });
  }

  async function startDemo(): Promise<void> {
    setDemoStarting(true);
    setError(undefined);
    const result = await call("demo.start", { controllers: 5 });
    setDemoStarting(false);
    if (!result.ok) setError(result.error.message);
    reload();
  }

  const busy = job !== undefined || demoStarting;
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
              <Button size="large" intent={Intent.PRIMARY} icon="play" text="Start the demo plant" loading={demoStarting} onClick={() => void startDemo()} />
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
            <ControllerDetail controller={controllers.find((c) => c.id === selected)} onChanged={reload} />
          </aside>
        </div>
      )}
      <PlantFileDialog isOpen={dialog === "file"} onClose={() => setDialog(undefined)} onLoaded={reload} />
      <DefaultCheckDialog isOpen={dialog === "defaults"} onClose={() => setDialog(undefined)} onChecked={reload} />
      <TargetsDialog isOpen={dialog === "targets"} onClose={() => setDialog(undefined)} onScan={(targets, ports) => void scan({ targets, ports })} />
    </section>
  );
}

function PlantFileDialog({ isOpen, onClose, onLoaded }: { readonly isOpen: boolean; readonly onClose: () => void; readonly onLoaded: () => void }): React.JSX.Element {
  const [path, setPath] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  async function load(): Promise<void> {
    const result = await call("plant.importFile", { path: path.trim() });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({ intent: Intent.SUCCESS, text: `Loaded ${result.value.controllers} controller(s) of ${result.value.site}; ${result.value.logins} login(s) stored encrypted.` });
    onLoaded();
  }
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Load a plant file" icon="document-open">
      <DialogBody>
        <PathField label="Plant file" helper="JSON with the site, its controllers and their endpoints." value={path} onChange={setPath} mode="open" dialogTitle="Open a plant file" filters={[{ name: "Plant file", extensions: ["json"] }]} testId="plant-file-path" />
        {message && (
          <Callout intent={message.intent} className="fp-callout">
            {message.text}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Done" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} text="Load" disabled={path.trim() === ""} onClick={() => void load()} />
          </>
        }
      />
    </Dialog>
  );
}

function TargetsDialog({ isOpen, onClose, onScan }: { readonly isOpen: boolean; readonly onClose: () => void; readonly onScan: (targets: string[], ports: number[]) => void }): React.JSX.Element {
  const [targets, setTargets] = useState("");
  const [ports, setPorts] = useState("4840");
  const portList = ports.split(/[\s,]+/).filter(Boolean).map(Number);
  const portsOk = portList.length > 0 && portList.every((p) => Number.isInteger(p) && p >= 1 && p <= 65535);
  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Scan endpoints" icon="satellite">
      <DialogBody>
        <FormGroup label="Hosts, ranges or URLs" labelFor="scan-targets" helperText="One per line: 10.4.2.10-40, plc-7.line2.local, opc.tcp://10.4.2.5:4840">
          <TextArea id="scan-targets" fill rows={5} value={targets} onChange={(e) => setTargets(e.target.value)} />
        </FormGroup>
        <FormGroup label="Ports" labelFor="scan-ports" helperText="Comma separated" intent={portsOk ? Intent.NONE : Intent.DANGER}>
          <InputGroup id="scan-ports" size="large" value={ports} onValueChange={setPorts} />
        </FormGroup>
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button
              size="large"
              intent={Intent.PRIMARY}
              icon="search"
              text="Scan"
              disabled={targets.trim() === "" || !portsOk}
              onClick={() => {
                onScan(targets.split("\n").map((t) => t.trim()).filter(Boolean), portList);
                onClose();
              }}
            />
          </>
        }
      />
    </Dialog>
  );
}

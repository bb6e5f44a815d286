import { Button, ButtonGroup, Callout, Card, HTMLTable, Intent, NonIdealState, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { ScreenHeader } from "../components/ScreenHeader";
import { kindLabel } from "../recordKinds";
import { refusalText } from "../syncText";
import { useApi, useWrite } from "../useApi";
import { ExportDialog } from "./evidence/ExportDialog";
import { ReceiptDialog } from "./evidence/ReceiptDialog";
import { RecordDetailPanel } from "./evidence/RecordDetailPanel";
import { formatDateTime, formatDateTimeSeconds } from "../format";

const PAGE = 50;

export function EvidenceScreen(): React.JSX.Element {
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<number>();
  const [dialog, setDialog] = useState<"export" | "receipt">();
  const summary = useApi("evidence.summary", {});
  const page = useApi("evidence.records", { offset, limit: PAGE }, { keepPrevious: true });
  const s = summary.data;
  const sync = useApi("sync.status", {});
  const syncNow = useWrite("sync.now");
  const [syncError, setSyncError] = useState<string>();

  async function runSync(): Promise<void> {
    setSyncError(undefined);
    const result = await syncNow.run({});
    if (!result.ok) setSyncError(result.error.message);
    else if (result.value.state === "unreachable" || result.value.state === "refused") setSyncError(result.value.message ?? refusalText(result.value.reason));
  }

  return (
    <section className="fp-screen">
      <ScreenHeader
        title="Evidence"
        subtitle="Signed, chained change records, their export for IT, and IT's receipts."
        actions={
          <>
            <Button
              size="large"
              icon="refresh"
              text="Sync now"
              loading={syncNow.busy}
              disabled={!sync.data || sync.data.state === "off"}
              title={sync.data?.state === "off" ? "Set IT's collector address in Settings first" : `Send what IT has not receipted to ${sync.data?.collectorUrl ?? "the collector"}`}
              onClick={() => void runSync()}
              data-testid="sync-now"
            />
            <Button size="large" intent={Intent.PRIMARY} icon="export" text="Export for IT…" onClick={() => setDialog("export")} disabled={!s || s.records === 0} />
            <Button size="large" icon="import" text="Import receipt…" onClick={() => setDialog("receipt")} disabled={!s} />
          </>
        }
      />
      {summary.error && <Callout intent={Intent.DANGER}>{summary.error.message}</Callout>}
      {syncError && (
        <Callout intent={Intent.WARNING} className="fp-callout" title="Not synced" data-testid="sync-message">
          {syncError}
        </Callout>
      )}
      {s && (
        <div className="fp-summary-cards">
          <Card className="fp-card" aria-label="This laptop">
            <div className="fp-card-kicker">This laptop</div>
            <div className="fp-card-value">{s.device.name}</div>
            <div className="fp-mono fp-fingerprint" data-testid="device-fingerprint" title="Compare with what IT sees when enrolling this laptop">
              {s.device.fingerprint ?? "key not created yet"}
            </div>
            <div className="fp-card-note">Key protected by {s.device.protector === "safeStorage" ? "the OS keychain" : s.device.protector === "passphrase" ? "a passphrase" : "—"}</div>
          </Card>
          <Card className="fp-card" aria-label="Records">
            <div className="fp-card-kicker">Not yet held by IT</div>
            <div className="fp-card-value" data-testid="records-since-receipt">
              {s.recordsSinceReceipt} <span className="fp-card-unit">of {s.records} records</span>
            </div>
            <div className="fp-card-note">
              Last export: {s.lastExport ? `${formatDateTime(s.lastExport.createdAt)} (seq ${s.lastExport.firstSeq}–${s.lastExport.lastSeq})` : "never"}
            </div>
          </Card>
          <Card className="fp-card" aria-label="IT">
            <div className="fp-card-kicker">IT</div>
            <div className="fp-card-value">{s.lastReceipt ? `Holds 0–${s.lastReceipt.treeSize - 1}` : "No receipt yet"}</div>
            <div className="fp-card-note">{s.lastReceipt ? `Cosigned ${formatDateTime(s.lastReceipt.cosignedAt)}` : "Export, let IT import, then import its receipt."}</div>
            {s.itTrust ? (
              <div className="fp-card-note fp-mono">IT key {s.itTrust.fingerprint}</div>
            ) : (
              <Tag intent={Intent.WARNING} size="large" minimal icon="warning-sign">
                No IT key trusted: install it-public.json in Settings
              </Tag>
            )}
          </Card>
        </div>
      )}
      <div className="fp-split">
        <div className="fp-split-main">
          {page.data && page.data.total === 0 ? (
            <NonIdealState icon="shield" title="No records yet" description="Every change you make or observe becomes a signed record here first." />
          ) : (
            <>
              <HTMLTable className="fp-table" striped interactive compact={false} aria-label="Journal records">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">UTC</th>
                    <th scope="col">What</th>
                    <th scope="col">Subject</th>
                    <th scope="col">By</th>
                    <th scope="col">IT</th>
                  </tr>
                </thead>
                <tbody>
                  {page.data?.records.map((r) => (
                    <tr key={r.seq} className={r.seq === selected ? "fp-row-selected" : undefined} onClick={() => setSelected(r.seq)}>
                      <td>
                        <Button variant="minimal" text={String(r.seq)} aria-label={`Show record ${r.seq}`} aria-pressed={r.seq === selected} onClick={() => setSelected(r.seq)} />
                      </td>
                      <td className="fp-nowrap" title={r.recordedAt}>
                        {formatDateTimeSeconds(r.recordedAt)}
                      </td>
                      <td>{kindLabel(r.kind)}</td>
                      <td className="fp-ellipsis" title={r.subject}>
                        {r.subject.replace(/^fieldproof:/, "")}
                      </td>
                      <td>{r.technician ?? "—"}</td>
                      <td>
                        {r.receipted ? (
                          <Tag intent={Intent.SUCCESS} minimal icon="tick" aria-label="held by IT">
                            held
                          </Tag>
                        ) : (
                          <Tag minimal aria-label="not yet held by IT">
                            new
                          </Tag>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </HTMLTable>
              {page.data && page.data.total > PAGE && (
                <ButtonGroup className="fp-pager">
                  <Button icon="chevron-left" text="Newer" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))} />
                  <Button disabled text={`${offset + 1}–${Math.min(offset + PAGE, page.data.total)} of ${page.data.total}`} />
                  <Button endIcon="chevron-right" text="Older" disabled={offset + PAGE >= page.data.total} onClick={() => setOffset(offset + PAGE)} />
                </ButtonGroup>
              )}
            </>
          )}
        </div>
        <aside className="fp-split-side" aria-label="Record detail">
          <RecordDetailPanel seq={selected} />
        </aside>
      </div>
      {dialog === "export" && <ExportDialog onClose={() => setDialog(undefined)} pending={s?.recordsSinceReceipt ?? 0} />}
      {dialog === "receipt" && <ReceiptDialog onClose={() => setDialog(undefined)} />}
    </section>
  );
}

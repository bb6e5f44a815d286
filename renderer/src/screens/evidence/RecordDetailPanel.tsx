import { Callout, H3, Intent, NonIdealState, Tag } from "@blueprintjs/core";
import { useApi } from "../../useApi";
import { kindLabel } from "../../recordKinds";
import { formatDateTimeSeconds } from "../../format";

export function RecordDetailPanel({ seq }: { readonly seq: number | undefined }): React.JSX.Element {
  const detail = useApi("evidence.record", seq === undefined ? null : { seq });
  if (seq === undefined) return <NonIdealState icon="document" title="Select a record" description="Its statement, signatures and place in the chain appear here." />;
  if (detail.error) return <Callout intent={Intent.DANGER}>{detail.error.message}</Callout>;
  const d = detail.data;
  if (!d) return <p aria-busy="true">Loading…</p>;
  return (
    <div className="fp-record-detail" data-testid="record-detail">
      <H3 className="fp-detail-title">
        #{d.seq} {kindLabel(d.kind)}
      </H3>
      <dl className="fp-facts">
        <dt>Kind</dt>
        <dd>{d.kind}</dd>
        <dt>Recorded</dt>
        <dd title={new Date(d.recordedAt).toISOString()}>{formatDateTimeSeconds(d.recordedAt)}</dd>
        <dt>Chain</dt>
        <dd>
          seq {d.seq}, prev {short(d.prev)}
        </dd>
        <dt>Payload</dt>
        <dd>{short(d.payloadHash)}</dd>
        <dt>IT holds it</dt>
        <dd>{d.receipted ? "yes (receipted)" : "not yet"}</dd>
      </dl>
      <h4 className="fp-subheading">Signatures</h4>
      <ul className="fp-signatures">
        {d.signatures.map((s) => (
          <li key={s.keyid}>
            <Tag intent={s.verified ? Intent.SUCCESS : Intent.DANGER} icon={s.verified ? "tick" : "cross"} size="large" minimal>
              {s.verified ? "verified" : "NOT verified"}
            </Tag>{" "}
            {s.signer} <span className="fp-mono">{s.keyid.slice(0, 16)}…</span>
          </li>
        ))}
      </ul>
      <h4 className="fp-subheading">Statement (in-toto)</h4>
      <pre className="fp-json" tabIndex={0} aria-label="Signed statement">
        {d.statementJson}
      </pre>
    </div>
  );
}

function short(hash: string): string {
  return hash.length > 24 ? `${hash.slice(0, 19)}…${hash.slice(-6)}` : hash;
}

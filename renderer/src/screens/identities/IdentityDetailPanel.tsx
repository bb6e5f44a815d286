import { Button, Callout, H3, Intent, NonIdealState, Tag } from "@blueprintjs/core";
import { useState } from "react";
import type { IdentityDetail } from "../../../../shared/contract";
import { FindingList } from "../../components/FindingList";
import { useApi } from "../../useApi";
import { ReuseCheckDialog } from "./ReuseCheckDialog";
import { formatDate, formatDateTime } from "../../format";

interface Props {
  readonly id: string | undefined;
  readonly onRotate: (id: string) => void;
  readonly attribution?: (detail: IdentityDetail) => React.ReactNode;
}

/** One identity: who owns it and why, who holds it, where it lives, what is wrong with it. */
export function IdentityDetailPanel({ id, onRotate, attribution }: Props): React.JSX.Element {
  const [reuse, setReuse] = useState(false);
  const detail = useApi("identities.get", id ? { id } : null);
  if (!id) return <NonIdealState icon="id-number" title="Select an identity" description="Owner, holders, uses, controllers and findings appear here." />;
  if (detail.error) return <Callout intent={Intent.DANGER}>{detail.error.message}</Callout>;
  const d = detail.data;
  if (!d) return <p aria-busy="true">Loading…</p>;
  return (
    <div className="fp-identity-detail" data-testid="identity-detail">
      <H3 className="fp-detail-title">
        {d.row.controllerName ?? d.row.name} <Tag minimal>{d.row.kind}</Tag>
      </H3>
      {d.row.controllerName && (
        <p className="fp-card-note fp-break-all" data-testid="identity-uri">
          {d.row.name}
        </p>
      )}
      {d.row.kind === "user" && (
        <div className="fp-button-row">
          <Button size="large" intent={Intent.PRIMARY} icon="key" text="Rotate…" onClick={() => onRotate(d.row.id)} />
          <Button size="large" icon="search" text="Where does a password work?" onClick={() => setReuse(true)} />
        </div>
      )}
      {reuse && <ReuseCheckDialog identityId={d.row.id} name={d.row.name} onClose={() => setReuse(false)} />}
      <h4 className="fp-subheading">Findings</h4>
      {d.findings.length === 0 ? (
        <p className="fp-card-note">None.</p>
      ) : (
        <FindingList findings={d.findings} testId="identity-findings" />
      )}
      <h4 className="fp-subheading">Attribution</h4>
      <dl className="fp-facts" data-testid="attribution">
        <dt>Owner</dt>
        <dd>
          {d.owner.name ?? <Tag intent={Intent.WARNING} minimal>{d.owner.status}</Tag>}{" "}
          <span className="fp-card-note" data-testid="owner-source">
            ({d.owner.why})
          </span>
        </dd>
        <dt>Purpose</dt>
        <dd>{d.owner.purpose || "—"}</dd>
        <dt>Scope</dt>
        <dd>{d.owner.scope || "—"}</dd>
        <dt>Expires</dt>
        <dd>{formatDate(d.owner.expiresAt)}</dd>
        {!attribution && (
          <>
            <dt>Holders</dt>
            <dd>
              {d.holders.length === 0
                ? "none recorded"
                : d.holders.map((h) => (
                    <div key={h.personId}>
                      {h.name} <span className="fp-card-note">since {formatDate(h.since)}</span>
                      {(h.removedAt ?? h.leftAt) && (
                        <Tag minimal intent={Intent.WARNING}>
                          left {formatDate(h.removedAt ?? h.leftAt)}
                        </Tag>
                      )}
                    </div>
                  ))}
            </dd>
          </>
        )}
        <dt>Last rotated</dt>
        <dd>{formatDate(d.row.lastRotatedAt, "never (by Fieldproof)")}</dd>
        <dt>Due</dt>
        <dd>{d.row.due ? `${formatDate(d.row.due.date)}: ${d.row.due.why}` : "—"}</dd>
      </dl>
      {attribution?.(d)}
      <h4 className="fp-subheading">Lives on {d.controllers.length} controller(s)</h4>
      <ul className="fp-changes">
        {d.controllers.map((c) => (
          <li key={c.id}>
            <strong>{c.name}</strong> <span className="fp-card-note">{c.line} › {c.cell}</span> {c.roles.length > 0 && <span className="fp-card-note">· {c.roles.join(", ")}</span>}
            {c.disabled && <Tag minimal>disabled</Tag>}
          </li>
        ))}
      </ul>
      {d.uses.length > 0 && (
        <>
          <h4 className="fp-subheading">Recorded uses</h4>
          <ul className="fp-changes">
            {d.uses.map((u, i) => (
              <li key={i}>
                {u.personName} on {u.controllerId} for {u.workOrder}, {formatDateTime(u.from)}
                {u.to ? `–${u.to.slice(11, 16)}` : ""} {u.breakGlass && <Tag intent={Intent.WARNING} minimal>break-glass</Tag>}
              </li>
            ))}
          </ul>
        </>
      )}
      {d.description && (
        <>
          <h4 className="fp-subheading">Description on the controller</h4>
          <p>{d.description}</p>
        </>
      )}
    </div>
  );
}

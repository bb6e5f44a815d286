import { Button, Callout, H3, Intent, NonIdealState } from "@blueprintjs/core";
import { useState } from "react";
import type { ControllerSummary } from "../../../../shared/contract";
import { FindingList } from "../../components/FindingList";
import { useWrite } from "../../useApi";
import { DeclareAccountDialog } from "./DeclareAccountDialog";
import { formatDate, formatDateTime } from "../../format";

interface Props {
  readonly controller: ControllerSummary | undefined;
}

export function ControllerDetail({ controller: c }: Props): React.JSX.Element {
  const [error, setError] = useState<string>();
  const [declaring, setDeclaring] = useState(false);
  const trust = useWrite("plant.trust");
  if (!c) return <NonIdealState icon="select" title="Select a controller" description="Its endpoint, certificate, findings and what changed since the last visit appear here." />;

  async function decide(decision: "trust" | "reject"): Promise<void> {
    if (!c?.observedThumbprint) return;
    const result = await trust.run({ controllerId: c.id, thumbprintSha256: c.observedThumbprint, decision, note: decision === "trust" ? "Thumbprint checked by the technician on the Plant screen." : "Refused by the technician." });
    if (!result.ok) setError(result.error.message);
    else setError(undefined);
  }

  return (
    <div className="fp-controller-detail" data-testid="controller-detail">
      <H3 className="fp-detail-title">{c.name}</H3>
      <dl className="fp-facts">
        <dt>Where</dt>
        <dd>
          {c.area} › {c.line} › {c.cell}
        </dd>
        <dt>What</dt>
        <dd>
          {c.kind.toUpperCase()} · {c.vendor} {c.model}
        </dd>
        <dt>Endpoint</dt>
        <dd>{c.endpointUrl}</dd>
        <dt>Last visit</dt>
        <dd data-testid="controller-last-visit">
          {formatDateTime(c.lastObservedAt, "never scanned")}
          {c.notReachedAt && ` · not reached on ${formatDateTime(c.notReachedAt)}`}
        </dd>
        <dt>Accounts</dt>
        <dd data-testid="controller-accounts">
          {c.accountsListable === false ? "the controller cannot list them" : c.accounts === null ? "not read" : c.accounts}
          {c.declaredAccounts.length > 0 && ` · declared: ${c.declaredAccounts.join(", ")}`}
        </dd>
        <dt>Part 18</dt>
        <dd>{c.part18 === null ? "unknown" : c.part18 ? "yes: passwords can be rotated over OPC UA" : "no: manual rotation in the vendor tool"}</dd>
      </dl>

      {c.accountsListable === false && (
        <Callout intent={Intent.PRIMARY} icon="people" className="fp-callout" title="Accounts are not listed by this controller">
          It has no Part 18 user list and no RoleSet, so Fieldproof only knows the accounts you declare (and the one it logs in with). Declared accounts rotate through the manual path, with proof by login.
          <div className="fp-button-row">
            <Button size="large" icon="new-person" text="Add an account you know…" onClick={() => setDeclaring(true)} data-testid="declare-account" />
          </div>
        </Callout>
      )}
      {declaring && <DeclareAccountDialog controller={c} onClose={() => setDeclaring(false)} />}

      <h4 className="fp-subheading">Certificate</h4>
      {c.trust === "changed" && (
        <Callout intent={Intent.DANGER} icon="warning-sign" title="Certificate changed since it was trusted" className="fp-callout">
          Possible impersonation. Fieldproof does not send passwords to this controller until you have checked the new certificate with the controller's owner and trust it again.
          <div className="fp-mono fp-thumbs">
            <div>trusted: {c.trustedThumbprint}</div>
            <div>now: {c.observedThumbprint}</div>
          </div>
        </Callout>
      )}
      {c.certificate ? (
        <dl className="fp-facts">
          <dt>Subject</dt>
          <dd>{c.certificate.subject}</dd>
          <dt>Valid until</dt>
          <dd>{formatDate(c.certificate.notAfter)}</dd>
          <dt>SHA-256</dt>
          <dd className="fp-mono" data-testid="observed-thumbprint">
            {c.observedThumbprint}
          </dd>
          <dt>Trust</dt>
          <dd>{c.trust}</dd>
        </dl>
      ) : (
        <p className="fp-card-note">Not seen yet.</p>
      )}
      {c.observedThumbprint && c.trust !== "trusted" && (
        <div className="fp-button-row">
          <Button size="large" intent={Intent.PRIMARY} icon="tick" text={c.trust === "changed" ? "Trust the new certificate" : "Trust this certificate"} disabled={trust.busy} onClick={() => void decide("trust")} />
          <Button size="large" icon="cross" text="Reject" disabled={trust.busy} onClick={() => void decide("reject")} />
        </div>
      )}
      {error && (
        <Callout intent={Intent.DANGER} className="fp-callout">
          {error}
        </Callout>
      )}

      <h4 className="fp-subheading">Findings</h4>
      {c.findings.length === 0 ? (
        <p className="fp-card-note">{c.lastObservedAt ? "None." : "Scan the controller to find out."}</p>
      ) : (
        <FindingList findings={c.findings} />
      )}

      {c.changes.length > 0 && (
        <>
          <h4 className="fp-subheading">Changed since the previous visit</h4>
          <ul className="fp-changes">
            {c.changes.map((change, i) => (
              <li key={i}>{change.text}</li>
            ))}
          </ul>
        </>
      )}
      {c.gaps.length > 0 && (
        <>
          <h4 className="fp-subheading">Not read on the last visit</h4>
          <ul className="fp-changes">
            {c.gaps.map((gap, i) => (
              <li key={i}>
                {gap.stage}: {gap.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

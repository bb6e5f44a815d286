import { Button, Callout, Intent } from "@blueprintjs/core";
import type { ScanOutcome } from "../../../../shared/contract";

interface Props {
  readonly outcomes: readonly ScanOutcome[];
  readonly onTrustAll: (outcomes: readonly ScanOutcome[]) => void;
}

const LABEL: Record<ScanOutcome["status"], string> = {
  observed: "observed",
  partial: "partly read",
  "awaiting-trust": "new certificate",
  "certificate-changed": "CERTIFICATE CHANGED",
  unreachable: "unreachable",
  timeout: "no answer",
  "access-denied": "login refused",
  error: "failed",
  cancelled: "cancelled",
};

/** What the last scan found, with the decisions it is waiting for. */
export function ScanResults({ outcomes, onTrustAll }: Props): React.JSX.Element {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(LABEL[o.status], (counts.get(LABEL[o.status]) ?? 0) + 1);
  const awaiting = outcomes.filter((o) => o.status === "awaiting-trust");
  const changed = outcomes.filter((o) => o.status === "certificate-changed");
  const failed = outcomes.filter((o) => ["unreachable", "timeout", "access-denied", "error"].includes(o.status));
  return (
    <div className="fp-scan-results" data-testid="scan-results">
      <Callout intent={changed.length > 0 || failed.length > 0 ? Intent.WARNING : Intent.SUCCESS} icon="search" title="Scan finished">
        {[...counts].map(([label, n]) => `${n} ${label}`).join(" · ")}
      </Callout>
      {changed.length > 0 && (
        <Callout intent={Intent.DANGER} icon="warning-sign" title="Certificate changed on a known controller" className="fp-callout">
          {changed.map((o) => (
            <div key={o.controllerId}>
              <strong>{o.name}</strong>: {o.message}
            </div>
          ))}
        </Callout>
      )}
      {failed.length > 0 && (
        <Callout intent={Intent.WARNING} icon="offline" title="Not fully read" className="fp-callout">
          {failed.map((o) => (
            <div key={o.controllerId}>
              <strong>{o.name}</strong>: {o.message}
            </div>
          ))}
        </Callout>
      )}
      {awaiting.length > 0 && (
        <Callout intent={Intent.PRIMARY} icon="key" title={`${awaiting.length} controller(s) present a certificate seen for the first time`} className="fp-callout">
          <p>Check each thumbprint against the controller (its display, web page or commissioning sheet). Fieldproof logs in only to controllers you trust.</p>
          <table className="fp-cert-table">
            <tbody>
              {awaiting.map((o) => (
                <tr key={o.controllerId}>
                  <th scope="row">{o.name}</th>
                  <td>{o.certificate?.subject}</td>
                  <td className="fp-mono">{o.certificate?.thumbprintSha256.match(/.{8}/g)?.join(" ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Button size="large" intent={Intent.PRIMARY} icon="tick" text={`Trust ${awaiting.length} certificate(s) and read their accounts`} onClick={() => onTrustAll(awaiting)} />
        </Callout>
      )}
    </div>
  );
}

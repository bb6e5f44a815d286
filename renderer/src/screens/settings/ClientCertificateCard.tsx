import { Button, Callout, Card, H2, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { PathField } from "../../components/PathField";
import { useApi, useWrite } from "../../useApi";
import { formatDate } from "../../format";

/**
 * The laptop's OPC UA certificate: what a controller with strict trust must list before it lets
 * Fieldproof in. A copy goes to the controller's tool on a USB stick.
 */
export function ClientCertificateCard(): React.JSX.Element {
  const certificate = useApi("system.clientCertificate", {});
  const exporting = useWrite("system.exportClientCertificate");
  const [path, setPath] = useState("");
  const [answer, setAnswer] = useState<{ intent: Intent; text: string }>();

  async function save(): Promise<void> {
    setAnswer(undefined);
    const result = await exporting.run({ path });
    setAnswer(result.ok ? { intent: Intent.SUCCESS, text: `Written to ${result.value.path} (${result.value.bytes} bytes). Import it into the controller's trusted certificates.` } : { intent: Intent.DANGER, text: result.error.message });
  }

  const c = certificate.data;
  return (
    <Card className="fp-card" data-testid="client-certificate-card">
      <H2 className="fp-card-title">This laptop's OPC UA certificate</H2>
      <p className="fp-card-note">A controller that trusts only known clients refuses Fieldproof until this certificate is on its trusted list.</p>
      {certificate.error && (
        <Callout intent={Intent.DANGER} className="fp-callout">
          {certificate.error.message}
        </Callout>
      )}
      {c && (
        <dl className="fp-facts">
          <dt>Subject</dt>
          <dd>{c.subject}</dd>
          <dt>SHA-256</dt>
          <dd className="fp-mono" data-testid="client-certificate-thumbprint">
            {c.thumbprintSha256}
          </dd>
          <dt>Valid until</dt>
          <dd>{formatDate(c.notAfter)}</dd>
        </dl>
      )}
      <PathField label="Save a copy (DER) to" value={path} onChange={setPath} mode="save" dialogTitle="Save the laptop's certificate" fileType={{ name: "Certificate", extension: "der" }} defaultName="fieldproof-laptop.der" testId="client-certificate-path" />
      <Button size="large" icon="export" text="Save a copy" disabled={path.trim() === "" || !c} loading={exporting.busy} onClick={() => void save()} />
      {answer && (
        <Callout intent={answer.intent} className="fp-callout" data-testid="client-certificate-answer">
          {answer.text}
        </Callout>
      )}
    </Card>
  );
}

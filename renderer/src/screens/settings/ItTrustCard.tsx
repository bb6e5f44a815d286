import { Button, Callout, Card, Checkbox, H2, Intent } from "@blueprintjs/core";
import { useState } from "react";
import { useAppState } from "../../appState";
import { PathField } from "../../components/PathField";
import { useWrite } from "../../useApi";
import { formatDateTime } from "../../format";

/** IT's public keys: who cosigns receipts, and whom new secrets are sealed to. */
export function ItTrustCard(): React.JSX.Element {
  const { evidence } = useAppState();
  const trustIt = useWrite("evidence.trustIt");
  const trust = evidence?.itTrust ?? null;
  const [path, setPath] = useState("");
  const [replace, setReplace] = useState(false);
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function install(): Promise<void> {
    const result = await trustIt.run({ path: path.trim(), replace });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    const v = result.value;
    const collector = v.collectorAddressSet ? ` IT's collector address set: ${v.collectorAddress} (IT collector, below).` : "";
    setMessage({ intent: Intent.SUCCESS, text: `Trusting IT key ${v.fingerprint}. New secrets are sealed to ${v.ageRecipient.slice(0, 16)}…${collector}` });
  }

  return (
    <Card className="fp-card">
      <H2 className="fp-card-title">IT keys</H2>
      {trust ? (
        <dl className="fp-facts">
          <dt>IT key</dt>
          <dd data-testid="it-fingerprint">{trust.fingerprint}</dd>
          <dt>Seals to</dt>
          <dd>{trust.ageRecipient}</dd>
          <dt>Since</dt>
          <dd>{formatDateTime(trust.trustedAt)}</dd>
        </dl>
      ) : (
        <Callout intent={Intent.WARNING} icon="warning-sign">
          No IT key is trusted yet. Rotations are refused until one is: new passwords must be sealed to IT before they are set.
        </Callout>
      )}
      <PathField label="IT's it-public.json" helper="Written by `fieldproof it init` on IT's side." value={path} onChange={setPath} mode="open" dialogTitle="Open IT's it-public.json" fileType={{ name: "IT trust file", extension: "json" }} testId="it-trust-path" />
      {trust && <Checkbox checked={replace} onChange={(e) => setReplace(e.currentTarget.checked)} label="IT changed its key: replace the trusted one" />}
      <Button size="large" intent={Intent.PRIMARY} icon="key" text="Install IT keys" disabled={path.trim() === ""} loading={trustIt.busy} onClick={() => void install()} />
      {message && (
        <Callout intent={message.intent} className="fp-callout">
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

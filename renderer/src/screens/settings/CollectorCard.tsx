import { Button, Callout, Card, FormGroup, H2, InputGroup, Intent, Switch } from "@blueprintjs/core";
import { useEffect, useState } from "react";
import type { Settings } from "../../../../shared/contract";
import { useApi, useWrite } from "../../useApi";

/**
 * IT's collector: when an address is set, the app probes it on start and on a timer and sends the
 * records IT has not receipted yet whenever it answers. Clearing it stops the automatic sync; USB
 * export works either way.
 */
export function CollectorCard({ settings }: { readonly settings: Settings | undefined }): React.JSX.Element {
  const change = useWrite("settings.setCollector");
  const automatic = useWrite("settings.setSyncAutomatically");
  const summary = useApi("evidence.summary", {});
  const fingerprint = summary.data?.device.fingerprint ?? null;
  const pin = summary.data?.itTrust?.collectorPin ?? null;
  const [url, setUrl] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  useEffect(() => {
    if (settings) setUrl(settings.collectorUrl ?? "");
  }, [settings]);

  async function save(next: string | null): Promise<void> {
    setMessage(undefined);
    const result = await change.run({ url: next });
    if (!result.ok) {
      setMessage({ intent: Intent.DANGER, text: result.error.message });
      return;
    }
    const saved = result.value.collectorUrl;
    setMessage({
      intent: Intent.SUCCESS,
      text: saved ? `Saved. The app syncs to ${saved} whenever it answers; the status bar shows the state.` : "Cleared. No automatic sync; export to USB from the Evidence screen.",
    });
  }

  async function switchAutomatic(enabled: boolean): Promise<void> {
    setMessage(undefined);
    const result = await automatic.run({ enabled });
    if (!result.ok) setMessage({ intent: Intent.DANGER, text: result.error.message });
    else
      setMessage({
        intent: Intent.SUCCESS,
        text: enabled ? "Automatic sync on: the app syncs whenever the collector answers." : "Automatic sync off: nothing is sent until you press Sync now on the Evidence screen. Records wait on this laptop.",
      });
  }

  return (
    <Card className="fp-card" data-testid="collector-card">
      <H2 className="fp-card-title">IT collector</H2>
      <p className="fp-card-note">The address of IT&apos;s collector (from IT, e.g. https://it-ws-01:8443). When the laptop can reach it, records IT has not receipted yet are sent and IT&apos;s receipt applied, without a click.</p>
      <dl className="fp-facts fp-facts-stacked" data-testid="collector-trust">
        <dt>Collector certificate</dt>
        <dd>{pin ? <code>{pin}</code> : "none pinned: install IT's it-public.json from `collector init` (IT keys, above)"}</dd>
        <dt>This laptop, for IT to approve</dt>
        <dd>{fingerprint ? <code data-testid="laptop-fingerprint">{fingerprint}</code> : "no device key yet"}</dd>
      </dl>
      <FormGroup label="Collector address" labelFor="collector-url" helperText="https://, host and port; no user name or password." className="fp-gap-top-small">
        <InputGroup id="collector-url" size="large" value={url} placeholder="https://it-ws-01:8443" onValueChange={setUrl} />
      </FormGroup>
      <Button size="large" intent={Intent.PRIMARY} text="Save address" loading={change.busy} disabled={!settings || url.trim() === ""} onClick={() => void save(url.trim())} data-testid="collector-save" />{" "}
      <Button size="large" text="Clear" disabled={!settings?.collectorUrl || change.busy} onClick={() => void save(null)} />
      <Switch
        size="large"
        className="fp-gap-top-small"
        checked={settings?.syncAutomatically ?? true}
        disabled={!settings || automatic.busy}
        label="Sync automatically when the collector answers"
        onChange={(e) => void switchAutomatic(e.currentTarget.checked)}
        data-testid="collector-automatic"
      />
      {message && (
        <Callout intent={message.intent} className="fp-callout" data-testid="collector-message" role={message.intent === Intent.DANGER ? "alert" : undefined}>
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

import { Button, Callout, Card, FormGroup, H2, InputGroup, Intent, SegmentedControl } from "@blueprintjs/core";
import { useEffect, useState } from "react";
import type { ErrorValue, Theme } from "../../../shared/contract";
import { ScreenHeader } from "../components/ScreenHeader";
import { useAppState } from "../appState";
import { useApi, useWrite } from "../useApi";
import { CollectorCard } from "./settings/CollectorCard";
import { ClientCertificateCard } from "./settings/ClientCertificateCard";
import { DualControlCard } from "./settings/DualControlCard";
import { SharedScopeCard } from "./settings/SharedScopeCard";
import { ItTrustCard } from "./settings/ItTrustCard";
import { SiteCaCard } from "./settings/SiteCaCard";
import { TechnicianCard } from "./settings/TechnicianCard";

export function SettingsScreen(): React.JSX.Element {
  const settings = useApi("settings.get", {});
  const { info } = useAppState();
  const update = useWrite("settings.update");
  const [deviceName, setDeviceName] = useState("");
  const [error, setError] = useState<ErrorValue>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings.data) setDeviceName(settings.data.deviceName);
  }, [settings.data]);

  async function save(patch: { theme?: Theme; deviceName?: string }): Promise<void> {
    setSaved(false);
    setError(undefined);
    const result = await update.run(patch);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setSaved(patch.deviceName !== undefined);
  }

  return (
    <section className="fp-screen">
      <ScreenHeader title="Settings" subtitle="This laptop's name, who works on it, dual control, IT's key, the display, and where the data lives." />
      <div className="fp-cards">
        <Card className="fp-card">
          <H2 className="fp-card-title">Device</H2>
          <FormGroup label="Device name" labelFor="device-name" helperText="Shown in every record this laptop signs.">
            <InputGroup id="device-name" size="large" value={deviceName} onValueChange={setDeviceName} />
          </FormGroup>
          <Button size="large" intent={Intent.PRIMARY} text="Save name" loading={update.busy} onClick={() => void save({ deviceName })} />
          {error && (
            <Callout intent={Intent.DANGER} className="fp-callout" title="Not saved">
              {error.message}
            </Callout>
          )}
          {saved && !error && (
            <Callout intent={Intent.SUCCESS} className="fp-callout">
              Saved.
            </Callout>
          )}
        </Card>
        <TechnicianCard />
        <DualControlCard settings={settings.data} />
        <SharedScopeCard settings={settings.data} />
        <ItTrustCard />
        <CollectorCard settings={settings.data} />
        <SiteCaCard />
        <ClientCertificateCard />
        <Card className="fp-card">
          <H2 className="fp-card-title">Display</H2>
          <FormGroup label="Theme" helperText="Light for a bright floor, dark for a dim control room.">
            <SegmentedControl
              aria-label="Theme"
              size="large"
              options={[
                { label: "Light", value: "light" },
                { label: "Dark", value: "dark" },
              ]}
              value={settings.data?.theme ?? "light"}
              onValueChange={(value) => void save({ theme: value as Theme })}
            />
          </FormGroup>
        </Card>
        <Card className="fp-card">
          <H2 className="fp-card-title">Data</H2>
          <dl className="fp-facts">
            <dt>Store</dt>
            <dd>{info?.storePath ?? "…"}</dd>
            <dt>Data folder</dt>
            <dd>{info?.dataDir ?? "…"}</dd>
            <dt>Version</dt>
            <dd>{info?.appVersion ?? "…"}</dd>
          </dl>
        </Card>
      </div>
    </section>
  );
}

import { Button, Callout, Card, FormGroup, H2, HTMLTable, InputGroup, Intent, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { PathField } from "../../components/PathField";
import { formatDateTime } from "../../format";
import { useApi, useWrite } from "../../useApi";

const STATE: Record<string, { text: string; intent: Intent }> = {
  valid: { text: "Valid", intent: Intent.SUCCESS },
  expired: { text: "Expired", intent: Intent.DANGER },
  "not-yet-valid": { text: "Not yet valid", intent: Intent.WARNING },
  revoked: { text: "Revoked by IT", intent: Intent.DANGER },
};

/**
 * The site CA on this laptop: the issuing certificate per site IT signed (its key made here and
 * sealed), asked for with a request file and installed from IT's answer, both by USB.
 */
export function SiteCaCard(): React.JSX.Element {
  const list = useApi("ca.list", {});
  const request = useWrite("ca.request");
  const install = useWrite("ca.install");
  const [site, setSite] = useState("");
  const [out, setOut] = useState("");
  const [answer, setAnswer] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function ask(): Promise<void> {
    setMessage(undefined);
    const result = await request.run({ site: site.trim(), out: out.trim() });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({
      intent: Intent.SUCCESS,
      text: `Request for "${result.value.site}" written to ${result.value.out}. Give it to IT with this laptop's fingerprint ${result.value.deviceFingerprint}; install IT's answer below.`,
    });
  }

  async function installAnswer(): Promise<void> {
    setMessage(undefined);
    const result = await install.run({ path: answer.trim() });
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({ intent: Intent.SUCCESS, text: `Site CA for "${result.value.site}" installed, valid until ${formatDateTime(result.value.notAfter)}.` });
  }

  const rows = list.data ?? [];
  return (
    <Card className="fp-card" data-testid="site-ca-card">
      <H2 className="fp-card-title">Site CA</H2>
      <p className="fp-card-note">Controller certificates are issued here from the site&apos;s CA. IT signs this laptop&apos;s issuing certificate for each site; its key never leaves the laptop.</p>
      {rows.length > 0 ? (
        <HTMLTable compact data-testid="site-ca-list">
          <thead>
            <tr>
              <th>Site</th>
              <th>State</th>
              <th>Valid until</th>
              <th>Root</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.site}>
                <td>{s.site}</td>
                <td>
                  <Tag size="large" intent={STATE[s.state]?.intent ?? Intent.NONE}>{STATE[s.state]?.text ?? s.state}</Tag>
                </td>
                <td>{formatDateTime(s.notAfter)}</td>
                <td>{s.rootSubject}</td>
              </tr>
            ))}
          </tbody>
        </HTMLTable>
      ) : (
        <Callout icon="info-sign" className="fp-callout">
          No site CA yet. Ask IT for one: write a request below and give it to IT.
        </Callout>
      )}
      <FormGroup label="Site" labelFor="site-ca-site" helperText="As IT names it." className="fp-gap-top-small">
        <InputGroup id="site-ca-site" size="large" value={site} onValueChange={setSite} data-testid="site-ca-site" />
      </FormGroup>
      <PathField label="Write the request to" value={out} onChange={setOut} mode="save" dialogTitle="Save the site CA request" fileType={{ name: "Site CA request", extension: "json" }} defaultName="site-ca-request.json" testId="site-ca-out" />
      <Button size="large" intent={Intent.PRIMARY} icon="document" text="Write request for IT" disabled={site.trim() === "" || out.trim() === ""} loading={request.busy} onClick={() => void ask()} data-testid="site-ca-request" />
      <PathField label="IT's answer" value={answer} onChange={setAnswer} mode="open" dialogTitle="Open IT's site CA file" fileType={{ name: "Site CA file", extension: "json" }} testId="site-ca-answer" />
      <Button size="large" icon="endorsed" text="Install IT's answer" disabled={answer.trim() === ""} loading={install.busy} onClick={() => void installAnswer()} data-testid="site-ca-install" />
      {message && (
        <Callout intent={message.intent} className="fp-callout" data-testid="site-ca-message" role={message.intent === Intent.DANGER ? "alert" : undefined}>
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

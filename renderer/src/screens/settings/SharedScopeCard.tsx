import { Callout, Card, H2, Intent, Radio, RadioGroup } from "@blueprintjs/core";
import { useState } from "react";
import type { Settings } from "../../../../shared/contract";
import { useWrite } from "../../useApi";

type Scope = Settings["sharedScope"];

const SCOPES: readonly { value: Scope; label: string }[] = [
  { value: "per-controller", label: "A new password on each controller (default): a leaked one opens one controller" },
  { value: "per-line", label: "One new password per line: what a shift can learn and hand on" },
];

/**
 * The site's choice for accounts a crew holds (those with holders): how many new passwords a
 * rotation gives them. Either way each holder receives them on the Rotations screen after the
 * rotation; the change is a signed record.
 */
export function SharedScopeCard({ settings }: { readonly settings: Settings | undefined }): React.JSX.Element {
  const change = useWrite("settings.setSharedScope");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function choose(scope: Scope): Promise<void> {
    const result = await change.run({ scope });
    setMessage(result.ok ? { intent: Intent.SUCCESS, text: `Saved (a signed record). Accounts with holders now get ${result.value.sharedScope === "per-line" ? "one new password per line" : "a new password on each controller"}.` } : { intent: Intent.DANGER, text: result.error.message });
  }

  return (
    <Card className="fp-card" data-testid="shared-scope-card">
      <H2 className="fp-card-title">Shared accounts: new passwords</H2>
      <p className="fp-card-note">For accounts a crew holds (maint, a line login). Their holders receive the new passwords on the Rotations screen after each rotation.</p>
      <RadioGroup label="When such an account is rotated" selectedValue={settings?.sharedScope} onChange={(e) => void choose(e.currentTarget.value as Scope)} disabled={!settings || change.busy} className="fp-gap-top-small">
        {SCOPES.map((s) => (
          <Radio key={s.value} value={s.value} label={s.label} large />
        ))}
      </RadioGroup>
      {message && (
        <Callout intent={message.intent} className="fp-callout" data-testid="shared-scope-message">
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

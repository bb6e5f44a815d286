import { Button, Callout, Card, FormGroup, H2, HTMLSelect, InputGroup, Intent, Radio, RadioGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { DualControlMode, Settings } from "../../../../shared/contract";
import { useApi, useWrite } from "../../useApi";

const MODES: readonly { value: DualControlMode; label: string; help: string }[] = [
  { value: "always", label: "Always", help: "Every rotation needs a second person's approval with their PIN." },
  { value: "shared-and-break-glass", label: "Shared and break-glass accounts (default)", help: "Accounts on more than one controller, and break-glass accounts, need an approval." },
  { value: "off", label: "Never", help: "No rotation needs an approval. Only for a bay where one person works alone." },
];
const STRENGTH: readonly DualControlMode[] = ["always", "shared-and-break-glass", "off"];

/**
 * When a rotation needs a second person. Stricter is free; weaker needs an approver with authority
 * and their PIN, as a rotation approval does. Either way the change is a signed record.
 */
export function DualControlCard({ settings }: { readonly settings: Settings | undefined }): React.JSX.Element {
  const ids = { approver: useId(), pin: useId() };
  const current = settings?.dualControl ?? "shared-and-break-glass";
  const [mode, setMode] = useState<DualControlMode | null>(null);
  const [approver, setApprover] = useState("");
  const [pin, setPin] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();
  const directory = useApi("owners.list", {});
  const change = useWrite("settings.setDualControl");
  const chosen = mode ?? current;
  const weakens = STRENGTH.indexOf(chosen) > STRENGTH.indexOf(current);
  const approvers = (directory.data?.people ?? []).filter((p) => p.hasApproverKey && !p.leftAt);

  async function save(): Promise<void> {
    const result = await change.run({ mode: chosen, approval: weakens ? { personId: approver, pin } : null });
    setPin("");
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMode(null);
    setApprover("");
    const label = MODES.find((m) => m.value === result.value.dualControl)!.label;
    setMessage({ intent: Intent.SUCCESS, text: `Dual control is now: ${label}. The change is a signed record${weakens ? `, co-signed by ${approvers.find((p) => p.personId === approver)?.name ?? approver}` : ""}.` });
  }

  return (
    <Card className="fp-card" data-testid="dual-control-card">
      <H2 className="fp-card-title">Dual control</H2>
      <p className="fp-card-note">
        When a password rotation needs a second person to approve it with their PIN. Making it stricter needs nobody; making it weaker needs an approver with authority on every line. Every change is
        a signed record that IT sees.
      </p>
      <RadioGroup
        label="Rotations need an approval"
        selectedValue={chosen}
        onChange={(e) => {
          setMode(e.currentTarget.value as DualControlMode);
          setMessage(undefined);
        }}
        className="fp-gap-top-small"
      >
        {MODES.map((m) => (
          <Radio key={m.value} value={m.value} large labelElement={<span>{m.label}{m.value === current ? " — current" : ""}<br /><span className="fp-card-note">{m.help}</span></span>} />
        ))}
      </RadioGroup>
      {weakens && (
        <>
          <Callout intent={Intent.WARNING} icon="people" className="fp-callout" data-testid="dual-control-weakens">
            This weakens dual control. A second person who may approve rotations on every line confirms it with their PIN; they co-sign the record.
          </Callout>
          <FormGroup label="Approved by" labelFor={ids.approver} className="fp-gap-top-small">
            <HTMLSelect
              id={ids.approver}
              large
              fill
              value={approver}
              onChange={(e) => setApprover(e.currentTarget.value)}
              options={[{ label: approvers.length ? "Choose the approver…" : "Nobody on this laptop has an approver PIN (Owners screen)", value: "" }, ...approvers.map((p) => ({ label: p.name, value: p.personId }))]}
            />
          </FormGroup>
          <FormGroup label="Approver's PIN" labelFor={ids.pin}>
            <InputGroup id={ids.pin} size="large" type="password" value={pin} onValueChange={setPin} autoComplete="off" />
          </FormGroup>
        </>
      )}
      <Button
        size="large"
        intent={weakens ? Intent.WARNING : Intent.PRIMARY}
        text={weakens ? "Approve and save" : "Save"}
        disabled={chosen === current || (weakens && (approver === "" || pin === ""))}
        loading={change.busy}
        onClick={() => void save()}
        data-testid="dual-control-save"
      />
      {message && (
        <Callout intent={message.intent} className="fp-callout fp-prewrap" role={message.intent === Intent.DANGER ? "alert" : "status"} data-testid="dual-control-message">
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

import { Button, Callout, Card, FormGroup, H2, InputGroup, Intent, Tag } from "@blueprintjs/core";
import { useState } from "react";
import { useAppState } from "../../appState";
import { useWrite } from "../../useApi";

/** Who is working on this laptop; with a PIN, their own key co-signs every record. */
export function TechnicianCard(): React.JSX.Element {
  const { evidence } = useAppState();
  const setTechnician = useWrite("technician.set");
  const signInWithPin = useWrite("technician.signIn");
  const current = evidence?.technician ?? null;
  const [name, setName] = useState("");
  const [pin, setPin] = useState("");
  const [signInPin, setSignInPin] = useState("");
  const [message, setMessage] = useState<{ intent: Intent; text: string }>();

  async function save(): Promise<void> {
    const result = await setTechnician.run({ name, pin: pin === "" ? null : pin });
    setPin("");
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({ intent: Intent.SUCCESS, text: result.value.hasKey ? `${result.value.name} signs records with a personal key.` : `Records now name ${result.value.name}.` });
  }

  async function signIn(): Promise<void> {
    const result = await signInWithPin.run({ pin: signInPin });
    setSignInPin("");
    if (!result.ok) return setMessage({ intent: Intent.DANGER, text: result.error.message });
    setMessage({ intent: Intent.SUCCESS, text: `${result.value.name} is signed in.` });
  }

  return (
    <Card className="fp-card">
      <H2 className="fp-card-title">Technician</H2>
      <p className="fp-card-note">
        Current:{" "}
        {current ? (
          <>
            <strong data-testid="technician-name">{current.name}</strong>{" "}
            {current.hasKey ? <Tag intent={current.signedIn ? Intent.SUCCESS : Intent.WARNING} minimal>{current.signedIn ? "signed in with PIN" : "PIN not entered"}</Tag> : <Tag minimal>no personal key</Tag>}
          </>
        ) : (
          "nobody set: records name only the laptop"
        )}
      </p>
      <FormGroup label="Name" labelFor="tech-name">
        <InputGroup id="tech-name" size="large" value={name} onValueChange={setName} placeholder="e.g. Ana Ruiz" />
      </FormGroup>
      <FormGroup label="PIN (optional, 6+ characters)" labelFor="tech-pin" helperText="With a PIN, a personal key co-signs your records: auditors see it was you, not just this laptop.">
        <InputGroup id="tech-pin" size="large" type="password" value={pin} onValueChange={setPin} autoComplete="new-password" />
      </FormGroup>
      <Button size="large" intent={Intent.PRIMARY} text="Set technician" disabled={name.trim() === ""} loading={setTechnician.busy} onClick={() => void save()} />
      {current?.hasKey && !current.signedIn && (
        <FormGroup label="Sign in with your PIN" labelFor="tech-signin" className="fp-gap-top">
          <div className="fp-path-field">
            <InputGroup id="tech-signin" size="large" type="password" value={signInPin} onValueChange={setSignInPin} autoComplete="current-password" />
            <Button size="large" text="Sign in" disabled={signInPin === ""} loading={signInWithPin.busy} onClick={() => void signIn()} />
          </div>
        </FormGroup>
      )}
      {message && (
        <Callout intent={message.intent} className="fp-callout">
          {message.text}
        </Callout>
      )}
    </Card>
  );
}

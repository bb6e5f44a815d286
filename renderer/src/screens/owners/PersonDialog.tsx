import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import type { PersonView, TeamView } from "../../../../shared/contract";
import { call } from "../../api";
import { EMPLOYERS, idFromName } from "./shared";

interface Props {
  readonly isOpen: boolean;
  /** undefined: a new person. */
  readonly person: PersonView | undefined;
  readonly teams: readonly TeamView[];
  readonly onClose: () => void;
  readonly onSaved: (person: PersonView) => void;
}

/** Add or edit a person; an optional PIN gives them an approver key on this laptop. */
export function PersonDialog({ isOpen, person, teams, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { name: useId(), id: useId(), role: useId(), employer: useId(), company: useId(), team: useId(), pin: useId() };
  const [name, setName] = useState("");
  const [personId, setPersonId] = useState("");
  const [idEdited, setIdEdited] = useState(false);
  const [role, setRole] = useState("");
  const [employer, setEmployer] = useState<(typeof EMPLOYERS)[number]>("staff");
  const [company, setCompany] = useState("");
  const [teamId, setTeamId] = useState("");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!isOpen) return;
    setName(person?.name ?? "");
    setPersonId(person?.personId ?? "");
    setIdEdited(person !== undefined);
    setRole(person?.role ?? "");
    setEmployer(person?.employer ?? "staff");
    setCompany(person?.company ?? "");
    setTeamId(person?.teamId ?? "");
    setPin("");
    setError(undefined);
  }, [isOpen, person]);

  async function save(): Promise<void> {
    const result = await call("owners.upsertPerson", { personId, name, role, employer, company, teamId: teamId || null, pin: pin === "" ? null : pin });
    setPin("");
    if (!result.ok) return setError(result.error.message);
    onSaved(result.value);
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title={person ? `Edit ${person.name}` : "Add a person"} icon="person">
      <DialogBody>
        <FormGroup label="Name" labelFor={ids.name}>
          <InputGroup
            id={ids.name}
            size="large"
            value={name}
            autoFocus
            onValueChange={(v) => {
              setName(v);
              if (!idEdited) setPersonId(idFromName(v));
            }}
            placeholder="e.g. Ana Ruiz"
          />
        </FormGroup>
        <FormGroup label="Id" labelFor={ids.id} helperText={person ? "The id cannot change: records refer to it." : "Lower-case letters, digits, dots, dashes. Used in CSV files and records."}>
          <InputGroup
            id={ids.id}
            size="large"
            value={personId}
            disabled={person !== undefined}
            spellCheck={false}
            onValueChange={(v) => {
              setPersonId(v);
              setIdEdited(true);
            }}
          />
        </FormGroup>
        <FormGroup label="Role" labelFor={ids.role}>
          <InputGroup id={ids.role} size="large" value={role} onValueChange={setRole} placeholder="e.g. Maintenance technician" />
        </FormGroup>
        <div className="fp-form-row">
          <FormGroup label="Employer" labelFor={ids.employer}>
            <HTMLSelect id={ids.employer} large value={employer} onChange={(e) => setEmployer(e.currentTarget.value as typeof employer)} options={EMPLOYERS.map((e) => ({ label: e, value: e }))} />
          </FormGroup>
          <FormGroup label="Company" labelFor={ids.company} className="fp-grow">
            <InputGroup id={ids.company} size="large" value={company} onValueChange={setCompany} placeholder={employer === "staff" ? "(own staff)" : "e.g. Delta Field Services"} />
          </FormGroup>
        </div>
        <FormGroup label="Team" labelFor={ids.team}>
          <HTMLSelect id={ids.team} large fill value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)} options={[{ label: "No team", value: "" }, ...teams.map((t) => ({ label: t.name, value: t.teamId }))]} />
        </FormGroup>
        <FormGroup
          label="Approver PIN (optional, 6+ characters)"
          labelFor={ids.pin}
          helperText={
            person?.hasApproverKey
              ? "They already have an approver key. A new PIN replaces it; leave empty to keep it."
              : "With a PIN they can approve rotations on this laptop (dual control); their key co-signs the record."
          }
        >
          <InputGroup id={ids.pin} size="large" type="password" value={pin} onValueChange={setPin} autoComplete="new-password" />
        </FormGroup>
        {error && (
          <Callout intent={Intent.DANGER} className="fp-callout" data-testid="person-error">
            {error}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="floppy-disk" text="Save person" disabled={name.trim() === "" || personId === ""} onClick={() => void save()} />
          </>
        }
      />
    </Dialog>
  );
}

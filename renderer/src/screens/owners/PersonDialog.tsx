import { FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { PersonView, TeamView } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { useWrite } from "../../useApi";
import { EMPLOYERS, idFromName } from "./shared";

interface Props {
  /** undefined: a new person. */
  readonly person: PersonView | undefined;
  readonly teams: readonly TeamView[];
  readonly onClose: () => void;
  readonly onSaved: (person: PersonView) => void;
}

/** Add or edit a person; an optional PIN gives them an approver key on this laptop. Mounted when it opens: the form starts from the person. */
export function PersonDialog({ person, teams, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { name: useId(), id: useId(), role: useId(), employer: useId(), company: useId(), team: useId(), pin: useId() };
  const [name, setName] = useState(person?.name ?? "");
  const [personId, setPersonId] = useState(person?.personId ?? "");
  const [idEdited, setIdEdited] = useState(person !== undefined);
  const [role, setRole] = useState(person?.role ?? "");
  const [employer, setEmployer] = useState<(typeof EMPLOYERS)[number]>(person?.employer ?? "staff");
  const [company, setCompany] = useState(person?.company ?? "");
  const [teamId, setTeamId] = useState(person?.teamId ?? "");
  const [pin, setPin] = useState("");
  const [error, setError] = useState<string>();
  const upsert = useWrite("owners.upsertPerson");

  async function save(): Promise<void> {
    const result = await upsert.run({ personId, name, role, employer, company, teamId: teamId || null, pin: pin === "" ? null : pin });
    setPin("");
    if (!result.ok) return setError(result.error.message);
    onSaved(result.value);
  }

  return (
    <FormDialog
      onClose={onClose}
      title={person ? `Edit ${person.name}` : "Add a person"}
      icon="person"
      primary={{ text: "Save person", icon: "floppy-disk", onClick: () => void save(), disabled: name.trim() === "" || personId === "", busy: upsert.busy }}
      error={error}
      errorTestId="person-error"
    >
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
    </FormDialog>
  );
}

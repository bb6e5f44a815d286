import { FormGroup, InputGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { TeamView } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { useWrite } from "../../useApi";
import { idFromName } from "./shared";

interface Props {
  /** undefined: a new team. */
  readonly team: TeamView | undefined;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}

/** Add or edit a team. Mounted when it opens: the form starts from the team. */
export function TeamDialog({ team, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { name: useId(), id: useId(), description: useId() };
  const [name, setName] = useState(team?.name ?? "");
  const [teamId, setTeamId] = useState(team?.teamId ?? "");
  const [description, setDescription] = useState(team?.description ?? "");
  const [error, setError] = useState<string>();
  const upsert = useWrite("owners.upsertTeam");

  async function save(): Promise<void> {
    const result = await upsert.run({ teamId, name, description });
    if (!result.ok) return setError(result.error.message);
    onSaved();
  }

  return (
    <FormDialog
      onClose={onClose}
      title={team ? `Edit team ${team.name}` : "Add a team"}
      icon="people"
      primary={{ text: "Save team", icon: "floppy-disk", onClick: () => void save(), disabled: name.trim() === "" || teamId === "", busy: upsert.busy }}
      error={error}
    >
      <FormGroup label="Team name" labelFor={ids.name}>
        <InputGroup
          id={ids.name}
          size="large"
          autoFocus
          value={name}
          onValueChange={(v) => {
            setName(v);
            if (!team) setTeamId(idFromName(v).replace(/\./g, "-"));
          }}
          placeholder="e.g. Maintenance B shift"
        />
      </FormGroup>
      <FormGroup label="Id" labelFor={ids.id} helperText={team ? "The id cannot change: records refer to it." : "Lower-case letters, digits, dots, dashes."}>
        <InputGroup id={ids.id} size="large" value={teamId} disabled={team !== undefined} onValueChange={setTeamId} spellCheck={false} />
      </FormGroup>
      <FormGroup label="Description" labelFor={ids.description}>
        <InputGroup id={ids.description} size="large" value={description} onValueChange={setDescription} placeholder="e.g. Night shift, lines 1 and 2" />
      </FormGroup>
    </FormDialog>
  );
}

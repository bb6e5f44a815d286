import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, InputGroup, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import type { TeamView } from "../../../../shared/contract";
import { call } from "../../api";
import { idFromName } from "./shared";

interface Props {
  readonly isOpen: boolean;
  readonly team: TeamView | undefined;
  readonly onClose: () => void;
  readonly onSaved: () => void;
}

export function TeamDialog({ isOpen, team, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { name: useId(), id: useId(), description: useId() };
  const [name, setName] = useState("");
  const [teamId, setTeamId] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!isOpen) return;
    setName(team?.name ?? "");
    setTeamId(team?.teamId ?? "");
    setDescription(team?.description ?? "");
    setError(undefined);
  }, [isOpen, team]);

  async function save(): Promise<void> {
    const result = await call("owners.upsertTeam", { teamId, name, description });
    if (!result.ok) return setError(result.error.message);
    onSaved();
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title={team ? `Edit team ${team.name}` : "Add a team"} icon="people">
      <DialogBody>
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
        <FormGroup label="Id" labelFor={ids.id} helperText="Lower-case letters, digits, dots, dashes.">
          <InputGroup id={ids.id} size="large" value={teamId} disabled={team !== undefined} onValueChange={setTeamId} spellCheck={false} />
        </FormGroup>
        <FormGroup label="Description" labelFor={ids.description}>
          <InputGroup id={ids.description} size="large" value={description} onValueChange={setDescription} placeholder="e.g. Night shift, lines 1 and 2" />
        </FormGroup>
        {error && (
          <Callout intent={Intent.DANGER} className="fp-callout">
            {error}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="floppy-disk" text="Save team" disabled={name.trim() === "" || teamId === ""} onClick={() => void save()} />
          </>
        }
      />
    </Dialog>
  );
}

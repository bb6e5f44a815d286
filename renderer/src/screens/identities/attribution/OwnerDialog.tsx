import { Button, FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import { FormDialog } from "../../../components/FormDialog";
import { useApi, useWrite } from "../../../useApi";
import { ownerOptions } from "../../owners/shared";

export type OwnerTarget =
  | {
      readonly kind: "identity" | "line" | "cell";
      readonly id: string;
      readonly label: string;
      /** What is set on this target now (prefills the form). */
      readonly current?: { ownerType: "person" | "team"; ownerId: string; purpose: string; scope: string; expiresAt: string | null } | null;
      /** For an identity: the owner it gets without its own (shown so the technician knows what clearing does). */
      readonly inheritedNote?: string;
    }
  | { readonly kind: "bulk"; readonly ids: readonly string[]; readonly label: string };

interface Props {
  readonly target: OwnerTarget;
  readonly onClose: () => void;
  readonly onSaved: (message: string) => void;
}

/**
 * Sets the accountable owner (person or team), purpose, scope and expiry of an identity, a line, a
 * cell, or many identities. Mounted when it opens: the form starts from what is set on the target.
 */
export function OwnerDialog({ target, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { owner: useId(), purpose: useId(), scope: useId(), expires: useId() };
  const directory = useApi("owners.list", {});
  const current = target.kind !== "bulk" ? target.current : null;
  const [owner, setOwner] = useState(current ? `${current.ownerType}:${current.ownerId}` : "");
  const [purpose, setPurpose] = useState(current?.purpose ?? "");
  const [scope, setScope] = useState(current?.scope ?? "");
  const [expiresAt, setExpiresAt] = useState(current?.expiresAt ?? "");
  const [error, setError] = useState<string>();
  const setOwnership = useWrite("owners.setOwnership");
  const assignBulk = useWrite("owners.assignBulk");
  const options = ownerOptions(directory.data);

  async function save(clear: boolean): Promise<void> {
    const [type, id] = owner.split(":") as ["person" | "team", string];
    const fields = { owner: clear ? null : { type, id }, purpose, scope, expiresAt: expiresAt === "" ? null : expiresAt };
    const result = target.kind === "bulk" ? await assignBulk.run({ identityIds: [...target.ids], ...fields }) : await setOwnership.run({ target: { type: target.kind, id: target.id }, ...fields });
    if (!result.ok) return setError(result.error.message);
    const name = options.find((o) => o.value === owner)?.label.replace(/^Team: /, "") ?? "";
    onSaved(clear ? `Owner removed from ${target.label}.` : `${name} now owns ${target.kind === "bulk" ? `${result.value.updated} identities` : target.label}.`);
  }

  const busy = setOwnership.busy || assignBulk.busy;
  return (
    <FormDialog
      onClose={onClose}
      title={target.kind === "bulk" ? `Assign an owner to ${target.ids.length} identities` : `Owner of ${target.label}`}
      icon="person"
      primary={{ text: "Set owner", icon: "tick", onClick: () => void save(false), disabled: owner === "", busy }}
      secondary={current && <Button size="large" icon="eraser" text={target.kind === "identity" ? "Use inherited owner" : "Remove owner"} disabled={busy} onClick={() => void save(true)} />}
      error={error}
    >
      {target.kind !== "bulk" && target.inheritedNote && <p className="fp-card-note">{target.inheritedNote}</p>}
      {target.kind === "bulk" && <p className="fp-card-note">Each selected identity gets this owner set on itself (it overrides what it would inherit from its line or cell). One signed record each, written together.</p>}
      <FormGroup label="Accountable owner" labelFor={ids.owner} helperText="A team or one person who decides when it is rotated, who may hold it, and when it goes.">
        <HTMLSelect id={ids.owner} large fill value={owner} onChange={(e) => setOwner(e.currentTarget.value)} options={[{ label: options.length ? "Choose a team or person…" : "Add people or teams on the Owners screen first", value: "" }, ...options]} data-testid="owner-select" />
      </FormGroup>
      <FormGroup label="Purpose" labelFor={ids.purpose}>
        <InputGroup id={ids.purpose} size="large" value={purpose} onValueChange={setPurpose} placeholder="e.g. Shared maintenance login for line work" />
      </FormGroup>
      <FormGroup label="Allowed scope" labelFor={ids.scope}>
        <InputGroup id={ids.scope} size="large" value={scope} onValueChange={setScope} placeholder="e.g. Body lines 1-2, engineering changes only" />
      </FormGroup>
      <FormGroup label="Expires (optional)" labelFor={ids.expires} helperText="The last valid day. For a vendor account, access past this day is a finding.">
        <InputGroup id={ids.expires} size="large" type="date" value={expiresAt} onValueChange={setExpiresAt} />
      </FormGroup>
    </FormDialog>
  );
}

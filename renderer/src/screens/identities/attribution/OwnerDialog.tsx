import { Button, Callout, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import { call } from "../../../api";
import { useApi } from "../../../useApi";
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
  readonly target: OwnerTarget | undefined;
  readonly onClose: () => void;
  readonly onSaved: (message: string) => void;
}

/** Sets the accountable owner (person or team), purpose, scope and expiry of an identity, a line, a cell, or many identities. */
export function OwnerDialog({ target, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { owner: useId(), purpose: useId(), scope: useId(), expires: useId() };
  const directory = useApi("owners.list", {}, target ? target.label : "closed");
  const [owner, setOwner] = useState("");
  const [purpose, setPurpose] = useState("");
  const [scope, setScope] = useState("");
  const [expiresAt, setExpiresAt] = useState("");
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!target) return;
    const current = target.kind !== "bulk" ? target.current : null;
    setOwner(current ? `${current.ownerType}:${current.ownerId}` : "");
    setPurpose(current?.purpose ?? "");
    setScope(current?.scope ?? "");
    setExpiresAt(current?.expiresAt ?? "");
    setError(undefined);
  }, [target]);

  if (!target) return <Dialog isOpen={false} />;
  const options = ownerOptions(directory.data);
  const hasOwn = target.kind !== "bulk" && target.current != null;

  async function save(clear: boolean): Promise<void> {
    if (!target) return;
    const [type, id] = owner.split(":") as ["person" | "team", string];
    const fields = { owner: clear ? null : { type, id }, purpose, scope, expiresAt: expiresAt === "" ? null : expiresAt };
    const result = target.kind === "bulk" ? await call("owners.assignBulk", { identityIds: [...target.ids], ...fields }) : await call("owners.setOwnership", { target: { type: target.kind, id: target.id }, ...fields });
    if (!result.ok) return setError(result.error.message);
    const name = options.find((o) => o.value === owner)?.label.replace(/^Team: /, "") ?? "";
    onSaved(clear ? `Owner removed from ${target.label}.` : `${name} now owns ${target.kind === "bulk" ? `${result.value.updated} identities` : target.label}.`);
  }

  return (
    <Dialog isOpen onClose={onClose} title={target.kind === "bulk" ? `Assign an owner to ${target.ids.length} identities` : `Owner of ${target.label}`} icon="person">
      <DialogBody>
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
        {error && (
          <Callout intent={Intent.DANGER} className="fp-callout">
            {error}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            {hasOwn && <Button size="large" icon="eraser" text={target.kind === "identity" ? "Use inherited owner" : "Remove owner"} onClick={() => void save(true)} />}
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button size="large" intent={Intent.PRIMARY} icon="tick" text="Set owner" disabled={owner === ""} onClick={() => void save(false)} />
          </>
        }
      />
    </Dialog>
  );
}

import { Button, Callout, Checkbox, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useEffect, useId, useState } from "react";
import type { IdentityDetail } from "../../../../../shared/contract";
import { call } from "../../../api";
import { useApi } from "../../../useApi";

interface Props {
  readonly detail: IdentityDetail | undefined;
  readonly onClose: () => void;
  readonly onSaved: (message: string) => void;
}

function localMinute(date = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** An offline check-out/check-in: who used the account, on which controller, for which work order, when. */
export function UseDialog({ detail, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { person: useId(), controller: useId(), workOrder: useId(), from: useId(), to: useId() };
  const directory = useApi("owners.list", {}, detail ? detail.row.id : "closed");
  const [personId, setPersonId] = useState("");
  const [controllerId, setControllerId] = useState("");
  const [workOrder, setWorkOrder] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [breakGlass, setBreakGlass] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!detail) return;
    const holders = detail.holders.filter((h) => !h.removedAt && !h.leftAt);
    setPersonId(holders.length === 1 ? holders[0]!.personId : "");
    setControllerId(detail.controllers.length === 1 ? detail.controllers[0]!.id : "");
    setWorkOrder("");
    setFrom(localMinute());
    setTo("");
    setBreakGlass(detail.row.flags.breakGlass);
    setError(undefined);
  }, [detail]);

  if (!detail) return <Dialog isOpen={false} />;
  const holderIds = new Set(detail.holders.filter((h) => !h.removedAt).map((h) => h.personId));
  const people = (directory.data?.people ?? []).filter((p) => !p.leftAt).sort((a, b) => Number(holderIds.has(b.personId)) - Number(holderIds.has(a.personId)));

  async function save(): Promise<void> {
    if (!detail) return;
    const toIso = (v: string): string => new Date(v).toISOString();
    const result = await call("owners.attestUse", { identityId: detail.row.id, personId, controllerId, workOrder, from: toIso(from), to: to === "" ? null : toIso(to), breakGlass });
    if (!result.ok) return setError(result.error.message);
    onSaved(breakGlass ? "Break-glass use recorded: the account is due for rotation now." : "Use recorded.");
  }

  return (
    <Dialog isOpen onClose={onClose} title={`Record a use of ${detail.row.name}`} icon="log-in">
      <DialogBody>
        <FormGroup label="Who used it" labelFor={ids.person}>
          <HTMLSelect
            id={ids.person}
            large
            fill
            value={personId}
            onChange={(e) => setPersonId(e.currentTarget.value)}
            options={[{ label: "Choose a person…", value: "" }, ...people.map((p) => ({ label: `${p.name}${holderIds.has(p.personId) ? " (holder)" : ""}`, value: p.personId }))]}
          />
        </FormGroup>
        <FormGroup label="On which controller" labelFor={ids.controller}>
          <HTMLSelect id={ids.controller} large fill value={controllerId} onChange={(e) => setControllerId(e.currentTarget.value)} options={[{ label: "Choose a controller…", value: "" }, ...detail.controllers.map((c) => ({ label: c.name, value: c.id }))]} />
        </FormGroup>
        <FormGroup label="Work order" labelFor={ids.workOrder}>
          <InputGroup id={ids.workOrder} size="large" value={workOrder} onValueChange={setWorkOrder} placeholder="e.g. WO-4711" />
        </FormGroup>
        <div className="fp-form-row">
          <FormGroup label="From (checked out)" labelFor={ids.from} className="fp-grow">
            <InputGroup id={ids.from} size="large" type="datetime-local" value={from} onValueChange={setFrom} />
          </FormGroup>
          <FormGroup label="To (checked in, optional)" labelFor={ids.to} className="fp-grow">
            <InputGroup id={ids.to} size="large" type="datetime-local" value={to} onValueChange={setTo} />
          </FormGroup>
        </div>
        <Checkbox large checked={breakGlass} onChange={(e) => setBreakGlass(e.currentTarget.checked)} label="Break-glass use (an emergency): the account becomes due for rotation at once" />
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
            <Button size="large" intent={Intent.PRIMARY} icon="tick" text="Record use" disabled={personId === "" || controllerId === "" || workOrder.trim() === "" || from === ""} onClick={() => void save()} />
          </>
        }
      />
    </Dialog>
  );
}

import { Checkbox, FormGroup, HTMLSelect, InputGroup } from "@blueprintjs/core";
import { useId, useState } from "react";
import type { IdentityDetail } from "../../../../../shared/contract";
import { FormDialog } from "../../../components/FormDialog";
import { useApi, useWrite } from "../../../useApi";
import { localMinuteInput } from "../../../format";

interface Props {
  readonly detail: IdentityDetail;
  readonly onClose: () => void;
  readonly onSaved: (message: string) => void;
}

/**
 * An offline check-out/check-in: who used the account, on which controller, for which work order,
 * when. Mounted when it opens: the only current holder and the only controller are preselected.
 */
export function UseDialog({ detail, onClose, onSaved }: Props): React.JSX.Element {
  const ids = { person: useId(), controller: useId(), workOrder: useId(), from: useId(), to: useId() };
  const directory = useApi("owners.list", {});
  const [personId, setPersonId] = useState(() => {
    const holders = detail.holders.filter((h) => !h.removedAt && !h.leftAt);
    return holders.length === 1 ? holders[0]!.personId : "";
  });
  const [controllerId, setControllerId] = useState(detail.controllers.length === 1 ? detail.controllers[0]!.id : "");
  const [workOrder, setWorkOrder] = useState("");
  const [from, setFrom] = useState(() => localMinuteInput());
  const [to, setTo] = useState("");
  const [breakGlass, setBreakGlass] = useState(detail.row.flags.breakGlass);
  const [error, setError] = useState<string>();
  const attest = useWrite("owners.attestUse");
  const holderIds = new Set(detail.holders.filter((h) => !h.removedAt).map((h) => h.personId));
  const people = (directory.data?.people ?? []).filter((p) => !p.leftAt).sort((a, b) => Number(holderIds.has(b.personId)) - Number(holderIds.has(a.personId)));

  async function save(): Promise<void> {
    const toIso = (v: string): string => new Date(v).toISOString();
    const result = await attest.run({ identityId: detail.row.id, personId, controllerId, workOrder, from: toIso(from), to: to === "" ? null : toIso(to), breakGlass });
    if (!result.ok) return setError(result.error.message);
    onSaved(breakGlass ? "Break-glass use recorded: the account is due for rotation now." : "Use recorded.");
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`Record a use of ${detail.row.name}`}
      icon="log-in"
      primary={{ text: "Record use", icon: "tick", onClick: () => void save(), disabled: personId === "" || controllerId === "" || workOrder.trim() === "" || from === "", busy: attest.busy }}
      error={error}
    >
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
    </FormDialog>
  );
}

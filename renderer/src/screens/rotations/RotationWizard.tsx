import { Button, Callout, Checkbox, Dialog, DialogBody, DialogFooter, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useMemo, useState } from "react";
import type { ErrorValue, IdentityDetail, JobStatus } from "../../../../shared/contract";
import { call } from "../../api";
import { useApi } from "../../useApi";

const REASONS = [
  ["schedule", "Scheduled rotation"],
  ["holder-left", "A holder left"],
  ["break-glass-used", "Break-glass account was used"],
  ["suspected-exposure", "Suspected exposure"],
  ["commissioning", "Commissioning"],
  ["vendor-session-ended", "Vendor session ended"],
] as const;

const STATES = [
  ["maintenance-window", "Maintenance window"],
  ["normal", "Normal operation"],
  ["commissioning", "Commissioning"],
  ["vendor-session", "Vendor session"],
  ["emergency", "Emergency"],
] as const;

interface Props {
  readonly isOpen: boolean;
  readonly initialIdentity: string | undefined;
  readonly onClose: () => void;
  readonly onStarted: (job: JobStatus) => void;
}

/** Account and controllers, why, current password and approval, then start. Checked again in main. */
export function RotationWizard({ isOpen, initialIdentity, onClose, onStarted }: Props): React.JSX.Element {
  const identities = useApi("identities.list", {}, String(isOpen));
  const owners = useApi("owners.list", {}, String(isOpen));
  const accounts = useMemo(() => (identities.data?.rows ?? []).filter((r) => r.kind === "user" || r.kind === "service").sort((a, b) => a.name.localeCompare(b.name)), [identities.data]);
  const [identityId, setIdentityId] = useState(initialIdentity ?? "");
  const chosen = identityId || accounts[0]?.id || "";
  const detail = useApi("identities.get", { id: chosen || "none" }, chosen);
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState<string>("schedule");
  const [workOrder, setWorkOrder] = useState("");
  const [opState, setOpState] = useState<string>("maintenance-window");
  const [currentPassword, setCurrentPassword] = useState("");
  const [approver, setApprover] = useState("");
  const [pin, setPin] = useState("");
  const [emergency, setEmergency] = useState(false);
  const [error, setError] = useState<ErrorValue>();
  const [busy, setBusy] = useState(false);
  const approvers = (owners.data?.people ?? []).filter((p) => p.hasApproverKey && !p.leftAt);
  const d: IdentityDetail | undefined = detail.data?.row.id === chosen ? detail.data : undefined;
  const controllers = d?.controllers ?? [];
  const selected = controllers.filter((c) => !excluded.has(c.id));

  async function start(): Promise<void> {
    setBusy(true);
    setError(undefined);
    const result = await call("rotations.start", {
      identityId: chosen,
      controllerIds: selected.map((c) => c.id),
      reason: reason as never,
      workOrder,
      operationalState: opState as never,
      ...(currentPassword ? { currentPassword } : {}),
      ...(approver ? { approval: { personId: approver, pin, emergency: emergency || opState === "emergency" } } : {}),
    });
    setBusy(false);
    setPin("");
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setCurrentPassword("");
    onStarted(result.value);
  }

  return (
    <Dialog isOpen={isOpen} onClose={onClose} title="Rotate a password" icon="key" className="fp-wizard" canOutsideClickClose={false}>
      <DialogBody>
        <FormGroup label="Account" labelFor="rot-account">
          <HTMLSelect id="rot-account" large fill value={chosen} onChange={(e) => setIdentityId(e.currentTarget.value)} options={accounts.map((a) => ({ label: `${a.name} (${a.controllers} controller${a.controllers === 1 ? "" : "s"})`, value: a.id }))} />
        </FormGroup>
        <fieldset className="fp-fieldset">
          <legend>Controllers</legend>
          {controllers.length === 0 && <p className="fp-card-note">Loading…</p>}
          {controllers.map((c) => (
            <Checkbox
              key={c.id}
              large
              checked={!excluded.has(c.id)}
              label={`${c.name} — ${c.line} › ${c.cell}`}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                setExcluded((prev) => {
                  const next = new Set(prev);
                  if (on) next.delete(c.id);
                  else next.add(c.id);
                  return next;
                });
              }}
            />
          ))}
        </fieldset>
        <div className="fp-form-row">
          <FormGroup label="Reason" labelFor="rot-reason">
            <HTMLSelect id="rot-reason" large value={reason} onChange={(e) => setReason(e.currentTarget.value)} options={REASONS.map(([value, label]) => ({ value, label }))} />
          </FormGroup>
          <FormGroup label="Work order" labelFor="rot-wo">
            <InputGroup id="rot-wo" size="large" value={workOrder} onValueChange={setWorkOrder} placeholder="WO-…" />
          </FormGroup>
          <FormGroup label="Operational state" labelFor="rot-state">
            <HTMLSelect id="rot-state" large value={opState} onChange={(e) => setOpState(e.currentTarget.value)} options={STATES.map(([value, label]) => ({ value, label }))} />
          </FormGroup>
        </div>
        <FormGroup label="Current password of the account" labelFor="rot-current" helperText="Proves the old password stops working. Not needed when it is your own controller login.">
          <InputGroup id="rot-current" size="large" type="password" autoComplete="off" value={currentPassword} onValueChange={setCurrentPassword} />
        </FormGroup>
        <div className="fp-form-row">
          <FormGroup label="Approved by" labelFor="rot-approver" helperText="Dual control: shared and break-glass accounts need a second person.">
            <HTMLSelect id="rot-approver" large value={approver} onChange={(e) => setApprover(e.currentTarget.value)} options={[{ label: "No approver", value: "" }, ...approvers.map((p) => ({ label: `${p.name} (${p.role})`, value: p.personId }))]} />
          </FormGroup>
          <FormGroup label="Approver's PIN" labelFor="rot-pin">
            <InputGroup id="rot-pin" size="large" type="password" autoComplete="off" value={pin} onValueChange={setPin} disabled={!approver} />
          </FormGroup>
        </div>
        <Checkbox large checked={emergency} onChange={(e) => setEmergency(e.currentTarget.checked)} label="Emergency override (only those named for overrides may approve; recorded as such)" />
        <Callout intent={Intent.PRIMARY} icon="shield" className="fp-callout">
          Before any controller is touched, each new password is sealed to IT and recorded. The rotation only counts once the new password is accepted and the old one refused.
        </Callout>
        {error && (
          <Callout intent={Intent.DANGER} icon="error" className="fp-callout" data-testid="rotation-error" title="Not started">
            {error.message}
          </Callout>
        )}
      </DialogBody>
      <DialogFooter
        actions={
          <>
            <Button size="large" text="Cancel" onClick={onClose} />
            <Button
              size="large"
              intent={Intent.PRIMARY}
              icon="key"
              loading={busy}
              disabled={!chosen || selected.length === 0 || workOrder.trim() === "" || (approver !== "" && pin === "")}
              text={`Rotate on ${selected.length} controller${selected.length === 1 ? "" : "s"}`}
              onClick={() => void start()}
            />
          </>
        }
      />
    </Dialog>
  );
}

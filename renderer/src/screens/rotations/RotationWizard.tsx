import { Callout, Checkbox, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import { useMemo, useState } from "react";
import type { JobStatus } from "../../../../shared/contract";
import { OperationalState, RotationReason } from "../../../../shared/evidence/kinds";
import { FormDialog } from "../../components/FormDialog";
import { useApi, useWrite } from "../../useApi";
import { OP_STATE_LABEL, oneOf, REASON_LABEL, type OpState, type Reason } from "./labels";
import { ApprovalFields, approvalIncomplete, approvalRequest, CurrentPasswordField, NO_APPROVAL, type ApprovalValue, type RotatedAccount } from "./RotationFields";

interface Props {
  readonly initialIdentity: string | undefined;
  readonly onClose: () => void;
  readonly onStarted: (job: JobStatus, account: RotatedAccount) => void;
}

/** Account and controllers, why, current password and approval, then start. Checked again in main. Mounted when it opens. */
export function RotationWizard({ initialIdentity, onClose, onStarted }: Props): React.JSX.Element {
  const identities = useApi("identities.list", {});
  const accounts = useMemo(() => (identities.data?.rows ?? []).filter((r) => r.kind === "user" || r.kind === "service").sort((a, b) => a.name.localeCompare(b.name)), [identities.data]);
  const [identityId, setIdentityId] = useState(initialIdentity ?? "");
  const chosen = identityId || accounts[0]?.id || "";
  const detail = useApi("identities.get", chosen ? { id: chosen } : null);
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const [reason, setReason] = useState<Reason>("schedule");
  const [workOrder, setWorkOrder] = useState("");
  const [opState, setOpState] = useState<OpState>("maintenance-window");
  const [currentPassword, setCurrentPassword] = useState("");
  const [approval, setApproval] = useState<ApprovalValue>(NO_APPROVAL);
  const [error, setError] = useState<string>();
  const start = useWrite("rotations.start");
  const d = detail.data;
  const controllers = d?.controllers ?? [];
  const selected = controllers.filter((c) => !excluded.has(c.id));
  const ownLogin = d?.ownLogin ?? false;

  async function rotate(): Promise<void> {
    if (!d) return;
    setError(undefined);
    const result = await start.run({
      identityId: chosen,
      controllerIds: selected.map((c) => c.id),
      reason,
      workOrder,
      operationalState: opState,
      // The technician's own login: main takes its current password from the vault.
      ...(currentPassword && !ownLogin ? { currentPassword } : {}),
      approval: approvalRequest(approval, opState === "emergency"),
    });
    setApproval((a) => ({ ...a, pin: "" }));
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setCurrentPassword("");
    onStarted(result.value, { identityId: chosen, userName: d.row.name });
  }

  return (
    <FormDialog
      onClose={onClose}
      title="Rotate a password"
      icon="key"
      className="fp-wizard"
      // One press changes passwords on every chosen controller: Enter in a field does not start it.
      submitOnEnter={false}
      primary={{
        text: `Rotate on ${selected.length} controller${selected.length === 1 ? "" : "s"}`,
        icon: "key",
        onClick: () => void rotate(),
        disabled: !d || selected.length === 0 || workOrder.trim() === "" || approvalIncomplete(approval),
        busy: start.busy,
      }}
      error={error}
      errorTitle="Not started"
      errorTestId="rotation-error"
    >
      <FormGroup label="Account" labelFor="rot-account">
        <HTMLSelect
          id="rot-account"
          large
          fill
          value={chosen}
          onChange={(e) => {
            setIdentityId(e.currentTarget.value);
            setExcluded(new Set());
            setCurrentPassword("");
          }}
          options={accounts.map((a) => ({ label: `${a.name} (${a.controllers} controller${a.controllers === 1 ? "" : "s"})`, value: a.id }))}
        />
      </FormGroup>
      <fieldset className="fp-fieldset">
        <legend>Controllers</legend>
        {detail.loading && <p className="fp-card-note">Loading…</p>}
        {detail.error && <p className="fp-card-note">{detail.error.message}</p>}
        {d && controllers.length === 0 && <p className="fp-card-note">This account lives on no known controller.</p>}
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
          <HTMLSelect
            id="rot-reason"
            large
            fill
            value={reason}
            onChange={(e) => setReason(oneOf(RotationReason.options, e.currentTarget.value) ?? reason)}
            options={RotationReason.options.map((value) => ({ value, label: REASON_LABEL[value] }))}
          />
        </FormGroup>
        <FormGroup label="Work order" labelFor="rot-wo">
          <InputGroup id="rot-wo" size="large" value={workOrder} onValueChange={setWorkOrder} placeholder="WO-…" />
        </FormGroup>
        <FormGroup label="Operational state" labelFor="rot-state">
          <HTMLSelect
            id="rot-state"
            large
            fill
            value={opState}
            onChange={(e) => setOpState(oneOf(OperationalState.options, e.currentTarget.value) ?? opState)}
            options={OperationalState.options.map((value) => ({ value, label: OP_STATE_LABEL[value] }))}
          />
        </FormGroup>
      </div>
      {d && <CurrentPasswordField ownLogin={ownLogin} userName={d.row.name} value={currentPassword} onChange={setCurrentPassword} />}
      <ApprovalFields value={approval} onChange={setApproval} />
      <Callout intent={Intent.PRIMARY} icon="shield" className="fp-callout">
        Before any controller is touched, each new password is sealed to IT and recorded. The rotation only counts once the new password is accepted and the old one refused.
      </Callout>
    </FormDialog>
  );
}

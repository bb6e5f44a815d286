import { Callout, Checkbox, FormGroup, HTMLSelect, InputGroup, Intent } from "@blueprintjs/core";
import type { RotationRequest } from "../../../../shared/contract";
import { useApi } from "../../useApi";

/** The account a rotation was started for (the batch result and its retry name it). */
export interface RotatedAccount {
  readonly identityId: string;
  readonly userName: string;
}

/** The account's current password, or, for the technician's own login, a note that none is needed. */
export function CurrentPasswordField({ ownLogin, userName, value, onChange }: { readonly ownLogin: boolean; readonly userName: string; readonly value: string; readonly onChange: (value: string) => void }): React.JSX.Element {
  if (ownLogin) {
    return (
      <Callout intent={Intent.NONE} icon="lock" className="fp-callout fp-gap-bottom" data-testid="own-login-note" title="No current password needed">
        {userName} is your own controller login on these controllers: Fieldproof takes its current password from this laptop's vault, and stores the new one there.
      </Callout>
    );
  }
  return (
    <FormGroup label="Current password of the account" labelFor="rot-current" helperText="Proves the old password stops working. If a controller refuses it, the batch stops there before it can lock the account out.">
      <InputGroup id="rot-current" size="large" type="password" autoComplete="off" value={value} onValueChange={onChange} />
    </FormGroup>
  );
}

export interface ApprovalValue {
  readonly personId: string;
  readonly pin: string;
  readonly emergency: boolean;
}

export const NO_APPROVAL: ApprovalValue = { personId: "", pin: "", emergency: false };

/** The request's approval, or none when nobody was chosen. */
export function approvalRequest(value: ApprovalValue, emergencyState: boolean): RotationRequest["approval"] {
  return value.personId ? { personId: value.personId, pin: value.pin, emergency: value.emergency || emergencyState } : undefined;
}

/** An approver was chosen but their PIN is still missing. */
export function approvalIncomplete(value: ApprovalValue): boolean {
  return value.personId !== "" && value.pin === "";
}

/** Dual control: a second person with an approver key confirms with their PIN on this laptop. */
export function ApprovalFields({ value, onChange }: { readonly value: ApprovalValue; readonly onChange: (value: ApprovalValue) => void }): React.JSX.Element {
  const owners = useApi("owners.list", {});
  const approvers = (owners.data?.people ?? []).filter((p) => p.hasApproverKey && !p.leftAt);
  return (
    <>
      <div className="fp-form-row">
        <FormGroup label="Approved by" labelFor="rot-approver" helperText="Dual control: shared and break-glass accounts need a second person.">
          <HTMLSelect
            id="rot-approver"
            large
            fill
            value={value.personId}
            onChange={(e) => onChange({ ...value, personId: e.currentTarget.value, pin: "" })}
            options={[{ label: approvers.length ? "No approver" : "No approver (nobody has an approver key yet)", value: "" }, ...approvers.map((p) => ({ label: `${p.name} (${p.role})`, value: p.personId }))]}
          />
        </FormGroup>
        <FormGroup label="Approver's PIN" labelFor="rot-pin" helperText={value.personId ? "Typed by the approver." : "Choose an approver first."}>
          <InputGroup id="rot-pin" size="large" type="password" autoComplete="off" value={value.pin} onValueChange={(pin) => onChange({ ...value, pin })} disabled={!value.personId} />
        </FormGroup>
      </div>
      <Checkbox large checked={value.emergency} onChange={(e) => onChange({ ...value, emergency: e.currentTarget.checked })} label="Emergency override (only those named for overrides may approve; recorded as such)" />
    </>
  );
}

import { useState } from "react";
import type { JobStatus } from "../../../../shared/contract";
import { FormDialog } from "../../components/FormDialog";
import { useApi, useWrite } from "../../useApi";
import { ApprovalFields, approvalIncomplete, approvalRequest, CurrentPasswordField, NO_APPROVAL, type ApprovalValue, type RotatedAccount } from "./RotationFields";

interface Props {
  readonly batchId: string;
  readonly account: RotatedAccount;
  /** Controllers of the batch not done yet (failed, refused, interrupted). */
  readonly notDone: number;
  readonly onClose: () => void;
  readonly onStarted: (job: JobStatus) => void;
}

/**
 * Rotates again where the batch did not finish. Main keeps neither the current password nor the
 * approver's PIN, so they are asked again here (a refused current password is usually why).
 */
export function RetryDialog({ batchId, account, notDone, onClose, onStarted }: Props): React.JSX.Element {
  const detail = useApi("identities.get", { id: account.identityId });
  const [currentPassword, setCurrentPassword] = useState("");
  const [approval, setApproval] = useState<ApprovalValue>(NO_APPROVAL);
  const [error, setError] = useState<string>();
  const retry = useWrite("rotations.retryFailed");
  const ownLogin = detail.data?.ownLogin ?? false;

  async function run(): Promise<void> {
    setError(undefined);
    const result = await retry.run({ batchId, ...(currentPassword && !ownLogin ? { currentPassword } : {}), approval: approvalRequest(approval, false) });
    setApproval((a) => ({ ...a, pin: "" }));
    if (!result.ok) return setError(result.error.message);
    onStarted(result.value);
  }

  return (
    <FormDialog
      onClose={onClose}
      title={`Retry ${account.userName} where it is not done`}
      icon="repeat"
      submitOnEnter={false}
      primary={{ text: `Retry on ${notDone} controller${notDone === 1 ? "" : "s"}`, icon: "repeat", onClick: () => void run(), disabled: !detail.data || approvalIncomplete(approval), busy: retry.busy }}
      error={error}
      errorTitle="Not started"
      errorTestId="retry-error"
    >
      <p>Same reason and work order as the batch. Controllers with a different current password than the others need a batch of their own.</p>
      {detail.data && <CurrentPasswordField ownLogin={ownLogin} userName={account.userName} value={currentPassword} onChange={setCurrentPassword} />}
      <ApprovalFields value={approval} onChange={setApproval} />
    </FormDialog>
  );
}

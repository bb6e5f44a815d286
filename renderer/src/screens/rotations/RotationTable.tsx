import { Button, HTMLTable, Icon, Intent, Tag } from "@blueprintjs/core";
import type { RotationRowView } from "../../../../shared/contract";
import { formatDateTime } from "../../format";
import { reasonLabel } from "./labels";

interface Props {
  readonly rows: readonly RotationRowView[];
  /** Rotations whose new password was shown in this session: proving one makes sense only after. */
  readonly revealed: ReadonlySet<string>;
  readonly onReveal: (row: RotationRowView) => void;
  readonly onConfirm: (row: RotationRowView) => void;
  /** Retry a failed row's batch where it did not finish (absent while a job runs). */
  readonly onRetry?: ((row: RotationRowView) => void) | undefined;
  /** A reveal or a confirmation is under way: its buttons wait. */
  readonly busy?: boolean;
}

function stateTag(state: string): React.JSX.Element {
  if (state === "committed") return <Tag intent={Intent.SUCCESS} icon="tick" size="large" minimal>rotated</Tag>;
  // Solid tags: minimal warning and danger tags lose contrast on the striped rows.
  if (state === "pending") return <Tag intent={Intent.WARNING} icon="time" size="large">pending</Tag>;
  if (state.startsWith("failed:new-and-old")) return <Tag intent={Intent.DANGER} icon="error" size="large">proof failed</Tag>;
  // The safe outcomes: the controller kept its old password, nothing changed there.
  if (state === "failed:old" || state === "resolved:not-applied") return <Tag icon="undo" size="large">not changed</Tag>;
  if (state.startsWith("failed")) return <Tag intent={Intent.DANGER} icon="cross" size="large">failed</Tag>;
  return <Tag size="large" minimal>{state.replace("resolved:", "")}</Tag>;
}

function proof(row: RotationRowView): React.JSX.Element {
  if (!row.proof) return <span className="fp-card-note">—</span>;
  if (row.state === "failed:old" || row.state === "resolved:not-applied") {
    return (
      <span className="fp-proof" title={`new: ${row.proof.newStatus ?? "—"}, old: ${row.proof.oldStatus ?? "—"}`}>
        <Icon icon="undo" aria-label="unchanged" /> old password still in place
      </span>
    );
  }
  const ok = (v: boolean | null): React.JSX.Element => (v === null ? <Icon icon="minus" aria-label="not tested" /> : v ? <Icon icon="tick-circle" intent={Intent.SUCCESS} aria-label="yes" /> : <Icon icon="cross-circle" intent={Intent.DANGER} aria-label="no" />);
  return (
    <span className="fp-proof" title={`new: ${row.proof.newStatus ?? "—"}, old: ${row.proof.oldStatus ?? "—"}`}>
      {ok(row.proof.newAccepted)} new accepted <span className="fp-sep">·</span> {ok(row.proof.oldRejected)} old refused
    </span>
  );
}

export function RotationTable({ rows, revealed, onReveal, onConfirm, onRetry, busy = false }: Props): React.JSX.Element {
  // Retry only the newest rotation of an account on a controller (an older failure may be done since).
  const newest = new Set<string>();
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.identityId}\u0000${r.controllerId}`;
    if (!seen.has(key)) newest.add(r.rotationId);
    seen.add(key);
  }
  return (
    <HTMLTable className="fp-table" striped aria-label="Rotations">
      <thead>
        <tr>
          <th scope="col">Started</th>
          <th scope="col">Account</th>
          <th scope="col">Controller</th>
          <th scope="col">Why</th>
          <th scope="col">State</th>
          <th scope="col">Proof</th>
          <th scope="col">Approved by</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.rotationId} data-testid={`rotation-${r.controllerId}`}>
            <td className="fp-nowrap">{formatDateTime(r.startedAt)}</td>
            <td>
              <strong>{r.userName}</strong>
            </td>
            <td>{r.controllerName}</td>
            <td>
              {reasonLabel(r.reason)} <span className="fp-card-note">({r.workOrder})</span>
            </td>
            <td>
              {stateTag(r.state)}
              <div className="fp-card-note">{r.summary}</div>
              {r.needsManualChange && (
                <div className="fp-button-row">
                  <Button size="large" icon="eye-open" text="Show new password" disabled={busy} onClick={() => onReveal(r)} />
                  <Button
                    size="large"
                    icon="tick"
                    intent={Intent.PRIMARY}
                    text="It is set: prove it"
                    disabled={busy || !revealed.has(r.rotationId)}
                    title={revealed.has(r.rotationId) ? undefined : "Show the new password and set it in the vendor tool first"}
                    onClick={() => onConfirm(r)}
                  />
                </div>
              )}
              {onRetry && r.batchId && r.state.startsWith("failed") && r.state !== "failed:new-and-old" && newest.has(r.rotationId) && (
                <div className="fp-button-row">
                  <Button size="large" icon="repeat" text="Retry…" disabled={busy} onClick={() => onRetry(r)} data-testid={`rotation-retry-${r.controllerId}`} />
                </div>
              )}
            </td>
            <td>{proof(r)}</td>
            <td>{r.approvals.map((a) => `${a.name}${a.authority === "override" ? " (emergency)" : ""}`).join(", ") || "—"}</td>
          </tr>
        ))}
      </tbody>
    </HTMLTable>
  );
}

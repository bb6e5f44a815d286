import { Button, HTMLTable, Icon, Intent, Tag } from "@blueprintjs/core";
import type { RotationRowView } from "../../../../shared/contract";
import { reasonLabel } from "./labels";

interface Props {
  readonly rows: readonly RotationRowView[];
  readonly onReveal: (row: RotationRowView) => void;
  readonly onConfirm: (row: RotationRowView) => void;
  /** A reveal or a confirmation is under way: its buttons wait. */
  readonly busy?: boolean;
}

function stateTag(state: string): React.JSX.Element {
  if (state === "committed") return <Tag intent={Intent.SUCCESS} icon="tick" size="large" minimal>rotated</Tag>;
  // Solid tags: minimal warning and danger tags lose contrast on the striped rows.
  if (state === "pending") return <Tag intent={Intent.WARNING} icon="time" size="large">pending</Tag>;
  if (state.startsWith("failed:new-and-old")) return <Tag intent={Intent.DANGER} icon="error" size="large">proof failed</Tag>;
  if (state.startsWith("failed")) return <Tag intent={Intent.DANGER} icon="cross" size="large">failed</Tag>;
  return <Tag size="large" minimal>{state.replace("resolved:", "")}</Tag>;
}

function proof(row: RotationRowView): React.JSX.Element {
  if (!row.proof) return <span className="fp-card-note">—</span>;
  const ok = (v: boolean | null): React.JSX.Element => (v === null ? <Icon icon="minus" aria-label="not tested" /> : v ? <Icon icon="tick-circle" intent={Intent.SUCCESS} aria-label="yes" /> : <Icon icon="cross-circle" intent={Intent.DANGER} aria-label="no" />);
  return (
    <span className="fp-proof" title={`new: ${row.proof.newStatus ?? "—"}, old: ${row.proof.oldStatus ?? "—"}`}>
      {ok(row.proof.newAccepted)} new accepted <span className="fp-sep">·</span> {ok(row.proof.oldRejected)} old refused
    </span>
  );
}

export function RotationTable({ rows, onReveal, onConfirm, busy = false }: Props): React.JSX.Element {
  return (
    <HTMLTable className="fp-table" striped aria-label="Rotations">
      <thead>
        <tr>
          <th scope="col">Started (UTC)</th>
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
            <td className="fp-nowrap">{r.startedAt.slice(0, 16).replace("T", " ")}</td>
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
                  <Button size="large" icon="tick" intent={Intent.PRIMARY} text="It is set: prove it" disabled={busy} onClick={() => onConfirm(r)} />
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

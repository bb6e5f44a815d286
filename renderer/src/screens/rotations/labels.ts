// Words for the rotation enums, over the shared schemas' own options: a new reason or state without
// a label here does not compile. Plain TypeScript (no JSX), unit-tested.
import { RotationReason, type OperationalState } from "../../../../shared/evidence/kinds";

export type Reason = (typeof RotationReason.options)[number];
export type OpState = (typeof OperationalState.options)[number];

export const REASON_LABEL: Record<Reason, string> = {
  schedule: "Scheduled rotation",
  "holder-left": "A holder left",
  "break-glass-used": "Break-glass account was used",
  "suspected-exposure": "Suspected exposure",
  commissioning: "Commissioning",
  "vendor-session-ended": "Vendor session ended",
};

export const OP_STATE_LABEL: Record<OpState, string> = {
  normal: "Normal operation",
  "maintenance-window": "Maintenance window",
  emergency: "Emergency",
  commissioning: "Commissioning",
  "vendor-session": "Vendor session",
};

/** The option `value` names, typed; undefined for anything else (what a select hands back is a string). */
export function oneOf<T extends string>(options: readonly T[], value: string): T | undefined {
  return options.find((option) => option === value);
}

/** A recorded reason in words (a reason this build does not know is shown as it is). */
export function reasonLabel(reason: string): string {
  const known = oneOf(RotationReason.options, reason);
  return known ? REASON_LABEL[known] : reason;
}

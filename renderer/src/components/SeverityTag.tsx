import { Intent, Tag } from "@blueprintjs/core";
import type { Severity } from "../../../shared/domain/identity";

const INTENT: Record<Severity, Intent> = {
  critical: Intent.DANGER,
  high: Intent.DANGER,
  medium: Intent.WARNING,
  low: Intent.PRIMARY,
  info: Intent.NONE,
};

const ICON: Record<Severity, "error" | "warning-sign" | "info-sign"> = {
  critical: "error",
  high: "error",
  medium: "warning-sign",
  low: "info-sign",
  info: "info-sign",
};

export function SeverityTag({ severity, children, minimal = true }: { readonly severity: Severity; readonly children?: React.ReactNode; readonly minimal?: boolean }): React.JSX.Element {
  return (
    <Tag intent={INTENT[severity]} icon={ICON[severity]} minimal={minimal} size="large">
      {children ?? severity}
    </Tag>
  );
}

export const SEVERITY_ORDER: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

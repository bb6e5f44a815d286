import { Icon, Intent, Tag } from "@blueprintjs/core";
import type { ErrorValue, SyncStatus, SystemInfo } from "../../../shared/contract";
import { syncText } from "../syncText";

interface Props {
  readonly info: SystemInfo | undefined;
  /** The automatic sync to IT's collector; when one is set, the status bar says its state. */
  readonly sync: SyncStatus | undefined;
  readonly error: ErrorValue | undefined;
}

const SYNC_TEXT = {
  never: { text: "IT: never synced", intent: Intent.WARNING },
  synced: { text: "IT: in sync", intent: Intent.SUCCESS },
  behind: { text: "IT: records not yet receipted", intent: Intent.WARNING },
} as const;

const TONE = { success: Intent.SUCCESS, warning: Intent.WARNING, danger: Intent.DANGER, none: Intent.NONE } as const;

export function StatusBar({ info, sync: live, error }: Props): React.JSX.Element {
  if (error) {
    return (
      <footer className="fp-statusbar" role="contentinfo">
        <Tag intent={Intent.DANGER} icon="error" size="large">
          {error.message}
        </Tag>
      </footer>
    );
  }
  const sync = info ? SYNC_TEXT[info.itSync.state] : undefined;
  const auto = live ? syncText(live) : null;
  return (
    <footer className="fp-statusbar" role="contentinfo" aria-label="Status">
      <span className="fp-status-item" title="Device name">
        <Icon icon="desktop" aria-hidden /> <span data-testid="status-device">{info?.deviceName ?? "…"}</span>
      </span>
      <span className="fp-status-item fp-status-path" title={info?.storePath}>
        <Icon icon="database" aria-hidden /> <span data-testid="status-store">{info?.storePath ?? "…"}</span>
      </span>
      <span className="fp-status-spacer" />
      {auto && live && (
        <Tag intent={TONE[auto.tone]} minimal size="large" data-testid="status-sync" title={live.message ?? live.collectorUrl ?? undefined}>
          {auto.text}
        </Tag>
      )}
      {!auto && sync && info && (
        <Tag intent={sync.intent} minimal size="large" data-testid="status-sync">
          {sync.text}
          {info.itSync.recordsSinceReceipt > 0 ? ` · ${info.itSync.recordsSinceReceipt} pending` : ""}
        </Tag>
      )}
      <span className="fp-status-item fp-status-version">v{info?.appVersion ?? ""}</span>
    </footer>
  );
}

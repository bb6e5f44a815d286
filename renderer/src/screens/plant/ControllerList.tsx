import { Button, Icon, Intent, Tag } from "@blueprintjs/core";
import type { ControllerSummary } from "../../../../shared/contract";
import { SEVERITY_ORDER, SeverityTag } from "../../components/SeverityTag";

interface Props {
  readonly controllers: readonly ControllerSummary[];
  readonly selected: string | undefined;
  readonly onSelect: (id: string) => void;
}

/** Site > area > line, one card per line; cells and controllers inside, with posture badges. */
export function ControllerList({ controllers, selected, onSelect }: Props): React.JSX.Element {
  const lines = new Map<string, ControllerSummary[]>();
  for (const c of controllers) {
    const key = `${c.area}\u0000${c.line}`;
    lines.set(key, [...(lines.get(key) ?? []), c]);
  }
  return (
    <div className="fp-lines">
      {[...lines].map(([key, members]) => {
        const [area, line] = key.split("\u0000");
        return (
          <section key={key} className="fp-line" aria-label={`${area} › ${line}`}>
            <h2 className="fp-line-title">
              <span className="fp-line-area">{area} ›</span> {line}
            </h2>
            <ul className="fp-controller-rows">
              {members.map((c) => (
                <li key={c.id}>
                  <ControllerRowButton controller={c} selected={c.id === selected} onSelect={onSelect} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function ControllerRowButton({ controller: c, selected, onSelect }: { readonly controller: ControllerSummary; readonly selected: boolean; readonly onSelect: (id: string) => void }): React.JSX.Element {
  const counts = SEVERITY_ORDER.map((s) => [s, c.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  return (
    <Button className="fp-controller-row" variant="minimal" fill alignText="start" active={selected} aria-pressed={selected} onClick={() => onSelect(c.id)} data-testid={`controller-${c.id}`}>
      <span className="fp-controller-main">
        <TrustIcon controller={c} />
        <span className="fp-controller-name">{c.name}</span>
        <span className="fp-controller-meta">
          {c.cell} · {c.vendor} {c.model}
        </span>
      </span>
      <span className="fp-controller-badges">
        {c.reachable === false && (
          <Tag intent={Intent.DANGER} minimal size="large" icon="offline">
            unreachable
          </Tag>
        )}
        {c.lastObservedAt === null && (
          <Tag minimal size="large">
            not scanned
          </Tag>
        )}
        {counts.map(([severity, n]) => (
          <SeverityTag key={severity} severity={severity}>
            {n} {severity}
          </SeverityTag>
        ))}
      </span>
    </Button>
  );
}

function TrustIcon({ controller: c }: { readonly controller: ControllerSummary }): React.JSX.Element {
  if (c.trust === "changed") return <Icon icon="warning-sign" intent={Intent.DANGER} title="Certificate changed since it was trusted" aria-label="certificate changed" />;
  if (c.trust === "trusted") return <Icon icon="lock" intent={Intent.SUCCESS} title="Certificate trusted" aria-label="certificate trusted" />;
  if (c.trust === "rejected") return <Icon icon="disable" intent={Intent.DANGER} title="Certificate rejected" aria-label="certificate rejected" />;
  return <Icon icon="help" title="Certificate not trusted yet" aria-label="certificate not trusted yet" />;
}

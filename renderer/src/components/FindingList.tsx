import type { Finding } from "../../../shared/domain/identity";
import { SeverityTag } from "./SeverityTag";

/** Findings as a technician reads them: how bad, what, why, and what to do. */
export function FindingList({ findings, testId }: { readonly findings: readonly Finding[]; readonly testId?: string }): React.JSX.Element {
  return (
    <ul className="fp-findings" data-testid={testId}>
      {findings.map((f) => (
        <li key={`${f.code}-${f.subject.id}`} className="fp-finding">
          <div>
            <SeverityTag severity={f.severity} /> <strong>{f.title}</strong>
          </div>
          <p>{f.explanation}</p>
          <p className="fp-finding-action">
            <strong>What to do:</strong> {f.action}
          </p>
        </li>
      ))}
    </ul>
  );
}

import type { Finding, FindingCode, Severity } from "../domain/identity";

/** Most severe first: the order lists, badges and exports use. */
export const SEVERITY_ORDER: readonly Severity[] = Object.freeze(["critical", "high", "medium", "low", "info"]);

export function severityRank(severity: Severity): number {
  const rank = SEVERITY_ORDER.indexOf(severity);
  return rank === -1 ? SEVERITY_ORDER.length : rank;
}

/** Plain code-unit comparison: `localeCompare` depends on the machine's locale, and order must not. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Severity, then code, then subject (type, id): the same facts always list the same way. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(a.severity) - severityRank(b.severity) ||
    compareText(a.code, b.code) ||
    compareText(a.subject.type, b.subject.type) ||
    compareText(a.subject.id, b.subject.id) ||
    compareText(a.title, b.title)
  );
}

export interface FindingInput {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly subject: { readonly type: "identity" | "controller"; readonly id: string };
  readonly title: string;
  readonly explanation: string;
  readonly action: string;
  readonly references: readonly string[];
}

/** A frozen Finding. Typed as `Finding` so it drops into the zod contract without copying. */
export function makeFinding(input: FindingInput): Finding {
  return Object.freeze({
    code: input.code,
    severity: input.severity,
    subject: Object.freeze({ type: input.subject.type, id: input.subject.id }),
    title: input.title,
    explanation: input.explanation,
    action: input.action,
    references: Object.freeze([...new Set(input.references)]) as string[],
  });
}

/** Sorted and frozen. */
export function sortFindings(findings: readonly Finding[]): readonly Finding[] {
  return Object.freeze([...findings].sort(compareFindings));
}

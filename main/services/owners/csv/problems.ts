import { AppError } from "../../../../shared/domain/errors";

/** What is wrong with a CSV file, where: the 1-based line where the row (or the bad header, quote or byte) starts. */
export interface CsvProblem {
  readonly line: number;
  readonly reason: string;
}

const MAX_REPORTED = 20;

/** Import refused: every problem found, with its line. Nothing was applied. */
export class CsvImportError extends AppError {
  constructor(
    readonly file: string,
    readonly problems: readonly CsvProblem[],
  ) {
    super("INVALID_REQUEST", describeProblems(file, problems));
    this.name = "CsvImportError";
  }
}

/** A problem that stops the reading (bad bytes, a broken quote, a bad header): nothing after it can be trusted to be where it seems. */
export class CsvStop extends Error {
  constructor(readonly problem: CsvProblem) {
    super(`line ${problem.line}: ${problem.reason}`);
    this.name = "CsvStop";
  }
}

export function stopAt(line: number, reason: string): CsvStop {
  return new CsvStop({ line, reason });
}

/** Runs one reading step of `file`; a stop becomes the import's refusal. */
export function readingStep<T>(file: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof CsvStop) throw new CsvImportError(file, [error.problem]);
    throw error;
  }
}

function describeProblems(file: string, problems: readonly CsvProblem[]): string {
  const shown = problems.slice(0, MAX_REPORTED).map((p) => `line ${p.line}: ${p.reason}`);
  const more = problems.length > MAX_REPORTED ? [`… and ${problems.length - MAX_REPORTED} more`] : [];
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return [`Nothing was imported from ${file} (${count}; fix the file and import it again):`, ...shown, ...more].join("\n");
}

import { basename } from "node:path";
import type { CsvImportResult, CsvKind } from "../../../shared/contract";
import type { OwnersRepository } from "../../db/ownersRepository";
import type { OwnersService, PlannedImport } from "../ownersService";
import { decodeCsv } from "./csv/decode";
import { readCsvFile, writeFileAtomic } from "./csv/files";
import { CsvImportError, readingStep, type CsvProblem } from "./csv/problems";
import { detectSeparator, formatCsv, parseCsv, type CsvRecord } from "./csv/rfc4180";
import { CSV_KINDS, detectKind, readRows, type CsvItem } from "./csv/rows";

export interface OwnersCsvDeps {
  /** The import use cases: every row meets the same rules as the Owners screen. */
  readonly owners: OwnersService;
  /** What an export reads: the teams, people, ownerships and holders as the store has them. */
  readonly repo: OwnersRepository;
}

/**
 * CSV (RFC 4180) import and export of teams, people, owners and holders. A file holds one kind, told
 * by its header row. Import checks the whole file first and applies it in one journal transaction,
 * so a bad row leaves the store exactly as it was.
 */
export class OwnersCsv {
  constructor(private readonly deps: OwnersCsvDeps) {}

  importFile(path: string): CsvImportResult {
    const file = basename(path);
    const text = readingStep(file, () => decodeCsv(readCsvFile(path)));
    return this.importText(text, file);
  }

  /** Checks every row, then applies them all in one transaction; throws CsvImportError listing every problem. */
  importText(text: string, file: string): CsvImportResult {
    const [header, ...body] = readingStep(file, () => parseCsv(text, detectSeparator(text)));
    if (!header) throw new CsvImportError(file, [{ line: 1, reason: "the file is empty" }]);
    return this.importRows(readingStep(file, () => detectKind(header.fields)), header.fields, body, file);
  }

  exportText(kind: CsvKind): { kind: CsvKind; rows: number; text: string } {
    const { repo } = this.deps;
    // Cells in the order of CSV_KINDS[kind].columns.
    const rows: (string | null)[][] =
      kind === "teams"
        ? repo.teams().map((t) => [t.teamId, t.name, t.description])
        : kind === "people"
          ? repo.people().map((p) => [p.personId, p.name, p.role, p.employer, p.company, p.teamId, p.leftAt])
          : kind === "owners"
            ? repo.ownerships().map((o) => [o.targetType, o.targetId, o.ownerType, o.ownerId, o.purpose, o.scope, o.expiresAt])
            : repo.holders().map((h) => [h.identityId, h.personId, h.since, h.removedAt]);
    return { kind, rows: rows.length, text: formatCsv(CSV_KINDS[kind].columns, rows) };
  }

  exportFile(kind: CsvKind, path: string): { path: string; kind: CsvKind; rows: number; bytes: number } {
    const { rows, text } = this.exportText(kind);
    const bytes = Buffer.from(text, "utf8");
    writeFileAtomic(path, bytes);
    return { path, kind, rows, bytes: bytes.length };
  }

  private importRows<K extends CsvKind>(kind: K, header: readonly string[], body: readonly CsvRecord[], file: string): CsvImportResult {
    const problems: CsvProblem[] = [];
    const rows = readRows(kind, header, body, problems);
    const planned = this.plan(kind, rows.map((r) => r.item));
    for (const p of planned.problems) problems.push({ line: rows[p.index]!.line, reason: p.reason });
    if (problems.length > 0) throw new CsvImportError(file, problems.sort((a, b) => a.line - b.line));
    const records = planned.apply();
    return { kind, rows: rows.length, records, unchanged: rows.length - planned.changed };
  }

  private plan<K extends CsvKind>(kind: K, items: readonly CsvItem<K>[]): PlannedImport {
    const { owners } = this.deps;
    const importers: { readonly [P in CsvKind]: (items: readonly CsvItem<P>[]) => PlannedImport } = {
      teams: (i) => owners.importTeams(i),
      people: (i) => owners.importPeople(i),
      owners: (i) => owners.importOwnerships(i),
      holders: (i) => owners.importHoldings(i),
    };
    return importers[kind](items);
  }
}

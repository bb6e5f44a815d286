import { guardCell } from "./formulaGuard";
import { stopAt } from "./problems";

export interface CsvRecord {
  /** The line where the record starts. */
  readonly line: number;
  readonly fields: readonly string[];
}

export type Separator = "," | ";";

/**
 * The separator, told by the header line: a comma, or a semicolon where the header has semicolons
 * and no comma (a spreadsheet set to a language that writes decimal commas saves "CSV" that way).
 */
export function detectSeparator(text: string): Separator {
  const header = /^[\r\n]*([^\r\n]*)/.exec(text)?.[1] ?? "";
  return !header.includes(",") && header.includes(";") ? ";" : ",";
}

/**
 * RFC 4180: fields separated by commas (or, given, semicolons), records by CRLF (LF and CR alone are
 * accepted too); a field with a separator, quote or line break is quoted, a quote inside it doubled.
 * Empty lines are skipped. Structural errors (an unterminated quote, a stray quote) stop the parse:
 * nothing after them can be trusted to be where it seems.
 */
export function parseCsv(text: string, separator: Separator = ","): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  const ends = (c: string | undefined): boolean => c === separator || c === "\r" || c === "\n";
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let raw = false;
    for (;;) {
      if (text[i] === '"') {
        raw = true;
        const quoteLine = line;
        let value = "";
        i++;
        for (;;) {
          if (i >= n) throw stopAt(quoteLine, "a quoted field is never closed (unterminated quote)");
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n" || (c === "\r" && text[i + 1] !== "\n")) line++;
          value += c;
          i++;
        }
        if (i < n && !ends(text[i])) throw stopAt(line, 'text after a closing quote; a quote inside a quoted field is written twice ("")');
        fields.push(value);
      } else {
        let j = i;
        while (j < n && !ends(text[j])) j++;
        const value = text.slice(i, j);
        if (value.includes('"')) throw stopAt(line, 'a quote inside a field that does not start with a quote; wrap the field in quotes and write the quote twice ("")');
        if (value !== "") raw = true;
        fields.push(value);
        i = j;
      }
      if (text[i] === separator) {
        raw = true;
        i++;
        continue;
      }
      if (text[i] === "\r") i += text[i + 1] === "\n" ? 2 : 1;
      else if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (raw) records.push({ line: start, fields });
  }
  return records;
}

function quoteField(value: string): string {
  const v = guardCell(value);
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** UTF-8 with a BOM (spreadsheets then read the accents right), commas, CRLF line ends, RFC 4180 quoting, formula cells guarded. */
export function formatCsv(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  const lines = [header, ...rows].map((r) => r.map((f) => quoteField(f ?? "")).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

/** Cells a spreadsheet would run as a formula start with one of these (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** Export: a leading apostrophe makes a spreadsheet show the text instead of running it. */
export function guardCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** Import: undo the guard (an apostrophe before = + - @ tab CR is dropped), then trim. */
export function unguardCell(value: string): string {
  const v = value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
  return v.trim();
}

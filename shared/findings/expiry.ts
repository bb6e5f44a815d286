import { isCalendarDate } from "../domain/time";

/**
 * Expiry dates written into account descriptions by people: "expires 2026-12-05", "valid until
 * 5 Dec 2026", "exp. 05.12.2026", "gültig bis 05.12.2026". OPC UA has no field for an account's
 * expiry, so the description is where plants (and the demo plant) keep it.
 *
 * Only a date that directly follows an expiry word (with at most punctuation and "on", "the", "by"
 * between) is taken, so "installed 2024-03-01, expires 2026-12-05" gives the right one. Day-first and month-first numbers with slashes or dashes are read only when
 * they cannot be confused (one part above 12, or both equal); dotted dates are day-first, as
 * everywhere dots are used. Anything unclear gives null: a guessed expiry would invent or hide a
 * finding.
 */

const MAX_TEXT = 4000;
const WINDOW = 48;
/** What may stand between the expiry word and the date: punctuation and a few filler words ("expires on: ", "valid until the "). */
const GAP = /^[\s:,=(\-–—]*(?:(?:on|the|at|by|is|date|am|per|of)(?![a-z])[\s:,=(\-–—]*)*$/;

const KEYWORD =
  /\b(?:expire[sd]?|expiry|expiring|expiration|exp\.?|valid\s+(?:until|till|til|thru|through|to)|until|till|ends?(?:\s+on)?|end\s+date|good\s+(?:until|through|thru)|g(?:ü|ue)ltig\s+bis|ablauf(?:datum)?|l(?:ä|ae)uft\s+ab(?:\s+am)?)(?![a-z])/g;

const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, january: 1, januar: 1, jän: 1, jänner: 1,
  feb: 2, february: 2, februar: 2,
  mar: 3, march: 3, mär: 3, märz: 3, maerz: 3,
  apr: 4, april: 4,
  may: 5, mai: 5,
  jun: 6, june: 6, juni: 6,
  jul: 7, july: 7, juli: 7,
  aug: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  oct: 10, october: 10, okt: 10, oktober: 10,
  nov: 11, november: 11,
  dec: 12, december: 12, dez: 12, dezember: 12,
};

const MONTH_WORD = "([a-zäö]{3,9})";

interface Pattern {
  readonly re: RegExp;
  readonly read: (m: RegExpExecArray) => [number, number, number] | null;
}

const num = (value: string | undefined): number => Number(value ?? NaN);
const month = (word: string | undefined): number => (word !== undefined && Object.prototype.hasOwnProperty.call(MONTHS, word) ? (MONTHS[word] ?? NaN) : NaN);

/** Day-first or month-first numbers: only when the reading is unambiguous. */
function eitherOrder(a: number, b: number, year: number): [number, number, number] | null {
  if (a > 12 && b <= 12) return [year, b, a];
  if (b > 12 && a <= 12) return [year, a, b];
  if (a === b) return [year, a, a];
  return null;
}

const PATTERNS: readonly Pattern[] = [
  // 2026-12-05, 2026/12/05, 2026.12.05, 2026-12-05T18:00Z
  { re: /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/, read: (m) => [num(m[1]), num(m[2]), num(m[3])] },
  // 05.12.2026 (day first)
  { re: /(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/, read: (m) => [num(m[3]), num(m[2]), num(m[1])] },
  // 05/12/2026 or 12-05-2026: only unambiguous ones
  { re: /(?<!\d)(\d{1,2})[/-](\d{1,2})[/-](\d{4})(?!\d)/, read: (m) => eitherOrder(num(m[1]), num(m[2]), num(m[3])) },
  // 5 Dec 2026, 5th December 2026, 05-Dec-2026, 5. Dezember 2026, 5 of December, 2026
  {
    re: new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?\\.?[\\s-]*(?:of\\s+)?${MONTH_WORD}\\.?[\\s,-]*(\\d{4})(?!\\d)`),
    read: (m) => [num(m[3]), month(m[2]), num(m[1])],
  },
  // Dec 5, 2026, December 5th 2026
  { re: new RegExp(`${MONTH_WORD}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?!\\d)`), read: (m) => [num(m[3]), month(m[1]), num(m[2])] },
];

/** The first date right after `start` in `text`, as [year, month, day], or null. */
function dateAt(text: string, start: number): [number, number, number] | null {
  const window = text.slice(start, start + WINDOW);
  let best: { index: number; ymd: [number, number, number] } | null = null;
  for (const pattern of PATTERNS) {
    const m = pattern.re.exec(window);
    if (!m || !GAP.test(window.slice(0, m.index))) continue;
    const ymd = pattern.read(m);
    if (!ymd || !isCalendarDate(ymd[0], ymd[1], ymd[2])) continue;
    if (!best || m.index < best.index) best = { index: m.index, ymd };
  }
  return best ? best.ymd : null;
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** The expiry date written in `text`, as `YYYY-MM-DD`, or null when there is none or it is unclear. */
export function parseExpiryFromText(text: string): string | null {
  if (typeof text !== "string" || text.length === 0) return null;
  const lower = text.slice(0, MAX_TEXT).toLowerCase();
  for (const match of lower.matchAll(KEYWORD)) {
    const ymd = dateAt(lower, match.index + match[0].length);
    if (ymd) return `${ymd[0]}-${pad(ymd[1])}-${pad(ymd[2])}`;
  }
  return null;
}

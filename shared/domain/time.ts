/**
 * Date arithmetic for the rules, in UTC and in milliseconds since the epoch. The rules never read the
 * clock: `now` is always a parameter, so the same facts give the same findings on the bay and at IT.
 */

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// Year-first ISO 8601 with a time and an explicit zone: what the connector and the store write.
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Whether y-m-d is a real calendar day (2026-02-30 is not). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** True for a bare calendar date (`2026-12-05`), which means a whole day rather than an instant. */
export function isDateOnly(value: string): boolean {
  return ISO_DATE.test(value);
}

/**
 * Milliseconds for an ISO date (`2026-12-05`, midnight UTC) or instant (`2026-12-05T08:00:00Z`), or
 * null for anything else. Lenient parsers guess; a wrong guess here would invent or hide a finding,
 * so anything that is not plainly ISO is treated as unknown.
 */
export function parseInstant(value: string | null | undefined): number | null {
  if (typeof value !== "string" || value.length > 40) return null;
  const date = ISO_DATE.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    return isCalendarDate(year, month, day) ? Date.UTC(year, month - 1, day) : null;
  }
  const instant = ISO_INSTANT.exec(value);
  if (!instant) return null;
  if (!isCalendarDate(Number(instant[1]), Number(instant[2]), Number(instant[3]))) return null;
  if (Number(instant[4]) > 23 || Number(instant[5]) > 59 || Number(instant[6] ?? 0) > 59) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * The first instant at which something that "ends on" `value` is over. A bare date is the last valid
 * day (as vendors write "expires 2026-12-05"), so it ends at the following midnight UTC; an instant
 * ends at that instant.
 */
export function parseEnd(value: string | null | undefined): number | null {
  const ms = parseInstant(value);
  if (ms === null || typeof value !== "string") return null;
  return isDateOnly(value) ? ms + DAY_MS : ms;
}

/**
 * `months` calendar months after `ms`, in UTC, keeping the time of day. A day that does not exist in
 * the target month is clamped to its last day (31 Aug + 15 months = 30 Nov), which never lets a
 * deadline slip into the month after.
 */
export function addCalendarMonths(ms: number, months: number): number {
  const start = new Date(ms);
  const total = start.getUTCFullYear() * 12 + start.getUTCMonth() + Math.trunc(months);
  const year = Math.floor(total / 12);
  const month = total - year * 12;
  const day = Math.min(start.getUTCDate(), daysInMonth(year, month + 1));
  return Date.UTC(year, month, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds());
}

export function addDays(ms: number, days: number): number {
  return ms + days * DAY_MS;
}

/** Whole days from `from` to `to`, rounded down (negative when `to` is earlier). */
export function wholeDays(from: number, to: number): number {
  return Math.floor((to - from) / DAY_MS);
}

/** Whole calendar months from `from` to `to` (0 when `to` is not later). */
export function wholeMonths(from: number, to: number): number {
  if (to <= from) return 0;
  const a = new Date(from);
  const b = new Date(to);
  let months = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
  if (addCalendarMonths(from, months) > to) months -= 1;
  return Math.max(0, months);
}

/** `YYYY-MM-DD` (UTC) of an instant: how dates appear in explanations. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** "3 days", "1 day", "7 minutes": durations in the largest unit that fits, for explanations. */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  if (abs >= DAY_MS) return unit(Math.floor(abs / DAY_MS), "day");
  if (abs >= 3_600_000) return unit(Math.floor(abs / 3_600_000), "hour");
  if (abs >= MINUTE_MS) return unit(Math.floor(abs / MINUTE_MS), "minute");
  return unit(Math.floor(abs / 1000), "second");
}

// One way to write dates everywhere in the app: ISO-like, 24-hour, the laptop's local time
// ("2026-12-03 15:24"). Unambiguous on a plant floor and for an auditor, whatever the system's
// locale (03/12 is March in one country and December in the next). Plain TypeScript, unit-tested.

const DAY_ONLY = /^\d{4}-\d{2}-\d{2}$/;

const pad = (n: number): string => String(n).padStart(2, "0");

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The calendar day, "2026-12-03". A day on its own ("2026-12-03": a due date, a leave date) is a
 * calendar day and is shown as it is, never moved by the time zone; an instant is shown as the
 * laptop's local day. Null, undefined or an unreadable value give `fallback`.
 */
export function formatDate(value: string | number | Date | null | undefined, fallback = "—"): string {
  if (value === null || value === undefined || value === "") return fallback;
  if (typeof value === "string" && DAY_ONLY.test(value)) return value;
  const date = toDate(value);
  return date ? localDay(date) : fallback;
}

/** Day and minute in local time, "2026-12-03 15:24". */
export function formatDateTime(value: string | number | Date | null | undefined, fallback = "—"): string {
  if (value === null || value === undefined || value === "") return fallback;
  if (typeof value === "string" && DAY_ONLY.test(value)) return value;
  const date = toDate(value);
  return date ? `${localDay(date)} ${pad(date.getHours())}:${pad(date.getMinutes())}` : fallback;
}

/** Day and second in local time, "2026-12-03 15:24:07": where records seconds apart must be told apart (the journal). */
export function formatDateTimeSeconds(value: string | number | Date | null | undefined, fallback = "—"): string {
  const minute = formatDateTime(value, fallback);
  const date = value === null || value === undefined || value === "" || (typeof value === "string" && DAY_ONLY.test(value)) ? null : toDate(value);
  return date ? `${minute}:${pad(date.getSeconds())}` : minute;
}

/** Today in the technician's own time zone, "2026-12-03" (what they mean by "today"; the value of a date field). */
export function today(date: Date = new Date()): string {
  return localDay(date);
}

/** A value for <input type="datetime-local">: "2026-12-03T15:24" in local time. */
export function localMinuteInput(date: Date = new Date()): string {
  return `${localDay(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The minute, "10:42", when it is today; else day and minute ("2026-12-02 10:42"). For "in sync 10:42". */
export function formatClock(value: string | number | Date | null | undefined, now: Date = new Date(), fallback = "—"): string {
  if (value === null || value === undefined || value === "") return fallback;
  const date = toDate(value);
  if (!date) return fallback;
  return localDay(date) === localDay(now) ? `${pad(date.getHours())}:${pad(date.getMinutes())}` : formatDateTime(date, fallback);
}

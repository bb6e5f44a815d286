/**
 * Strings from a controller are hostile until cleaned: they end up in the UI, in signed evidence and
 * in exports. Markup is kept as text (the renderer escapes it, and evidence should say what the
 * controller said); what could spoof or break a display is removed.
 */

// C0/C1 controls, and bidirectional overrides/isolates that can make text read differently than it is.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

export interface CleanText {
  readonly text: string;
  /** The value had to be shortened. */
  readonly truncated: boolean;
}

/** Cleans a value into a string of at most `max` UTF-16 units; non-strings become "". */
export function cleanText(value: unknown, max: number): CleanText {
  if (typeof value !== "string") return { text: "", truncated: false };
  // Cut before cleaning too, so a multi-megabyte string costs no more than its first part.
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  const cleaned = head.replace(/[\t\n\r]+/g, " ").replace(UNSAFE, "");
  if (cleaned.length <= max && head.length === value.length) return { text: cleaned, truncated: false };
  if (cleaned.length <= max) return { text: cleaned, truncated: true };
  let cut = cleaned.slice(0, Math.max(0, max - 1));
  // Never leave half a surrogate pair behind.
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  return { text: `${cut}…`, truncated: true };
}

/** cleanText, or null for an empty / missing value. */
export function cleanOptional(value: unknown, max: number): string | null {
  const { text } = cleanText(value, max);
  return text.length > 0 ? text : null;
}

/** Counts what had to be shortened, so a posture can say so once instead of per field. */
export class TruncationTally {
  private count = 0;

  take(value: unknown, max: number): string {
    const result = cleanText(value, max);
    if (result.truncated) this.count += 1;
    return result.text;
  }

  get truncated(): number {
    return this.count;
  }
}

import type { IdentityKind } from "../domain/identity";

/**
 * Wording helpers. Names come from controllers and may be long or odd, so they are trimmed and
 * shortened before they go into a sentence; the UI escapes text, these only keep it readable.
 */

const MAX_NAME = 80;

/** A name for a sentence: control characters and runs of whitespace flattened, long names cut. */
export function shortName(value: string, max: number = MAX_NAME): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const flat = value.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim();
  if (flat.length === 0) return "(no name)";
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `"maint"`: an account or identity name quoted in a sentence. */
export function quoted(value: string): string {
  return `"${shortName(value)}"`;
}

/** "A", "A and B", "A, B and C"; more than `max` items end with "and N more". */
export function listOf(items: readonly string[], max = 5): string {
  if (items.length === 0) return "";
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(", ")} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? "";
  return `${shown.slice(0, -1).join(", ")} and ${shown[shown.length - 1] ?? ""}`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** What the secret of an identity is called in a sentence. */
export function secretWord(kind: IdentityKind): string {
  switch (kind) {
    case "user":
    case "service":
      return "password";
    case "certificate":
      return "certificate";
    case "apiKey":
    case "sshKey":
      return "key";
  }
}

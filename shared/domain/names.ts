/** " Did you mean …?" for a typo: the nearest of `names` (edit distance), else the list when it is short. */
export function suggest(typed: string, names: readonly string[]): string {
  const scored = names.map((name) => ({ name, d: distance(typed.toLowerCase(), name.toLowerCase()) })).filter((n) => n.d <= Math.max(2, Math.floor(typed.length / 3)));
  if (scored.length > 0) {
    const best = Math.min(...scored.map((n) => n.d));
    const near = scored.filter((n) => n.d === best).slice(0, 3).map((n) => n.name);
    return ` Did you mean ${near.join(", ")}?`;
  }
  return names.length > 0 && names.length <= 12 ? ` Known: ${names.join(", ")}.` : "";
}

/** Levenshtein distance, one row at a time. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * Whether two ways of writing a person's name are the same person's: case, spacing and a
 * "Last, First" order do not matter ("Wei, Li" is "Li Wei"). Only one comma turns the order round.
 */
export function sameName(a: string, b: string): boolean {
  const forms = (name: string): string[] => {
    const plain = name.trim().replace(/\s+/g, " ").toLowerCase();
    const parts = plain.split(",");
    if (parts.length !== 2) return [plain];
    const [last, first] = parts.map((p) => p.trim());
    return [plain, `${first} ${last}`.trim()];
  };
  const left = forms(a);
  return forms(b).some((f) => left.includes(f));
}

/** Runs `work` over `items` with at most `limit` at once; stops starting new ones once `signal` aborts. */
export async function mapPool<T, R>(items: readonly T[], limit: number, signal: AbortSignal | undefined, work: (item: T, index: number) => Promise<R>, skipped: (item: T) => R): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      const item = items[index]!;
      results[index] = signal?.aborted ? skipped(item) : await work(item, index);
    }
  });
  await Promise.all(runners);
  return results;
}

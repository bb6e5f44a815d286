/**
 * Test seam for the crash-safety tests: when FIELDPROOF_TEST_PAUSE_AT names this point, the process
 * announces it on stderr and stops there, so the test can SIGKILL it at that exact step. Inert
 * otherwise (one environment read per step).
 */
export type CrashPoint = "sealed" | "changed" | "proved-new" | "proved-old" | "committed";

export async function crashPoint(point: CrashPoint): Promise<void> {
  if (process.env.FIELDPROOF_TEST_PAUSE_AT !== point) return;
  process.stderr.write(`fieldproof: paused at ${point}\n`);
  await new Promise<never>(() => {
    setInterval(() => undefined, 60_000);
  });
}

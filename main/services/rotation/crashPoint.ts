/** The steps of a rotation at which a crash must leave nothing unaccounted for (the crash tests stop at each). */
export type CrashPoint = "sealed" | "changed" | "proved-new" | "proved-old" | "committed";

/** Called at each step; the default does nothing. Only a test's composition root passes another. */
export type CrashHook = (point: CrashPoint) => Promise<void>;

export const noCrashHook: CrashHook = async () => undefined;

/**
 * The crash tests' seam: announce the step on stderr and stop there, so the test can SIGKILL the
 * process at that exact step. Built only by the CLI's composition root, when the test asks for it.
 */
export function pauseAt(point: CrashPoint): CrashHook {
  return async (reached) => {
    if (reached !== point) return;
    process.stderr.write(`fieldproof: paused at ${point}\n`);
    await new Promise<never>(() => {
      setInterval(() => undefined, 60_000);
    });
  };
}

export function isCrashPoint(value: string): value is CrashPoint {
  return ["sealed", "changed", "proved-new", "proved-old", "committed"].includes(value);
}

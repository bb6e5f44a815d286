import { randomBytes } from "node:crypto";
import type { JobStatus } from "../../shared/contract";
import { AppError, type ErrorValue } from "../../shared/domain/errors";

export interface JobContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number, label?: string): void;
}

interface JobEntry {
  status: JobStatus;
  readonly controller: AbortController;
  done: Promise<void>;
  result: unknown;
  /** When the entry may be forgotten (set when the job ends, shortened once its result is read). */
  expiresAt: number;
}

export interface JobRegistryOptions {
  readonly now?: () => Date;
  /** How long a finished job's result waits to be read. */
  readonly keepUnreadMs?: number;
  /** How long a job stays known after its result was read (a window that asks twice still gets it). */
  readonly keepReadMs?: number;
}

const NAMES: Readonly<Record<string, string>> = {
  "plant.scan": "a scan",
  "evidence.export": "an export",
  "rotations.start": "a rotation batch",
  "rotations.resolve": "a resolution of interrupted rotations",
};

/**
 * Long work runs here so the renderer (or the CLI) can poll progress and cancel it. Finished jobs are
 * forgotten a while after they end, or soon after their result is read, so a long-running app does not
 * keep every scan's results in memory.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();
  private readonly now: () => Date;
  private readonly keepUnreadMs: number;
  private readonly keepReadMs: number;

  constructor(options: JobRegistryOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.keepUnreadMs = options.keepUnreadMs ?? 15 * 60_000;
    this.keepReadMs = options.keepReadMs ?? 30_000;
  }

  start<T>(kind: string, label: string, work: (ctx: JobContext) => Promise<T>): JobStatus {
    this.sweep();
    const id = `job-${randomBytes(8).toString("hex")}`;
    const controller = new AbortController();
    const status: JobStatus = { id, kind, state: "running", done: 0, total: 0, label, startedAt: this.now().toISOString(), finishedAt: null, error: null };
    const entry: JobEntry = { status, controller, done: Promise.resolve(), result: undefined, expiresAt: Number.POSITIVE_INFINITY };
    this.jobs.set(id, entry);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, next) => {
        entry.status = { ...entry.status, done, total, label: next ?? entry.status.label };
      },
    };
    const finish = (patch: Partial<JobStatus>): void => {
      entry.status = { ...entry.status, ...patch, finishedAt: this.now().toISOString() };
      entry.expiresAt = this.now().getTime() + this.keepUnreadMs;
    };
    // A synchronous throw in `work` fails the job like a rejection does.
    entry.done = new Promise<T>((resolve) => resolve(work(ctx))).then(
      (result) => {
        entry.result = result;
        finish({ state: controller.signal.aborted ? "cancelled" : "done" });
      },
      (error: unknown) => {
        const cancelled = controller.signal.aborted;
        finish({ state: cancelled ? "cancelled" : "failed", error: cancelled ? null : toErrorValue(error) });
      },
    );
    return entry.status;
  }

  status(id: string): JobStatus {
    return this.entry(id).status;
  }

  /**
   * The result of a finished job of this kind. A job of another kind, one still running, or one that
   * failed is refused with a message saying which.
   */
  result<T>(id: string, kind: string): T {
    const entry = this.entry(id);
    const { status } = entry;
    if (status.kind !== kind) {
      throw new AppError("INVALID_REQUEST", `Job ${id} is ${NAMES[status.kind] ?? status.kind}, not ${NAMES[kind] ?? kind}: ask for its result where it was started.`);
    }
    if (status.state === "running") throw new AppError("PRECONDITION_FAILED", `Job ${id} (${status.label}) has not finished yet; wait until its status is done.`);
    if (status.state === "failed") throw new AppError("PRECONDITION_FAILED", `Job ${id} (${status.label}) failed, so it has no result: ${status.error?.message ?? "no reason given"}`);
    if (entry.result === undefined) throw new AppError("PRECONDITION_FAILED", `Job ${id} (${status.label}) was cancelled before it had a result.`);
    entry.expiresAt = Math.min(entry.expiresAt, this.now().getTime() + this.keepReadMs);
    return entry.result as T;
  }

  cancel(id: string): JobStatus {
    const entry = this.entry(id);
    if (entry.status.state === "running") entry.controller.abort();
    return entry.status;
  }

  /** Waits until the job leaves the running state (for the CLI and tests). */
  async settle(id: string): Promise<JobStatus> {
    const entry = this.entry(id);
    await entry.done;
    return entry.status;
  }

  /** How many jobs are remembered (running, or finished and not yet forgotten). */
  size(): number {
    this.sweep();
    return this.jobs.size;
  }

  private entry(id: string): JobEntry {
    this.sweep();
    const entry = this.jobs.get(id);
    if (!entry) {
      throw new AppError("NOT_FOUND", `No job ${id} is known: it belongs to an earlier run of the app, or it finished and was forgotten (results are kept until read, for at most ${Math.round(this.keepUnreadMs / 60_000)} minutes).`);
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now().getTime();
    for (const [id, entry] of this.jobs) if (entry.expiresAt <= now) this.jobs.delete(id);
  }
}

function toErrorValue(error: unknown): ErrorValue {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

import { randomBytes } from "node:crypto";
import { AppError, type JobStatus } from "../../shared/contract";

export interface JobContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number, label?: string): void;
}

interface JobEntry {
  status: JobStatus;
  readonly controller: AbortController;
  result: unknown;
}

/** Long work runs here so the renderer (or the CLI) can poll progress and cancel it. */
export class JobRegistry {
  private readonly jobs = new Map<string, JobEntry>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  start<T>(kind: string, label: string, work: (ctx: JobContext) => Promise<T>): JobStatus {
    const id = `job-${randomBytes(8).toString("hex")}`;
    const controller = new AbortController();
    const entry: JobEntry = {
      controller,
      result: undefined,
      status: { id, kind, state: "running", done: 0, total: 0, label, startedAt: this.now().toISOString(), finishedAt: null, error: null },
    };
    this.jobs.set(id, entry);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, next) => {
        entry.status = { ...entry.status, done, total, label: next ?? entry.status.label };
      },
    };
    work(ctx).then(
      (result) => {
        entry.result = result;
        entry.status = { ...entry.status, state: controller.signal.aborted ? "cancelled" : "done", finishedAt: this.now().toISOString() };
      },
      (error: unknown) => {
        const cancelled = controller.signal.aborted;
        entry.status = {
          ...entry.status,
          state: cancelled ? "cancelled" : "failed",
          finishedAt: this.now().toISOString(),
          error: cancelled ? null : toErrorValue(error),
        };
      },
    );
    return entry.status;
  }

  status(id: string): JobStatus {
    return this.entry(id).status;
  }

  result<T>(id: string): T | undefined {
    return this.entry(id).result as T | undefined;
  }

  cancel(id: string): JobStatus {
    const entry = this.entry(id);
    if (entry.status.state === "running") entry.controller.abort();
    return entry.status;
  }

  /** Waits until the job leaves the running state (for the CLI and tests). */
  async settle(id: string, pollMs = 25): Promise<JobStatus> {
    for (;;) {
      const status = this.status(id);
      if (status.state !== "running") return status;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private entry(id: string): JobEntry {
    const entry = this.jobs.get(id);
    if (!entry) throw new AppError("NOT_FOUND", `No job ${id} is known to this session. It may belong to an earlier run of the app.`);
    return entry;
  }
}

function toErrorValue(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

import { z } from "zod";
import { ERROR_CODES } from "../domain/errors";
import { channel } from "./channel";

/** Long work (scans, batch rotations, exports) runs as a job the renderer polls for progress. */
export const JobId = z.string().regex(/^job-[0-9a-f]{16}$/, "job ids look like job-<16 hex digits>");

export const JobStatus = z.object({
  id: JobId,
  kind: z.string(),
  state: z.enum(["running", "done", "failed", "cancelled"]),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  label: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
});
export type JobStatus = z.infer<typeof JobStatus>;

export const jobChannels = {
  "jobs.status": channel(z.strictObject({ id: JobId }), JobStatus, "Progress of a long-running job"),
  "jobs.cancel": channel(z.strictObject({ id: JobId }), JobStatus, "Ask a running job to stop"),
};

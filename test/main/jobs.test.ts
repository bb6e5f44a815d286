import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createHandlers, createInvoke, type InvokeResult } from "../../main/ipc";
import { createServices, type Services } from "../../main/services";
import { JobRegistry } from "../../main/services/jobs";
import { AppError } from "../../shared/domain/errors";
import { tempDir } from "../support/tempDir";

describe("jobs: results are read once, by the right kind, and then forgotten", () => {
  let clock = Date.parse("2026-12-03T08:00:00Z");
  const now = (): Date => new Date(clock);

  it("forgets a job shortly after its result is read", async () => {
    const jobs = new JobRegistry({ now });
    const job = jobs.start("plant.scan", "Scanning", async () => ["outcome"]);
    await jobs.settle(job.id);
    expect(jobs.result<string[]>(job.id, "plant.scan")).toEqual(["outcome"]);
    expect(jobs.result<string[]>(job.id, "plant.scan")).toEqual(["outcome"]); // a window that asks twice still gets it
    clock += 31_000;
    expect(() => jobs.status(job.id)).toThrow(/No job job-[0-9a-f]{16} is known/);
    expect(jobs.size()).toBe(0);
  });

  it("forgets a finished job whose result nobody reads, after 15 minutes, but never a running one", async () => {
    const jobs = new JobRegistry({ now });
    const finished = jobs.start("plant.scan", "Scanning", async () => []);
    let release!: () => void;
    const running = jobs.start("rotations.start", "Rotating", () => new Promise<void>((resolve) => (release = resolve)));
    await jobs.settle(finished.id);
    clock += 14 * 60_000;
    expect(jobs.status(finished.id).state).toBe("done");
    clock += 2 * 60_000;
    expect(() => jobs.status(finished.id)).toThrow(AppError);
    expect(jobs.status(running.id).state).toBe("running");
    release();
    await jobs.settle(running.id);
    expect(jobs.size()).toBe(1);
  });

  it("settles by awaiting the job, not by polling a timer", async () => {
    vi.useFakeTimers();
    try {
      const jobs = new JobRegistry({ now });
      const job = jobs.start("evidence.export", "Exporting", async () => ({ ok: true }));
      // With fake timers a polling settle() would never return.
      await expect(jobs.settle(job.id)).resolves.toMatchObject({ state: "done" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("says why there is no result: still running, failed, cancelled", async () => {
    const jobs = new JobRegistry({ now });
    let release!: () => void;
    const running = jobs.start("plant.scan", "Scanning", () => new Promise<string[]>((resolve) => (release = () => resolve([]))));
    expect(() => jobs.result(running.id, "plant.scan")).toThrow(/has not finished yet/);
    release();
    const failed = jobs.start("plant.scan", "Scanning", async () => {
      throw new AppError("UNREACHABLE", "Line 2 PLC did not answer.");
    });
    await jobs.settle(failed.id);
    expect(jobs.status(failed.id).error).toEqual({ code: "UNREACHABLE", message: "Line 2 PLC did not answer." });
    expect(() => jobs.result(failed.id, "plant.scan")).toThrow(/failed, so it has no result: Line 2 PLC did not answer/);
    const cancelled = jobs.start("plant.scan", "Scanning", (ctx) => new Promise<string[]>((_resolve, reject) => ctx.signal.addEventListener("abort", () => reject(new Error("stopped")))));
    jobs.cancel(cancelled.id);
    await jobs.settle(cancelled.id);
    expect(() => jobs.result(cancelled.id, "plant.scan")).toThrow(/cancelled before it had a result/);
  });

  it("fails a job whose work throws synchronously instead of losing it", async () => {
    const jobs = new JobRegistry({ now });
    const job = jobs.start("plant.scan", "Scanning", (() => {
      throw new AppError("INVALID_REQUEST", "bad target");
    }));
    await expect(jobs.settle(job.id)).resolves.toMatchObject({ state: "failed", error: { code: "INVALID_REQUEST", message: "bad target" } });
  });

  describe("through the contract", () => {
    let dir: ReturnType<typeof tempDir>;
    let services: Services;
    let invokeResult: InvokeResult;

    beforeEach(() => {
      dir = tempDir();
      services = createServices({ dataDir: dir.path, runtime: "test" });
      invokeResult = createInvoke(createHandlers(services)).invokeResult;
    });
    afterEach(async () => {
      await services.close();
      dir.cleanup();
    });

    it("refuses a scan job's id where an export's result is asked for, naming both kinds", async () => {
      const scan = services.jobs.start("plant.scan", "Scanning controllers", async () => []);
      await services.jobs.settle(scan.id);
      const asExport = await invokeResult("evidence.exportResult", { jobId: scan.id });
      expect(asExport).toEqual({ ok: false, error: { code: "INVALID_REQUEST", message: `Job ${scan.id} is a scan, not an export: ask for its result where it was started.` } });
      const asScan = await invokeResult("plant.scanResult", { jobId: scan.id });
      expect(asScan).toEqual({ ok: true, value: { outcomes: [] } });
    });

    it("answers NOT_FOUND for a job it does not know", async () => {
      const result = await invokeResult("rotations.batchResult", { jobId: "job-0123456789abcdef" });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("NOT_FOUND");
    });
  });
});

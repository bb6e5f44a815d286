import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RefusalAnswer, UploadAnswer, type SyncStatus } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";

/** How a bundle travels to the collector (the collector's server checks the same type). */
export const BUNDLE_CONTENT_TYPE = "application/x-tar";

/** What a sync needs from the laptop: the export and receipt import the USB path uses. */
export interface SyncLaptop {
  /** Records not yet covered by IT's receipt (0: nothing to send). */
  pending(): Promise<number>;
  /** Writes the bundle of every record after IT's last receipt to `path` (the `export` use case). */
  exportBundle(path: string): Promise<{ firstSeq: number; lastSeq: number; records: number; bytes: number }>;
  /** Applies IT's receipt from `path` (the `receipt import` use case). */
  importReceipt(path: string): Promise<{ status: "imported" | "already-held"; treeSize: number; cosignedAt: string }>;
}

export type SyncResult =
  | { readonly status: "nothing-to-send" }
  | {
      readonly status: "imported" | "already-imported";
      readonly sent: { readonly firstSeq: number; readonly lastSeq: number; readonly records: number; readonly bytes: number };
      readonly newRecords: number;
      readonly treeSize: number;
      readonly receipt: { readonly status: "imported" | "already-held"; readonly treeSize: number; readonly cosignedAt: string };
      readonly ms: number;
    };

/** The collector answered and refused: `reason` is its machine-readable reason (unknown-device, fork, ...). */
export class SyncRefused extends AppError {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super("FORBIDDEN", message);
  }
}

const KEEP = "The evidence stays on this laptop; sync again when connected, or export it to USB (fieldproof export --out FILE).";

/**
 * Checks a collector address: http(s), no user or password in it (a credential in a setting ends up in
 * logs and screenshots), nothing after the host and port. Returns its origin, e.g. http://127.0.0.1:8443.
 */
export function collectorOrigin(collector: string, what = "--collector"): string {
  let url: URL;
  try {
    url = new URL(collector);
  } catch {
    throw new AppError("INVALID_REQUEST", `${what} expects a URL such as http://127.0.0.1:8443 (got "${collector}").`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AppError("INVALID_REQUEST", `${what} expects an http:// or https:// URL (got "${collector}").`);
  if (url.username || url.password) throw new AppError("INVALID_REQUEST", `${what} must not contain a user name or password; give only the address, e.g. http://127.0.0.1:8443.`);
  return url.origin;
}

/** One sync: export after the last receipt, upload it, apply the receipt the collector answers. */
export async function syncOnce(laptop: SyncLaptop, collector: string, options: { timeoutMs?: number } = {}): Promise<SyncResult> {
  const endpoint = new URL("/v1/bundles", collectorOrigin(collector));
  if ((await laptop.pending()) === 0) return { status: "nothing-to-send" };
  const work = mkdtempSync(join(tmpdir(), "fieldproof-sync-"));
  const started = performance.now();
  try {
    const bundlePath = join(work, "sync.tar");
    const sent = await laptop.exportBundle(bundlePath);
    const body = readFileSync(bundlePath);
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": BUNDLE_CONTENT_TYPE },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 300_000),
      });
    } catch (error) {
      throw unreachable(collector, error);
    }
    const text = await response.text();
    let reply: unknown;
    try {
      reply = JSON.parse(text);
    } catch {
      reply = undefined;
    }
    const notOurs = new AppError("PROTOCOL_ERROR", `${collector} answered HTTP ${response.status} with something that is not a Fieldproof collector's answer. Check the address. ${KEEP}`);
    if (!response.ok) {
      const refusal = RefusalAnswer.safeParse(reply);
      if (!refusal.success) throw notOurs;
      const message = `The collector refused the upload (${refusal.data.reason}): ${refusal.data.message} ${KEEP}`;
      if (response.status >= 500) throw new AppError("UNREACHABLE", message);
      throw new SyncRefused(refusal.data.reason, message);
    }
    const parsed = UploadAnswer.safeParse(reply);
    if (!parsed.success) throw notOurs;
    const answer = parsed.data;
    const receiptPath = join(work, "sync.receipt");
    writeFileSync(receiptPath, answer.receipt);
    const receipt = await laptop.importReceipt(receiptPath);
    return { status: answer.status, sent, newRecords: answer.newRecords, treeSize: answer.treeSize, receipt, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function unreachable(collector: string, error: unknown): AppError {
  const why = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = why?.code ?? why?.message ?? (error as Error).message;
  return new AppError("UNREACHABLE", `The collector at ${collector} did not answer (${detail}). ${KEEP}`, { cause: error });
}

/** Timers, injectable so tests drive the schedule. */
export interface SyncTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_TIMERS: SyncTimers = {
  set: (run, ms) => {
    const handle = setTimeout(run, ms);
    handle.unref(); // a pending probe never keeps the process alive
    return handle;
  },
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SyncServiceDeps {
  /** The collector's address from Settings; null: automatic sync is off. */
  readonly collectorUrl: () => string | null;
  readonly setCollectorUrl: (url: string | null) => void;
  /** The laptop's side; `pending` counts what is worth a sync (IT's receipt record alone is not). */
  readonly laptop: SyncLaptop;
  readonly now: () => Date;
  readonly timers: SyncTimers;
  /** First interval between probes, and after a success (ms). */
  readonly probeMs: number;
  /** Longest interval after repeated failures (ms). */
  readonly maxProbeMs: number;
  /** 0..1; the jitter source (±20 % of each interval). */
  readonly random: () => number;
  /** Probe timeout (ms). */
  readonly probeTimeoutMs?: number;
}

const OFF: SyncStatus = { state: "off", collectorUrl: null, recordsWaiting: 0, since: null, lastSyncAt: null, reason: null, message: null, nextProbeAt: null };

/**
 * Automatic sync to IT's collector: probes GET /healthz on start and on a timer with back-off, uploads
 * only after a successful probe and only when records are waiting, one sync at a time, and keeps a
 * state the status bar shows. Uses the same `syncOnce` as `fieldproof sync`.
 */
export class SyncService {
  private state: SyncStatus = OFF;
  private timer: unknown = undefined;
  private delay: number;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly deps: SyncServiceDeps) {
    this.delay = deps.probeMs;
  }

  status(): SyncStatus {
    const url = this.deps.collectorUrl();
    if (!url) return OFF;
    return { ...this.state, collectorUrl: url };
  }

  /** Starts the schedule: a probe now, then on the timer. Nothing happens while no address is set. */
  start(): void {
    this.stopped = false;
    this.delay = this.deps.probeMs;
    this.clearTimer();
    if (this.deps.collectorUrl()) void this.probeNow();
  }

  /** Stops the timer; a sync in flight finishes (its receipt is applied or it never was). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.running;
  }

  /** Sets or clears the collector's address (validated), and starts probing the new one (not awaited). */
  setCollector(url: string | null): void {
    const origin = url === null ? null : collectorOrigin(url, "The collector's address");
    this.deps.setCollectorUrl(origin);
    this.state = origin ? { ...OFF, state: "idle", collectorUrl: origin } : OFF;
    this.delay = this.deps.probeMs;
    this.clearTimer();
    if (origin && !this.stopped) void this.probeNow();
  }

  /** "Sync now": probe and sync at once (after the sync in flight, if any), back-off reset. */
  async syncNow(): Promise<SyncStatus> {
    if (!this.deps.collectorUrl()) throw new AppError("PRECONDITION_FAILED", "No collector address is set. Enter IT's collector address in Settings (e.g. http://it-ws-01:8443), or export the evidence to USB.");
    this.delay = this.deps.probeMs;
    await this.running;
    this.clearTimer();
    await this.probeNow();
    return this.status();
  }

  /** The device key was unlocked: a sync that waited for it goes now rather than at the next probe. */
  deviceUnlocked(): void {
    if (!this.stopped && this.state.state === "refused" && this.state.reason === "device-locked") {
      this.delay = this.deps.probeMs;
      this.clearTimer();
      void this.probeNow();
    }
  }

  /** One probe (and sync if due); a second call while one runs joins it. Resolves when it is done. */
  probeNow(): Promise<void> {
    this.running ??= this.tick().finally(() => {
      this.running = undefined;
      this.schedule();
    });
    return this.running;
  }

  private async tick(): Promise<void> {
    const url = this.deps.collectorUrl();
    if (!url) {
      this.state = OFF;
      return;
    }
    let waiting = 0;
    try {
      waiting = await this.deps.laptop.pending();
      await this.probe(url);
      if (waiting > 0) {
        this.set({ state: "syncing", recordsWaiting: waiting });
        const result = await syncOnce(this.deps.laptop, url);
        waiting = await this.deps.laptop.pending();
        const at = result.status === "nothing-to-send" ? this.state.lastSyncAt : this.deps.now().toISOString();
        this.set({ state: "in-sync", recordsWaiting: waiting, since: null, lastSyncAt: at ?? this.deps.now().toISOString(), reason: null, message: null });
      } else {
        this.set({ state: "in-sync", recordsWaiting: 0, since: null, lastSyncAt: this.state.lastSyncAt ?? this.deps.now().toISOString(), reason: null, message: null });
      }
      this.delay = this.deps.probeMs;
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError("INTERNAL", `Sync failed: ${(error as Error).message}`, { cause: error });
      if (failure.code === "UNREACHABLE" || failure.code === "TIMEOUT") {
        const since = this.state.state === "unreachable" && this.state.since ? this.state.since : this.deps.now().toISOString();
        this.set({ state: "unreachable", recordsWaiting: waiting, since, reason: null, message: failure.message });
      } else {
        const reason = failure instanceof SyncRefused ? failure.reason : failure.code === "LOCKED" ? "device-locked" : failure.code.toLowerCase().replaceAll("_", "-");
        this.set({ state: "refused", recordsWaiting: waiting, since: this.deps.now().toISOString(), reason, message: failure.message });
      }
      this.delay = Math.min(this.deps.maxProbeMs, this.delay * 2);
    }
  }

  /** GET /healthz: a Fieldproof collector answers 200 {"status":"ok"}. */
  private async probe(url: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(new URL("/healthz", url), { signal: AbortSignal.timeout(this.deps.probeTimeoutMs ?? 5_000) });
    } catch (error) {
      throw unreachable(url, error);
    }
    const body = (await response.json().catch(() => null)) as { status?: unknown } | null;
    if (!response.ok || body?.status !== "ok") {
      throw new AppError("PROTOCOL_ERROR", `${url} answered GET /healthz with HTTP ${response.status}, not as a Fieldproof collector. Check the collector's address in Settings. ${KEEP}`);
    }
  }

  private set(patch: Partial<SyncStatus>): void {
    this.state = { ...this.state, collectorUrl: this.deps.collectorUrl(), ...patch };
  }

  private schedule(): void {
    this.clearTimer();
    if (this.stopped || !this.deps.collectorUrl()) {
      this.state = { ...this.state, nextProbeAt: null };
      return;
    }
    const ms = Math.round(this.delay * (0.8 + 0.4 * this.deps.random()));
    this.state = { ...this.state, nextProbeAt: new Date(this.deps.now().getTime() + ms).toISOString() };
    this.timer = this.deps.timers.set(() => {
      this.timer = undefined;
      void this.probeNow();
    }, ms);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.deps.timers.clear(this.timer);
    this.timer = undefined;
  }
}

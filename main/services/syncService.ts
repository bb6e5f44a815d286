import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { connect, type ConnectionOptions, type TLSSocket } from "node:tls";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CollectorDeviceState, RefusalAnswer, UploadAnswer, type SyncStatus } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { sha256Hex } from "../evidence/crypto";
import { formatPin } from "../evidence/tls";

/** How a bundle travels to the collector (the collector's server checks the same type). */
export const BUNDLE_CONTENT_TYPE = "application/x-tar";

/** A sync sends the log in chunks of at most this many bytes of records (the sealed secrets they name ride along). */
export const CHUNK_BYTES = 4 * 1024 * 1024;

/** What a sync needs from the laptop: its journal, chunked exports, and the receipt import the USB path uses. */
export interface SyncLaptop {
  /** Records not yet covered by IT's receipt that are worth a sync (0: nothing to send). */
  pending(): Promise<number>;
  /** How many records the journal holds (its next seq). */
  journalSize(): Promise<number>;
  /** Writes a bundle of the records from `fromSeq` that fit in `maxBytes` (at least one), its checkpoint at the chunk's end. */
  exportChunk(path: string, fromSeq: number, maxBytes: number): Promise<{ firstSeq: number; lastSeq: number; records: number; bytes: number }>;
  /** Applies IT's receipt from `path` (the `receipt import` use case). */
  importReceipt(path: string): Promise<{ status: "imported" | "already-held"; treeSize: number; cosignedAt: string }>;
  /** The collector pin from IT's trust file and the laptop's client certificate (EvidenceService.collectorTls). */
  tls(): Promise<CollectorTlsTrust>;
}

/** How the laptop knows IT's collector, and how the collector knows the laptop. */
export interface CollectorTlsTrust {
  /** SHA-256 of the collector certificate's DER, from it-public.json (signed there by IT's key). */
  readonly pinSha256: string;
  /** The laptop's certificate over its device key, and that key (PEM, in memory only). */
  readonly client: { readonly certificatePem: string; readonly keyPem: string };
}

export type SyncResult =
  | { readonly status: "nothing-to-send" }
  | {
      readonly status: "imported" | "already-imported";
      /** What this sync sent: from the first seq IT did not hold to the last, in `chunks` uploads. */
      readonly sent: { readonly firstSeq: number; readonly lastSeq: number; readonly records: number; readonly bytes: number; readonly chunks: number };
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
 * Checks a collector address: https only (the collector is pinned; plain http would send the plant's
 * evidence in clear), no user or password in it (a credential in a setting ends up in logs and
 * screenshots), nothing after the host and port. Returns its origin, e.g. https://127.0.0.1:8443.
 */
export function collectorOrigin(collector: string, what = "--collector"): string {
  let url: URL;
  try {
    url = new URL(collector);
  } catch {
    throw new AppError("INVALID_REQUEST", `${what} expects a URL such as https://it-ws-01:8443 (got "${collector}").`);
  }
  if (url.protocol === "http:") throw new AppError("INVALID_REQUEST", `${what} must be https:// (the collector speaks only HTTPS, with the certificate IT's trust file pins): https://${url.host}.`);
  if (url.protocol !== "https:") throw new AppError("INVALID_REQUEST", `${what} expects an https:// URL (got "${collector}").`);
  if (url.username || url.password) throw new AppError("INVALID_REQUEST", `${what} must not contain a user name or password; give only the address, e.g. https://it-ws-01:8443.`);
  return url.origin;
}

/** The collector presented another certificate than the one pinned: possibly an impostor. */
export class PinMismatch extends Error {
  constructor(
    readonly presented: string | null,
    readonly pinned: string,
  ) {
    super("collector certificate changed");
  }
}

/**
 * An agent that checks the pin itself, before any byte of the request is written: no CA and no
 * validity dates decide (a laptop's clock can be years off), the certificate's SHA-256 does.
 * (node's Agent takes an asynchronous createConnection: it waits for `done`.)
 */
function pinnedAgent(pin: string): Agent {
  const agent = new Agent({ keepAlive: false });
  const createConnection = (options: ConnectionOptions, done: (error: Error | null, socket?: TLSSocket) => void): undefined => {
    const socket = connect({ ...options, rejectUnauthorized: false });
    const fail = (error: Error): void => done(error);
    socket.once("error", fail);
    socket.once("secureConnect", () => {
      socket.off("error", fail);
      const cert = socket.getPeerX509Certificate();
      const presented = cert ? sha256Hex(cert.raw) : null;
      if (presented !== pin) {
        socket.destroy();
        done(new PinMismatch(presented, pin));
        return;
      }
      done(null, socket);
    });
    return undefined;
  };
  Object.assign(agent, { createConnection });
  return agent;
}

/** One HTTPS request to the collector over the pinned agent, with the laptop's client certificate. */
export function collectorRequest(
  url: URL,
  trust: CollectorTlsTrust,
  init: { method: "GET" | "POST"; headers?: Record<string, string>; body?: Buffer; timeoutMs: number },
): Promise<{ status: number; text: string; retryAfter: string | null }> {
  return new Promise((resolve, reject) => {
    const agent = pinnedAgent(trust.pinSha256);
    const req = request(
      url,
      {
        method: init.method,
        agent,
        cert: trust.client.certificatePem,
        key: trust.client.keyPem,
        headers: { ...init.headers, ...(init.body ? { "Content-Length": String(init.body.length) } : {}) },
        signal: AbortSignal.timeout(init.timeoutMs),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const retryAfter = res.headers["retry-after"];
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), retryAfter: typeof retryAfter === "string" ? retryAfter : null });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.on("close", () => agent.destroy());
    req.end(init.body);
  });
}

/** A failed request to the collector, as the laptop reports it (the impostor case loudly). */
function requestFailed(collector: string, error: unknown): AppError {
  if (error instanceof PinMismatch) {
    return new SyncRefused(
      "collector-certificate-changed",
      `REFUSED, POSSIBLE IMPOSTOR: ${collector} presented certificate ${error.presented ? formatPin(error.presented) : "(none)"}, not the collector certificate IT's trust file pins (${formatPin(error.pinned)}). ` +
        "Nothing was sent. If IT replaced the collector's certificate, install IT's new it-public.json; otherwise tell IT. " +
        KEEP,
    );
  }
  return unreachable(collector, error);
}

/** GET /v1/state: whether IT let this laptop in, and how many of its records IT holds. */
export async function collectorState(laptop: Pick<SyncLaptop, "tls">, collector: string, timeoutMs = 10_000): Promise<CollectorDeviceState> {
  const origin = collectorOrigin(collector);
  const trust = await laptop.tls();
  let response;
  try {
    response = await collectorRequest(new URL("/v1/state", origin), trust, { method: "GET", timeoutMs });
  } catch (error) {
    throw requestFailed(collector, error);
  }
  const reply = parseJson(response.text);
  if (response.status !== 200) throw refusalOf(collector, response.status, reply);
  const state = CollectorDeviceState.safeParse(reply);
  if (!state.success) throw notACollector(collector, response.status);
  return state.data;
}

/** A laptop IT has not approved (yet) or revoked waits, and says why, rather than upload. */
function admittedOrThrow(state: CollectorDeviceState): void {
  if (state.access === "pending") {
    throw new SyncRefused(
      "pending-approval",
      `IT has not approved this laptop yet. Give IT this laptop's fingerprint ${state.fingerprint} (Settings › IT collector); IT compares it and runs fieldproof collector devices approve. ${KEEP}`,
    );
  }
  if (state.access === "revoked") throw new SyncRefused("revoked", `IT revoked this laptop (key ${state.fingerprint}) at the collector. Ask IT. ${KEEP}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notACollector(collector: string, status: number): AppError {
  return new AppError("PROTOCOL_ERROR", `${collector} answered HTTP ${status} with something that is not a Fieldproof collector's answer. Check the address. ${KEEP}`);
}

function refusalOf(collector: string, status: number, reply: unknown): AppError {
  const refusal = RefusalAnswer.safeParse(reply);
  if (!refusal.success) return notACollector(collector, status);
  const message = `The collector refused (${refusal.data.reason}): ${refusal.data.message} ${KEEP}`;
  if (status >= 500) return new AppError("UNREACHABLE", message);
  return new SyncRefused(refusal.data.reason, message);
}

/** The collector is overloaded (429/503) and stayed so after the laptop waited as it asked. */
export class CollectorBusy extends AppError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super("UNREACHABLE", message);
  }
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (IMF-fixdate); null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: Date = new Date()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

export interface SyncOptions {
  readonly timeoutMs?: number;
  /** Bytes of records per upload (default CHUNK_BYTES). */
  readonly chunkBytes?: number;
  /** After each chunk IT holds: records sent so far of this sync's total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Waits between retries of a busy collector (tests shorten it). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** 0..1, the jitter of those waits. */
  readonly random?: () => number;
}

/** How long the laptop waits at most for a busy collector, and how many times it asks again per chunk. */
const BUSY_WAIT_MAX_MS = 30_000;
const BUSY_TRIES = 3;

/**
 * One sync, as a witness protocol: ask what the collector holds of this laptop's log (GET /v1/state),
 * send the records after that in bounded chunks, each checked and applied by the collector in one
 * transaction, and apply the receipt the last chunk is answered with. An interrupted sync resumes from
 * what the collector holds; a chunk sent twice changes nothing there.
 */
export async function syncOnce(laptop: SyncLaptop, collector: string, options: SyncOptions = {}): Promise<SyncResult> {
  const endpoint = new URL("/v1/bundles", collectorOrigin(collector));
  if ((await laptop.pending()) === 0) return { status: "nothing-to-send" };
  const trust = await laptop.tls();
  // Asked first: an unreachable collector, or one that has not let this laptop in, costs no export.
  const state = await collectorState(laptop, collector);
  admittedOrThrow(state);
  const size = await laptop.journalSize();
  if (state.treeSize > size) {
    throw new SyncRefused(
      "ahead",
      `IT's collector holds ${state.treeSize} records of this laptop's log, but the laptop has only ${size}: its store was restored from an older copy or replaced. Nothing was sent. Tell IT; do not make changes on this laptop until IT has looked (fieldproof collector export --device ${state.deviceId ?? "ID"} gives IT's copy).`,
    );
  }
  // IT holds every record but the laptop has no receipt for them (the answer was lost): the last
  // record again is a no-op there, and its answer carries the receipt.
  const from = state.treeSize === size ? size - 1 : state.treeSize;
  const total = size - from;
  const work = mkdtempSync(join(tmpdir(), "fieldproof-sync-"));
  const started = performance.now();
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let next = from;
  let bytes = 0;
  let chunks = 0;
  let newRecords = 0;
  let answer: UploadAnswer | undefined;
  try {
    options.onProgress?.(0, total);
    while (next < size) {
      const bundlePath = join(work, `chunk-${chunks}.tar`);
      const chunk = await laptop.exportChunk(bundlePath, next, options.chunkBytes ?? CHUNK_BYTES);
      const body = readFileSync(bundlePath);
      rmSync(bundlePath, { force: true });
      answer = await uploadChunk(endpoint, trust, body, collector, { timeoutMs: options.timeoutMs ?? 300_000, sleep, random });
      chunks++;
      bytes += chunk.bytes;
      newRecords += answer.newRecords;
      if (answer.treeSize <= chunk.lastSeq) throw new AppError("PROTOCOL_ERROR", `${collector} answered the upload of records ${chunk.firstSeq}..${chunk.lastSeq} with tree size ${answer.treeSize}; a collector that took them holds at least ${chunk.lastSeq + 1}. ${KEEP}`);
      next = chunk.lastSeq + 1;
      options.onProgress?.(next - from, total);
    }
    const receiptPath = join(work, "sync.receipt");
    writeFileSync(receiptPath, answer!.receipt);
    const receipt = await laptop.importReceipt(receiptPath);
    return {
      status: newRecords > 0 ? "imported" : "already-imported",
      sent: { firstSeq: from, lastSeq: size - 1, records: total, bytes, chunks },
      newRecords,
      treeSize: answer!.treeSize,
      receipt,
      ms: Math.round(performance.now() - started),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** POST one chunk; a busy collector (429/503 with Retry-After) is asked again after the wait it names, with jitter, a few times. */
async function uploadChunk(
  endpoint: URL,
  trust: CollectorTlsTrust,
  body: Buffer,
  collector: string,
  o: { timeoutMs: number; sleep: (ms: number) => Promise<void>; random: () => number },
): Promise<UploadAnswer> {
  for (let attempt = 1; ; attempt++) {
    let response;
    try {
      response = await collectorRequest(endpoint, trust, { method: "POST", headers: { "Content-Type": BUNDLE_CONTENT_TYPE }, body, timeoutMs: o.timeoutMs });
    } catch (error) {
      throw requestFailed(collector, error);
    }
    const reply = parseJson(response.text);
    if ((response.status === 429 || response.status === 503) && RefusalAnswer.safeParse(reply).success) {
      const wait = Math.min(BUSY_WAIT_MAX_MS, retryAfterMs(response.retryAfter) ?? 1_000);
      if (attempt >= BUSY_TRIES) {
        const refusal = RefusalAnswer.parse(reply);
        throw new CollectorBusy(`The collector is busy (${refusal.reason}): ${refusal.message} The laptop asked ${attempt} times and tries again later by itself. ${KEEP}`, wait);
      }
      await o.sleep(Math.round(wait * (0.5 + random01(o.random))));
      continue;
    }
    if (response.status !== 200) throw refusalOf(collector, response.status, reply);
    const parsed = UploadAnswer.safeParse(reply);
    if (!parsed.success) throw notACollector(collector, response.status);
    return parsed.data;
  }
}

function random01(random: () => number): number {
  return Math.min(1, Math.max(0, random()));
}

function unreachable(collector: string, error: unknown): AppError {
  const e = error as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail = e.cause?.code ?? e.code ?? (e.name === "TimeoutError" ? "no answer in time" : undefined) ?? e.cause?.message ?? e.message;
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
  /** The on/off switch in Settings (default on when not given): off, only syncNow contacts the collector. */
  readonly automatic?: () => boolean;
  readonly setAutomatic?: (enabled: boolean) => void;
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
  /** Bytes of records per upload (default CHUNK_BYTES). */
  readonly chunkBytes?: number;
}

const OFF: SyncStatus = { state: "off", collectorUrl: null, recordsWaiting: 0, since: null, lastSyncAt: null, reason: null, message: null, nextProbeAt: null, progress: null };

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
    // Switched off: paused, whatever the last "Sync now" found (its answer said so), unless one runs.
    if (!this.automatic() && this.state.state !== "syncing") return { ...this.state, state: "paused", collectorUrl: url, nextProbeAt: null };
    return { ...this.state, collectorUrl: url };
  }

  private automatic(): boolean {
    return this.deps.automatic?.() ?? true;
  }

  /** The Settings switch: on probes at once and goes on by itself; off stops the timer (a sync in flight finishes). */
  setAutomatic(enabled: boolean): void {
    this.deps.setAutomatic?.(enabled);
    this.delay = this.deps.probeMs;
    this.clearTimer();
    if (enabled && this.deps.collectorUrl() && !this.stopped) void this.probeNow();
  }

  /** Starts the schedule: a probe now, then on the timer. Nothing happens while no address is set. */
  start(): void {
    this.stopped = false;
    this.delay = this.deps.probeMs;
    this.clearTimer();
    if (this.deps.collectorUrl() && this.automatic()) void this.probeNow();
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
    if (origin && !this.stopped && this.automatic()) void this.probeNow();
  }

  /**
   * The address IT's trust file names: taken when the laptop has none (a typed one is the
   * technician's choice and stays). Returns whether it was taken.
   */
  adoptAddress(address: string): boolean {
    if (this.deps.collectorUrl()) return false;
    this.setCollector(address);
    return true;
  }

  /** "Sync now": probe and sync at once (after the sync in flight, if any), back-off reset. */
  async syncNow(): Promise<SyncStatus> {
    if (!this.deps.collectorUrl()) throw new AppError("PRECONDITION_FAILED", "No collector address is set. Enter IT's collector address in Settings (e.g. https://it-ws-01:8443), or export the evidence to USB.");
    this.delay = this.deps.probeMs;
    await this.running;
    this.clearTimer();
    await this.probeNow();
    // What this sync found, even with the automatic sync switched off (status() then says paused).
    return { ...this.state, collectorUrl: this.deps.collectorUrl() };
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
        this.set({ state: "syncing", recordsWaiting: waiting, progress: null });
        const result = await syncOnce(this.deps.laptop, url, { chunkBytes: this.deps.chunkBytes, onProgress: (done, total) => this.set({ progress: { done, total } }) });
        waiting = await this.deps.laptop.pending();
        const at = result.status === "nothing-to-send" ? this.state.lastSyncAt : this.deps.now().toISOString();
        this.set({ state: "in-sync", recordsWaiting: waiting, since: null, lastSyncAt: at ?? this.deps.now().toISOString(), reason: null, message: null, progress: null });
      } else {
        this.set({ state: "in-sync", recordsWaiting: 0, since: null, lastSyncAt: this.state.lastSyncAt ?? this.deps.now().toISOString(), reason: null, message: null, progress: null });
      }
      this.delay = this.deps.probeMs;
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError("INTERNAL", `Sync failed: ${(error as Error).message}`, { cause: error });
      if (failure.code === "UNREACHABLE" || failure.code === "TIMEOUT") {
        const since = this.state.state === "unreachable" && this.state.since ? this.state.since : this.deps.now().toISOString();
        this.set({ state: "unreachable", recordsWaiting: waiting, since, reason: failure instanceof CollectorBusy ? "busy" : null, message: failure.message, progress: null });
      } else {
        const reason = failure instanceof SyncRefused ? failure.reason : failure.code === "LOCKED" ? "device-locked" : failure.code.toLowerCase().replaceAll("_", "-");
        this.set({ state: "refused", recordsWaiting: waiting, since: this.deps.now().toISOString(), reason, message: failure.message, progress: null });
      }
      // Back off, and never sooner than a busy collector asked.
      this.delay = Math.min(this.deps.maxProbeMs, Math.max(this.delay * 2, failure instanceof CollectorBusy ? failure.retryAfterMs : 0));
    }
  }

  /**
   * GET /healthz over the pinned connection (a Fieldproof collector answers 200 {"status":"ok"}), then
   * GET /v1/state: a laptop IT has not approved yet waits, and says so, rather than upload.
   */
  private async probe(url: string): Promise<void> {
    const trust = await this.deps.laptop.tls();
    let response;
    try {
      response = await collectorRequest(new URL("/healthz", url), trust, { method: "GET", timeoutMs: this.deps.probeTimeoutMs ?? 5_000 });
    } catch (error) {
      throw requestFailed(url, error);
    }
    const body = parseJson(response.text) as { status?: unknown } | undefined;
    if (response.status !== 200 || body?.status !== "ok") {
      throw new AppError("PROTOCOL_ERROR", `${url} answered GET /healthz with HTTP ${response.status}, not as a Fieldproof collector. Check the collector's address in Settings. ${KEEP}`);
    }
    admittedOrThrow(await collectorState(this.deps.laptop, url, this.deps.probeTimeoutMs ?? 5_000));
  }

  private set(patch: Partial<SyncStatus>): void {
    this.state = { ...this.state, collectorUrl: this.deps.collectorUrl(), ...patch };
  }

  private schedule(): void {
    this.clearTimer();
    if (this.stopped || !this.deps.collectorUrl() || !this.automatic()) {
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

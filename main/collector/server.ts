import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { CollectorDeviceState, RefusalAnswer as WireRefusal, UploadAnswer } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { readBundle, type ParsedBundle } from "../evidence/bundleReader";
import { fingerprintOf, publicKeyFromPem } from "../evidence/crypto";
import { peerDevice, type PeerDevice } from "../evidence/tls";
import { APP_VERSION } from "../version";
import type { Logger } from "./log";
import { CollectorMetrics } from "./metrics";
import { REFUSAL_STATUS, refusalReason, type RefusalReason } from "./refusals";
import type { CollectorStore } from "./store";

import { BUNDLE_CONTENT_TYPE } from "../services/syncService";

export { BUNDLE_CONTENT_TYPE };
export const DEFAULT_MAX_BUNDLE_BYTES = 256 * 1024 * 1024;
/** A request's headers (and the TLS handshake before them) must arrive within this. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;
/** A whole request, its body included, must arrive within this (a 256 MiB bundle at about 1 MiB/s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 300_000;
/** Connections held at once; more are closed as they arrive (each costs memory and a file descriptor). */
export const DEFAULT_MAX_CONNECTIONS = 1024;

export interface CollectorOptions {
  readonly store: CollectorStore;
  readonly log: Logger;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly maxBundleBytes?: number;
  /** Uploads waiting for the import queue before more are answered 503 with Retry-After (default 64). */
  readonly maxQueuedUploads?: number;
  /** Device key fingerprints IT approves at start (as `collector devices approve` does). */
  readonly enrol?: readonly string[];
  /** The collector's certificate and key; default: the IT folder's (store.tls()). HTTPS only. */
  readonly tls?: { readonly certificatePem: string; readonly keyPem: string };
  /** The TLS handshake and then a request's headers must each arrive within this (default 15 s); a slower client is cut off. */
  readonly headersTimeoutMs?: number;
  /** A whole request, body included, must arrive within this (default 300 s); a slower client is answered 408 and cut off. */
  readonly requestTimeoutMs?: number;
  /** Connections held at once (default 1024); one more is closed as it arrives. */
  readonly maxConnections?: number;
  /**
   * Folder the uploads are spooled in while they are checked (default: the OS temp folder); each
   * collector makes its own folder there and removes it on close, and removes those of collectors
   * that died (SIGKILL, power loss) when it starts.
   */
  readonly spoolDir?: string;
}

export interface Collector {
  readonly url: string;
  readonly metrics: CollectorMetrics;
  /** Stops accepting, lets in-flight uploads finish, then closes the store. */
  close(): Promise<void>;
}

/** What POST /v1/bundles answers (shared/contract/collector.ts); a refusal names one of the collector's reasons. */
export type RefusalAnswer = WireRefusal & { readonly reason: RefusalReason | "not-found" | "method-not-allowed" | "shutting-down" };

const NOTHING = "Nothing was imported.";

class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
    /** Seconds the laptop should wait before asking again (429 and 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** How long a laptop is asked to wait when its own upload is already in flight, or the queue is full. */
const BUSY_RETRY_S = 2;
const OVERLOADED_RETRY_S = 5;
/** How long a laptop is asked to wait when the store cannot be reached (PostgreSQL restarting, SQLite locked). */
const STORE_RETRY_S = 5;
const SPOOL_PREFIX = "fieldproof-collector-";
/** Refusals that pass by themselves (the laptop waits and sends again): counted in /metrics, not in the store. */
const PASSING: ReadonlySet<RefusalReason> = new Set(["busy", "overloaded", "store-unavailable"]);

/**
 * The IT collector, HTTPS only: its own self-signed certificate (laptops pin it), and each laptop's
 * client certificate carries its Ed25519 device key, which the door checks on every request.
 */
export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const { store, log } = options;
  const maxBytes = options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  for (const fingerprint of options.enrol ?? []) {
    const approved = await store.door.approve(fingerprint, "collector serve --enrol", new Date().toISOString());
    log.info("device approved at start", { fingerprint: approved.fingerprint, deviceId: approved.deviceId });
  }
  const headersTimeout = positive(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, "headersTimeoutMs");
  const requestTimeout = positive(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, "requestTimeoutMs");
  if (headersTimeout > requestTimeout) throw new AppError("INVALID_REQUEST", `The headers timeout (${headersTimeout} ms) cannot be longer than the request timeout (${requestTimeout} ms).`);
  const maxConnections = positive(options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, "maxConnections");
  const tls = options.tls ?? (await store.tls());
  const metrics = new CollectorMetrics();
  const spoolParent = options.spoolDir ?? tmpdir();
  mkdirSync(spoolParent, { recursive: true, mode: 0o700 });
  for (const stale of staleSpools(spoolParent)) {
    rmSync(join(spoolParent, stale), { recursive: true, force: true });
    log.warn("removed the spool of a collector that did not stop", { folder: join(spoolParent, stale) });
  }
  // Named after this process, so that a collector starting later knows whether it still runs.
  const spool = mkdtempSync(join(spoolParent, `${SPOOL_PREFIX}${process.pid}-`));
  const maxQueued = options.maxQueuedUploads ?? 64;
  let closing = false;
  // Uploads received or waiting to import, and the devices they are from: one device uploads one
  // chunk at a time (its next chunk starts where this one ends), so a second at once waits (429).
  let queued = 0;
  const uploading = new Set<string>();
  // One import at a time: better-sqlite3 is synchronous but verification awaits, and two uploads
  // of one device must not both read the same head. The queue also lets shutdown wait for them.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  // Sockets the server cut off for slowness, and the response in flight on each socket.
  const timedOut = new WeakSet<Duplex>();
  const answering = new WeakMap<Duplex, ServerResponse>();
  const cutOff = (req: IncomingMessage): Refusal =>
    timedOut.has(req.socket)
      ? new Refusal("timeout", tooSlow(headersTimeout, requestTimeout))
      : new Refusal("malformed", "The upload was cut off before its end. Nothing was imported; sync again.");

  const server: Server = createServer(
    {
      cert: tls.certificatePem,
      key: tls.keyPem,
      minVersion: "TLSv1.3",
      // Every laptop presents its device certificate; none is signed by a CA, the door decides.
      requestCert: true,
      rejectUnauthorized: false,
      // A client that opens a connection and sends nothing (or one byte a second) holds it no longer than this.
      handshakeTimeout: headersTimeout,
      headersTimeout,
      requestTimeout,
      // node checks those deadlines every 30 s by default, so a 15 s deadline could hold for 45 s.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
      keepAliveTimeout: 5_000,
    },
    (req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    answering.set(req.socket, res);
    res.on("finish", () => {
      if (answering.get(req.socket) === res) answering.delete(req.socket);
    });
    route(req, res, started)
      .catch((error: unknown) => {
        const unavailable = refusalReason(error) === "store-unavailable";
        log.error("request failed", { requestId, error: error instanceof Error ? error.message : String(error) });
        if (res.headersSent) return;
        if (unavailable) {
          res.setHeader("Retry-After", String(STORE_RETRY_S));
          send(res, REFUSAL_STATUS["store-unavailable"], { refused: true, reason: "store-unavailable", message: storeUnavailable() } satisfies RefusalAnswer);
        } else send(res, 500, { refused: true, reason: "internal", message: "The collector failed on this request; see its log. Nothing was imported." });
      })
      .finally(() => {
        log.info("request", { requestId, method: req.method, path: req.url?.split("?")[0], status: res.statusCode, ms: Math.round(performance.now() - started) });
      });
    },
  );
  // A client that never completes the TLS handshake is dropped like one that sends no headers.
  server.on("tlsClientError", (error: Error & { code?: string }) => {
    metrics.refusal("tls");
    log.warn("tls handshake failed", { code: error.code ?? null, message: error.message });
  });
  // node answers a request that outlives headersTimeout or requestTimeout, or is not HTTP, through
  // clientError; its default writes a bare 408 or 400. Say why, count it, and cut the connection.
  server.on("clientError", (error: Error & { code?: string }, socket: Duplex) => {
    const slow = error.code === "ERR_HTTP_REQUEST_TIMEOUT";
    const malformed = !slow && (error.code ?? "").startsWith("HPE_");
    // Otherwise the connection itself failed (the client reset it): nothing to answer.
    if (!slow && !malformed) return void socket.destroy();
    const res = answering.get(socket);
    if (slow) timedOut.add(socket);
    // An upload in flight counts its own refusal when its body ends short (spoolBody).
    if (!res) {
      metrics.refusal(slow ? "timeout" : "malformed");
      if (slow) log.warn("client too slow: connection closed", { headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout });
      else log.warn("request is not HTTP/1.1: connection closed", { code: error.code ?? null });
    }
    if (socket.writable && !res?.headersSent) {
      const [status, reason, message]: [string, RefusalAnswer["reason"], string] = slow
        ? ["408 Request Timeout", "timeout", tooSlow(headersTimeout, requestTimeout)]
        : error.code === "HPE_HEADER_OVERFLOW"
          ? ["431 Request Header Fields Too Large", "malformed", `The request's headers are too large. ${NOTHING}`]
          : ["400 Bad Request", "malformed", `The request is not valid HTTP/1.1. ${NOTHING}`];
      const text = JSON.stringify({ refused: true, reason, message } satisfies RefusalAnswer);
      socket.write(`HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    }
    socket.destroy();
  });
  // Past maxConnections node closes each new connection as it arrives; say so, at most once a second.
  server.maxConnections = maxConnections;
  let dropped = 0;
  let dropLogged = 0;
  server.on("drop", () => {
    metrics.refusal("max-connections");
    dropped++;
    const now = Date.now();
    if (now - dropLogged >= 1_000) {
      log.warn("connection limit reached: new connections closed", { maxConnections, droppedSinceLastLine: dropped });
      dropLogged = now;
      dropped = 0;
    }
  });

  async function route(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (closing) {
      res.setHeader("Connection", "close");
      res.setHeader("Retry-After", String(OVERLOADED_RETRY_S));
      return send(res, 503, { refused: true, reason: "shutting-down", message: "The collector is shutting down. Sync again in a moment." });
    }
    if (path === "/healthz") {
      if (req.method !== "GET" && req.method !== "HEAD") return methodNotAllowed(res, "GET");
      return send(res, 200, { status: "ok", version: APP_VERSION });
    }
    if (path === "/metrics") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      const stats = await store.stats();
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(metrics.render({ ...stats, uploadsInFlight: queued }));
      return;
    }
    if (path === "/v1/state") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      const peer = await admitted(req, res, false);
      if (!peer) return;
      const access = await store.door.access(peer, new Date().toISOString());
      const device = access === "approved" ? await store.door.enrolledId(peer.fingerprint) : null;
      const held = device ? await store.held(device) : { treeSize: 0, rootHash: null };
      return send(res, 200, { access, fingerprint: peer.fingerprint, deviceId: device, treeSize: held.treeSize, rootHash: held.rootHash } satisfies CollectorDeviceState);
    }
    if (path === "/v1/bundles") {
      if (req.method !== "POST") return methodNotAllowed(res, "POST");
      const peer = await admitted(req, res, started);
      if (!peer) return;
      return upload(req, res, started, peer);
    }
    send(res, 404, { refused: true, reason: "not-found", message: `No such endpoint: ${path}. The collector serves GET /healthz, GET /metrics, GET /v1/state and POST /v1/bundles.` });
  }


  /**
   * The door: the laptop's client certificate names its device key. Refuses (and answers) a request
   * without one; for uploads also a pending device (nothing read) and a revoked one (its upload kept
   * apart). Returns the peer when the request may go on.
   */
  async function admitted(req: IncomingMessage, res: ServerResponse, uploading: false | number): Promise<PeerDevice | null> {
    const refuse = async (refusal: Refusal, peer?: PeerDevice): Promise<void> => {
      if (uploading !== false) metrics.upload("refused", (performance.now() - uploading) / 1000);
      if (peer) await noteRefusal(peer, refusal);
      refuseRequest(req, res, refusal);
    };
    const peer = peerDevice((req.socket as TLSSocket).getPeerX509Certificate());
    if (!peer) {
      await refuse(new Refusal("client-certificate-required", `The collector needs the laptop's device certificate (Fieldproof presents it by itself; a browser or curl without it is refused). ${NOTHING}`));
      return null;
    }
    if (!uploading) return peer;
    const at = new Date().toISOString();
    const access = await store.door.access(peer, at);
    if (access === "pending") {
      log.warn("device waiting for approval", { fingerprint: peer.fingerprint, name: peer.name, deviceId: peer.deviceId });
      await refuse(
        new Refusal(
          "pending-approval",
          `This laptop ("${peer.name}", key ${peer.fingerprint}) is waiting for IT's approval. IT: compare the fingerprint with the laptop's Settings › IT collector, then run fieldproof collector devices approve "${peer.fingerprint}". ${NOTHING}`,
        ),
        peer,
      );
      return null;
    }
    if (access === "revoked") {
      const file = join(spool, `${randomUUID()}.tar`);
      try {
        const sha256 = await spoolBody(req, file, maxBytes, () => cutOff(req));
        await store.door.quarantine(peer, "revoked", sha256, readFileSync(file), at);
        log.warn("upload from a revoked device kept apart", { fingerprint: peer.fingerprint, name: peer.name, sha256 });
      } catch (error) {
        log.warn("upload from a revoked device not kept", { fingerprint: peer.fingerprint, error: error instanceof Error ? error.message : String(error) });
      } finally {
        rmSync(file, { force: true });
      }
      await refuse(new Refusal("revoked", `IT revoked this laptop (key ${peer.fingerprint}). The upload was kept apart for IT to look at, not imported. Ask IT.`), peer);
      return null;
    }
    return peer;
  }

  /**
   * Counts a device's refusal in the store, for `collector status` and devices list: an operator
   * sees that a laptop keeps being refused (pending, forked, tampered) without reading logs. The
   * passing ones (busy, overloaded, store unreachable) are in the metrics only: noting them would
   * write to the store when it is busiest or down. A failure to note is logged and the laptop still
   * gets its refusal.
   */
  async function noteRefusal(peer: PeerDevice, refusal: Refusal): Promise<void> {
    if (PASSING.has(refusal.reason)) return;
    try {
      await store.door.refused(peer, refusal.reason, refusal.message, new Date().toISOString());
    } catch (error) {
      log.warn("refusal not counted in the store", { fingerprint: peer.fingerprint, reason: refusal.reason, error: error instanceof Error ? error.message : String(error) });
    }
  }

  function refuseRequest(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
    metrics.refusal(refusal.reason);
    log.warn("request refused", { reason: refusal.reason, message: refusal.message });
    if (!req.complete) res.setHeader("Connection", "close");
    if (refusal.retryAfter !== undefined) res.setHeader("Retry-After", String(refusal.retryAfter));
    send(res, REFUSAL_STATUS[refusal.reason], { refused: true, reason: refusal.reason, message: refusal.message } satisfies RefusalAnswer);
  }

  async function upload(req: IncomingMessage, res: ServerResponse, started: number, peer: PeerDevice): Promise<void> {
    if (uploading.has(peer.fingerprint)) {
      metrics.upload("refused", (performance.now() - started) / 1000);
      return refuseRequest(req, res, new Refusal("busy", `An upload from this laptop (key ${peer.fingerprint}) is already being imported; send the next chunk when it is answered. ${NOTHING}`, BUSY_RETRY_S));
    }
    if (queued >= maxQueued) {
      metrics.upload("refused", (performance.now() - started) / 1000);
      return refuseRequest(req, res, new Refusal("overloaded", `The collector is importing ${queued} uploads and takes no more for a moment. ${NOTHING} The laptop tries again by itself.`, OVERLOADED_RETRY_S));
    }
    uploading.add(peer.fingerprint);
    queued++;
    try {
      await receive(req, res, started, peer);
    } finally {
      queued--;
      uploading.delete(peer.fingerprint);
    }
  }

  async function receive(req: IncomingMessage, res: ServerResponse, started: number, peer: PeerDevice): Promise<void> {
    const file = join(spool, `${randomUUID()}.tar`);
    let sha256: string | undefined;
    try {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== BUNDLE_CONTENT_TYPE) {
        throw new Refusal("unsupported-media-type", `Send the bundle as ${BUNDLE_CONTENT_TYPE} (got ${type || "no Content-Type"}). Nothing was imported.`);
      }
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > maxBytes) throw tooLarge(maxBytes);
      const digest = await spoolBody(req, file, maxBytes, () => cutOff(req));
      sha256 = digest;
      const answer = await serialised(() => importSpooled(file, digest, peer));
      metrics.upload(answer.status, (performance.now() - started) / 1000, answer.newRecords);
      log.info(answer.status === "imported" ? "bundle imported" : "bundle already held", {
        deviceId: answer.deviceId,
        deviceFingerprint: answer.deviceFingerprint,
        newRecords: answer.newRecords,
        first: answer.range.first,
        last: answer.range.last,
        treeSize: answer.treeSize,
        enrolled: answer.enrolled,
      });
      send(res, 200, answer);
    } catch (error) {
      const refusal = error instanceof Refusal ? error : asRefusal(error);
      if (refusal.reason === "internal") log.error("upload failed", { error: error instanceof Error ? error.message : String(error) });
      if (refusal.reason === "store-unavailable") log.warn("evidence store unreachable", { error: error instanceof Error ? error.message : String(error) });
      if (refusal.reason === "fork" && sha256 !== undefined) await keepFork(peer, sha256, file);
      metrics.refusal(refusal.reason);
      metrics.upload("refused", (performance.now() - started) / 1000);
      log.warn("upload refused", { reason: refusal.reason, message: refusal.message });
      // A body we did not read (too large, wrong type) is not drained: close the connection.
      if (!req.complete) res.setHeader("Connection", "close");
      if (refusal.retryAfter !== undefined) res.setHeader("Retry-After", String(refusal.retryAfter));
      // Counted before the answer, so that whoever reads the store after the laptop's answer sees it.
      await noteRefusal(peer, refusal);
      send(res, REFUSAL_STATUS[refusal.reason], { refused: true, reason: refusal.reason, message: refusal.message } satisfies RefusalAnswer);
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** A fork is evidence: the upload is kept beside the record IT holds at that seq, and the device is flagged. */
  async function keepFork(peer: PeerDevice, sha256: string, file: string): Promise<void> {
    try {
      await store.door.quarantine(peer, "fork", sha256, readFileSync(file), new Date().toISOString());
      log.error("FORK: upload kept as evidence", { fingerprint: peer.fingerprint, name: peer.name, deviceId: peer.deviceId, sha256 });
    } catch (error) {
      log.error("FORK: upload could not be kept", { fingerprint: peer.fingerprint, sha256, error: error instanceof Error ? error.message : String(error) });
    }
  }

  async function importSpooled(file: string, sha256: string, peer: PeerDevice): Promise<UploadAnswer> {
    const bundle = await readBundle(file);
    const fingerprint = deviceFingerprint(bundle);
    // The bundle must be the laptop's own: the key that signed it is the key that opened the connection.
    if (fingerprint !== peer.fingerprint) {
      throw new Refusal(
        "device-mismatch",
        `The bundle is signed by device key ${fingerprint ?? "(none)"}, but this laptop connected with key ${peer.fingerprint}. A laptop uploads only its own evidence; import another laptop's bundle by USB (fieldproof import). ${NOTHING}`,
      );
    }
    // The door let it in: an approved key that IT does not hold yet enrols with this upload.
    const applied = await store.importBundle(bundle, sha256, { enrolFingerprint: peer.fingerprint });
    const o = applied.outcome;
    const sealed = o.status === "imported" ? store.writeSealed(o.deviceId, bundle.sealed).length : 0;
    return { ...o, sealedSecrets: sealed, receipt: applied.receipt };
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `https://${host}:${address.port}`;
  log.info("collector listening", { url, maxBundleBytes: maxBytes, headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout, maxConnections, spool });

  let closed: Promise<void> | undefined;
  return {
    url,
    metrics,
    close() {
      closed ??= (async () => {
        closing = true;
        log.info("collector stopping: finishing uploads in flight");
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await stopped;
        await queue;
        await store.close();
        rmSync(spool, { recursive: true, force: true });
        log.info("collector stopped");
      })();
      return closed;
    },
  };
}

/**
 * Streams the body to a file, hashing it, and refuses it once it passes the limit; `cut` names the
 * refusal when the body ends short (the laptop went away, or the server cut it off for slowness).
 */
function spoolBody(req: IncomingMessage, file: string, maxBytes: number, cut: () => Refusal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    const out = createWriteStream(file, { mode: 0o600 });
    let size = 0;
    let failed = false;
    const fail = (error: Error): void => {
      if (failed) return;
      failed = true;
      req.unpipe(out);
      out.destroy();
      try {
        unlinkSync(file);
      } catch {
        // never created
      }
      reject(error);
    };
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.pause();
        fail(tooLarge(maxBytes));
        return;
      }
      hash.update(chunk);
    });
    req.on("aborted", () => fail(cut()));
    req.on("error", () => fail(cut()));
    out.on("error", (error) => fail(error));
    out.on("finish", () => {
      if (!failed) resolve(hash.digest("hex"));
    });
    req.pipe(out);
  });
}

/** An error of the import path as the refusal the laptop is answered. */
function asRefusal(error: unknown): Refusal {
  const reason = refusalReason(error);
  if (reason === "store-unavailable") return new Refusal(reason, storeUnavailable(), STORE_RETRY_S);
  return new Refusal(reason, error instanceof AppError ? error.message : "The collector failed on this upload; see its log. Nothing was imported.");
}

function tooSlow(headersTimeoutMs: number, requestTimeoutMs: number): string {
  return `The request did not arrive in time (headers within ${headersTimeoutMs / 1000} s, the whole upload within ${requestTimeoutMs / 1000} s); the collector closed the connection. ${NOTHING} Sync again on a better connection.`;
}

function storeUnavailable(): string {
  return `The collector cannot reach its evidence store right now (its database is restarting or busy). ${NOTHING} The laptop tries again by itself.`;
}

function positive(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new AppError("INVALID_REQUEST", `${what} must be a whole number of at least 1 (got ${value}).`);
  return value;
}

/** Spool folders (SPOOL_PREFIX<pid>-XXXXXX) in `parent` whose collector process no longer runs. */
function staleSpools(parent: string): string[] {
  const pattern = new RegExp(`^${SPOOL_PREFIX}(\\d+)-[A-Za-z0-9]{6}$`);
  return readdirSync(parent).filter((name) => {
    const pid = Number(pattern.exec(name)?.[1] ?? NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid) return false;
    try {
      process.kill(pid, 0);
      return false; // it runs (or another user's process has this id): keep it
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
  });
}

function tooLarge(maxBytes: number): Refusal {
  return new Refusal("too-large", `The bundle is larger than this collector accepts (${maxBytes} bytes). Export it to USB and import it with fieldproof import, or raise --max-bundle-mb. Nothing was imported.`);
}

function deviceFingerprint(bundle: ParsedBundle): string | undefined {
  try {
    return fingerprintOf(publicKeyFromPem(bundle.devicePem));
  } catch {
    return undefined; // the shared import path refuses it with its own message
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader("Allow", allow);
  send(res, 405, { refused: true, reason: "method-not-allowed", message: `Use ${allow} here.` });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/** Parses --listen HOST:PORT (IPv6 as [::1]:PORT). */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new AppError("INVALID_REQUEST", `--listen expects HOST:PORT, e.g. 127.0.0.1:8443 (got "${value}").`);
  return { host: match[1] ?? match[2]!, port };
}

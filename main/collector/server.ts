import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { RefusalAnswer as WireRefusal, UploadAnswer } from "../../shared/contract";
import { AppError } from "../../shared/domain/errors";
import { readBundle, type ParsedBundle } from "../evidence/bundleReader";
import { fingerprintOf, publicKeyFromPem } from "../evidence/crypto";
import { APP_VERSION } from "../version";
import type { Logger } from "./log";
import { CollectorMetrics } from "./metrics";
import { REFUSAL_STATUS, refusalReason, type RefusalReason } from "./refusals";
import type { CollectorStore } from "./store";

import { BUNDLE_CONTENT_TYPE } from "../services/syncService";

export { BUNDLE_CONTENT_TYPE };
export const DEFAULT_MAX_BUNDLE_BYTES = 256 * 1024 * 1024;

export interface CollectorOptions {
  readonly store: CollectorStore;
  readonly log: Logger;
  readonly host: string;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly maxBundleBytes?: number;
  /** Device key fingerprints IT approved: a first upload from such a device enrols it. */
  readonly enrol?: readonly string[];
}

export interface Collector {
  readonly url: string;
  readonly metrics: CollectorMetrics;
  /** Stops accepting, lets in-flight uploads finish, then closes the store. */
  close(): Promise<void>;
}

/** What POST /v1/bundles answers (shared/contract/collector.ts); a refusal names one of the collector's reasons. */
export type RefusalAnswer = WireRefusal & { readonly reason: RefusalReason | "not-found" | "method-not-allowed" | "shutting-down" };

class Refusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The IT collector: plain HTTP on the given address (TLS and device authentication are the next slice). */
export async function startCollector(options: CollectorOptions): Promise<Collector> {
  const { store, log } = options;
  const maxBytes = options.maxBundleBytes ?? DEFAULT_MAX_BUNDLE_BYTES;
  const approved = new Set((options.enrol ?? []).map(normaliseFingerprint));
  const metrics = new CollectorMetrics();
  const spool = mkdtempSync(join(tmpdir(), "fieldproof-collector-"));
  let closing = false;
  // One import at a time: better-sqlite3 is synchronous but verification awaits, and two uploads
  // of one device must not both read the same head. The queue also lets shutdown wait for them.
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  };

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const requestId = randomUUID();
    route(req, res, started)
      .catch((error: unknown) => {
        log.error("request failed", { requestId, error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) send(res, 500, { refused: true, reason: "internal", message: "The collector failed on this request; see its log. Nothing was imported." });
      })
      .finally(() => {
        log.info("request", { requestId, method: req.method, path: req.url?.split("?")[0], status: res.statusCode, ms: Math.round(performance.now() - started) });
      });
  });
  server.headersTimeout = 15_000;
  server.requestTimeout = 300_000;
  server.keepAliveTimeout = 5_000;

  async function route(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (closing) {
      res.setHeader("Connection", "close");
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
      res.end(metrics.render(stats));
      return;
    }
    if (path === "/v1/bundles") {
      if (req.method !== "POST") return methodNotAllowed(res, "POST");
      return upload(req, res, started);
    }
    send(res, 404, { refused: true, reason: "not-found", message: `No such endpoint: ${path}. The collector serves GET /healthz, GET /metrics and POST /v1/bundles.` });
  }

  async function upload(req: IncomingMessage, res: ServerResponse, started: number): Promise<void> {
    const file = join(spool, `${randomUUID()}.tar`);
    try {
      const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== BUNDLE_CONTENT_TYPE) {
        throw new Refusal("unsupported-media-type", `Send the bundle as ${BUNDLE_CONTENT_TYPE} (got ${type || "no Content-Type"}). Nothing was imported.`);
      }
      const declared = Number(req.headers["content-length"] ?? "0");
      if (declared > maxBytes) throw tooLarge(maxBytes);
      const sha256 = await spoolBody(req, file, maxBytes);
      const answer = await serialised(() => importSpooled(file, sha256));
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
      const refusal = error instanceof Refusal ? error : new Refusal(refusalReason(error), error instanceof AppError ? error.message : "The collector failed on this upload; see its log. Nothing was imported.");
      if (refusal.reason === "internal") log.error("upload failed", { error: error instanceof Error ? error.message : String(error) });
      metrics.refusal(refusal.reason);
      metrics.upload("refused", (performance.now() - started) / 1000);
      log.warn("upload refused", { reason: refusal.reason, message: refusal.message });
      // A body we did not read (too large, wrong type) is not drained: close the connection.
      if (!req.complete) res.setHeader("Connection", "close");
      send(res, REFUSAL_STATUS[refusal.reason], { refused: true, reason: refusal.reason, message: refusal.message } satisfies RefusalAnswer);
    } finally {
      rmSync(file, { force: true });
    }
  }

  async function importSpooled(file: string, sha256: string): Promise<UploadAnswer> {
    const bundle = await readBundle(file);
    const fingerprint = deviceFingerprint(bundle);
    const enrolFingerprint = fingerprint && approved.has(normaliseFingerprint(fingerprint)) ? fingerprint : undefined;
    let applied;
    try {
      applied = await store.importBundle(bundle, sha256, { enrolFingerprint });
    } catch (error) {
      if (refusalReason(error) === "unknown-device") {
        const m = bundle.manifest.device;
        throw new Refusal(
          "unknown-device",
          `Device "${m.name}" (${m.id}) with key fingerprint ${fingerprint} is not enrolled at this collector. ` +
            `IT: compare the fingerprint with the laptop's Evidence screen; if they match, restart the collector with --enrol "${fingerprint}" ` +
            "(or import one USB bundle with fieldproof import --enrol). Nothing was imported.",
        );
      }
      throw error;
    }
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
  const url = `http://${host}:${address.port}`;
  log.info("collector listening", { url, maxBundleBytes: maxBytes, approvedFingerprints: approved.size });

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

/** Streams the body to a file, hashing it, and refuses it once it passes the limit. */
function spoolBody(req: IncomingMessage, file: string, maxBytes: number): Promise<string> {
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
    req.on("aborted", () => fail(new Refusal("malformed", "The upload was cut off before its end. Nothing was imported; sync again.")));
    req.on("error", (error) => fail(error));
    out.on("error", (error) => fail(error));
    out.on("finish", () => {
      if (!failed) resolve(hash.digest("hex"));
    });
    req.pipe(out);
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

function normaliseFingerprint(fingerprint: string): string {
  return fingerprint.replace(/^SHA256:/i, "").replace(/[\s:]/g, "").toUpperCase();
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

import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { SyncLaptop } from "../../main/collector/sync";
import type { Services } from "../../main/services";
import { collectorRequest } from "../../main/services/syncService";
import { BIN } from "./cli";
import { initIt, IT_PASSPHRASE, type ItSide } from "./evidence";

/** An IT folder with the collector's HTTPS certificate, its pin written into it-public.json. */
export async function initCollectorIt(): Promise<ItSide> {
  const side = await initIt();
  const it = side.open();
  try {
    await it.addCollectorTls();
  } finally {
    await it.close();
  }
  return side;
}

/** The laptop's side of a sync, from its services (the port createServices wires). */
export function laptopPort(services: Services): SyncLaptop {
  return services.evidence.syncPort();
}

/** POST /v1/bundles as this laptop (its pin and client certificate), answering status and JSON. */
export async function postBundle(url: string, services: Services, body: Buffer, type = "application/x-tar"): Promise<{ status: number; json: Record<string, unknown>; retryAfter: string | null }> {
  const res = await collectorRequest(new URL("/v1/bundles", url), await services.evidence.collectorTls(), { method: "POST", headers: { "Content-Type": type }, body, timeoutMs: 60_000 });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown>, retryAfter: res.retryAfter };
}

/** A plain HTTPS request with no client certificate and no pin (curl -k), for what anyone can reach. */
export function anonymous(url: string, method = "GET", body?: Buffer): Promise<{ status: number; text: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, rejectUnauthorized: false, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8"), headers: res.headers }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Starts POST /v1/bundles as this laptop and sends only the first byte of `body`, so the collector
 * holds the upload open (in flight) until `finish()` sends the rest and reads the answer.
 */
export async function holdUpload(url: string, services: Services, body: Buffer): Promise<{ finish(): Promise<{ status: number; json: Record<string, unknown> }> }> {
  const trust = await services.evidence.collectorTls();
  const req = request(new URL("/v1/bundles", url), {
    method: "POST",
    agent: false,
    rejectUnauthorized: false,
    cert: trust.client.certificatePem,
    key: trust.client.keyPem,
    headers: { "Content-Type": "application/x-tar", "Content-Length": String(body.length) },
  });
  const answer = new Promise<{ status: number; json: Record<string, unknown> }>((resolve, reject) => {
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown> }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
  req.flushHeaders();
  req.write(body.subarray(0, 1));
  return {
    finish() {
      req.end(body.subarray(1));
      return answer;
    },
  };
}

/** Waits until the collector's /metrics shows `n` uploads in flight (the held upload has reached it). */
export async function untilInFlight(url: string, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await anonymous(`${url}/metrics`)).text;
    if (new RegExp(`^fieldproof_collector_uploads_in_flight ${n}$`, "m").test(text)) return;
    if (Date.now() > deadline) throw new Error(`the collector did not show ${n} upload(s) in flight within ${timeoutMs} ms:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A raw TLS connection to the collector (no HTTP client in between), as this laptop when `services` is given, else anonymous. */
export async function rawTls(url: string, services?: Services): Promise<TLSSocket> {
  const { hostname, port } = new URL(url);
  const client = services ? (await services.evidence.collectorTls()).client : undefined;
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false, ...(client ? { cert: client.certificatePem, key: client.keyPem } : {}) });
    socket.once("secureConnect", () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/** Everything a socket receives until it closes, and whether it closed because the far end did. */
export function untilClosed(socket: Socket): Promise<{ data: string; error: string | null }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let error: string | null = null;
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on("close", () => resolve({ data: Buffer.concat(chunks).toString("utf8"), error }));
  });
}

/** A process's resident memory, in KiB (Linux: /proc/PID/status VmRSS). */
export function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** `fieldproof collector serve` as a child process (the built command), its JSON log lines read as they come. */
export interface ServedCollector {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  /** The log lines so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Resolves with the first log line (already printed or to come) that `match` accepts. */
  untilLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function serveCollector(o: { itDir: string; database?: string; enrol?: readonly string[]; args?: readonly string[] }): Promise<ServedCollector> {
  const args = ["collector", "serve", "--it-dir", o.itDir, "--listen", "127.0.0.1:0", ...(o.database ? ["--database", o.database] : []), ...(o.enrol ?? []).flatMap((f) => ["--enrol", f]), ...(o.args ?? [])];
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FIELDPROOF_IT_PASSPHRASE: IT_PASSPHRASE, FIELDPROOF_DATABASE_URL: "" }, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let pending = "";
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }> = [];
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  const untilLog = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 30_000): Promise<Record<string, unknown>> => {
    const seen = lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`collector serve printed no such log line within ${timeoutMs} ms:\n${stdout}${stderr}`)), timeoutMs);
      waiters.push({ match, resolve: (line) => (clearTimeout(timer), resolve(line)) });
      void exited.then(() => (clearTimeout(timer), reject(new Error(`collector serve ended before that log line:\n${stdout}${stderr}`))));
    });
  };
  return untilLog((l) => l.msg === "collector listening", 60_000).then((l) => ({
    url: String(l.url),
    child,
    lines: () => lines,
    output: () => stdout + stderr,
    untilLog,
    exited,
  }));
}

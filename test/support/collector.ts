import { request } from "node:https";
import type { SyncLaptop } from "../../main/collector/sync";
import type { Services } from "../../main/services";
import { collectorRequest } from "../../main/services/syncService";
import { initIt, type ItSide } from "./evidence";

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

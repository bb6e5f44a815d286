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

/** The laptop's side of a sync, from its services (as createServices wires it). */
export function laptopPort(services: Services): SyncLaptop {
  return {
    pending: async () => (await services.evidence.summary()).recordsSinceReceipt,
    exportBundle: (path) => services.evidence.export(path, undefined),
    importReceipt: (path) => services.evidence.importReceipt(path),
    tls: () => services.evidence.collectorTls(),
  };
}

/** POST /v1/bundles as this laptop (its pin and client certificate), answering status and JSON. */
export async function postBundle(url: string, services: Services, body: Buffer, type = "application/x-tar"): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await collectorRequest(new URL("/v1/bundles", url), await services.evidence.collectorTls(), { method: "POST", headers: { "Content-Type": type }, body, timeoutMs: 60_000 });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
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

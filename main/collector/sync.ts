import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AppError } from "../../shared/domain/errors";
import { BUNDLE_CONTENT_TYPE, type RefusalAnswer, type UploadAnswer } from "./server";

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

const KEEP = "The evidence stays on this laptop; sync again when connected, or export it to USB (fieldproof export --out FILE).";

/** One sync: export after the last receipt, upload it, apply the receipt the collector answers. */
export async function syncOnce(laptop: SyncLaptop, collector: string, options: { timeoutMs?: number } = {}): Promise<SyncResult> {
  const endpoint = bundlesUrl(collector);
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
      const why = (error as { cause?: { code?: string; message?: string } }).cause;
      const detail = why?.code ?? why?.message ?? (error as Error).message;
      throw new AppError("UNREACHABLE", `The collector at ${collector} did not answer (${detail}). ${KEEP}`, { cause: error });
    }
    const text = await response.text();
    let answer: UploadAnswer | RefusalAnswer;
    try {
      answer = JSON.parse(text) as UploadAnswer | RefusalAnswer;
    } catch {
      throw new AppError("PROTOCOL_ERROR", `${collector} answered HTTP ${response.status} with something that is not a Fieldproof collector's answer. Check the address. ${KEEP}`);
    }
    if (!response.ok || "refused" in answer) {
      const refusal = answer as RefusalAnswer;
      throw new AppError(
        response.status >= 500 ? "UNREACHABLE" : "FORBIDDEN",
        `The collector refused the upload (${refusal.reason ?? `HTTP ${response.status}`}): ${refusal.message ?? text} ${KEEP}`,
      );
    }
    const receiptPath = join(work, "sync.receipt");
    writeFileSync(receiptPath, answer.receipt);
    const receipt = await laptop.importReceipt(receiptPath);
    return { status: answer.status, sent, newRecords: answer.newRecords, treeSize: answer.treeSize, receipt, ms: Math.round(performance.now() - started) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function bundlesUrl(collector: string): URL {
  let url: URL;
  try {
    url = new URL(collector);
  } catch {
    throw new AppError("INVALID_REQUEST", `--collector expects a URL such as http://127.0.0.1:8443 (got "${collector}").`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AppError("INVALID_REQUEST", `--collector expects an http:// or https:// URL (got "${collector}").`);
  return new URL("/v1/bundles", url);
}

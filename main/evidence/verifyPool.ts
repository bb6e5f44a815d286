import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ed25519Verify, publicKeyFromPem } from "./crypto";

export interface SignatureJob {
  readonly message: Buffer;
  readonly signature: Buffer;
}

/** Inline source so the pool works the same from the bundled CLI, the app and the tests. */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey, verify } = require("node:crypto");
parentPort.on("message", ({ pem, messages, signatures, offsets }) => {
  const key = createPublicKey(pem);
  const bad = [];
  for (let i = 0; i < offsets.length - 1; i++) {
    const msg = Buffer.from(messages.buffer, messages.byteOffset + offsets[i], offsets[i + 1] - offsets[i]);
    const sig = Buffer.from(signatures.buffer, signatures.byteOffset + i * 64, 64);
    if (!verify(null, msg, key, sig)) bad.push(i);
  }
  parentPort.postMessage(bad);
});
`;

const INLINE_BELOW = 512;

/**
 * Verifies many Ed25519 signatures under one key, spread over worker threads (one per core).
 * Returns the indexes of the jobs whose signature does not verify. Signatures that are not 64 bytes
 * long are reported bad without being sent.
 */
export async function verifyAll(pem: string, jobs: readonly SignatureJob[], threads = availableParallelism()): Promise<number[]> {
  const malformed = jobs.flatMap((job, i) => (job.signature.length === 64 ? [] : [i]));
  if (jobs.length < INLINE_BELOW || threads <= 1) {
    const key = publicKeyFromPem(pem);
    return jobs.flatMap((job, i) => (job.signature.length === 64 && ed25519Verify(key, job.message, job.signature) ? [] : [i]));
  }
  const chunkSize = Math.ceil(jobs.length / (threads * 4));
  const chunks: { start: number; jobs: readonly SignatureJob[] }[] = [];
  for (let start = 0; start < jobs.length; start += chunkSize) chunks.push({ start, jobs: jobs.slice(start, start + chunkSize) });
  const workers = Array.from({ length: Math.min(threads, chunks.length) }, () => new Worker(WORKER_SOURCE, { eval: true }));
  const bad: number[] = [...malformed];
  try {
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < chunks.length) {
          const chunk = chunks[next++]!;
          const result = await runChunk(worker, pem, chunk.jobs);
          for (const i of result) if (chunk.jobs[i]!.signature.length === 64) bad.push(chunk.start + i);
        }
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return [...new Set(bad)].sort((a, b) => a - b);
}

function runChunk(worker: Worker, pem: string, jobs: readonly SignatureJob[]): Promise<number[]> {
  const offsets = new Uint32Array(jobs.length + 1);
  let total = 0;
  jobs.forEach((job, i) => {
    offsets[i] = total;
    total += job.message.length;
  });
  offsets[jobs.length] = total;
  // Own ArrayBuffers (never Node's shared pool), since they are transferred to the worker.
  const messages = Buffer.from(new ArrayBuffer(total));
  const signatures = Buffer.from(new ArrayBuffer(jobs.length * 64));
  jobs.forEach((job, i) => {
    job.message.copy(messages, offsets[i]);
    if (job.signature.length === 64) job.signature.copy(signatures, i * 64);
  });
  return new Promise((resolve, reject) => {
    const onMessage = (result: number[]): void => {
      worker.off("error", onError);
      resolve(result);
    };
    const onError = (error: Error): void => {
      worker.off("message", onMessage);
      reject(error);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
    worker.postMessage({ pem, messages, signatures, offsets }, [messages.buffer, signatures.buffer]);
  });
}

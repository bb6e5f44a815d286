import { createHash } from "node:crypto";
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { ed25519Verify, publicKeyFromPem } from "./crypto";
import { pae } from "./dsse";

/** One envelope's signature to check, as found in the bundle (base64 strings). */
export interface EnvelopeJob {
  readonly payloadType: string;
  readonly payload: string;
  readonly signature: string;
}

export interface EnvelopeResults {
  /** Indexes of envelopes whose signature does not verify. */
  readonly bad: number[];
  /** SHA-256 of each payload (32 bytes per envelope): the next record's `prev`. */
  readonly payloadHashes: Buffer;
  /** RFC 9162 leaf hash of each payload (32 bytes per envelope). */
  readonly leafHashes: Buffer;
}

/**
 * Worker source, inline so the pool runs the same from the bundled CLI, the app and the tests.
 * Each worker decodes, builds the DSSE PAE, verifies, and hashes the payload: the main thread is
 * left free to parse statements at the same time.
 */
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { createPublicKey, createHash, hash, verify } = require("node:crypto");
const sha256 = typeof hash === "function" ? (data) => hash("sha256", data, "buffer") : (data) => createHash("sha256").update(data).digest();
let key, keyPem;
const ZERO = Buffer.of(0);
parentPort.on("message", ({ call, pem, start, jobs }) => {
  if (pem !== keyPem) { key = createPublicKey(pem); keyPem = pem; }
  const bad = [];
  const hashes = Buffer.from(new ArrayBuffer(jobs.length * 64));
  for (let i = 0; i < jobs.length; i++) {
    const [type, payloadB64, sigB64] = jobs[i];
    const payload = Buffer.from(payloadB64, "base64");
    const sig = Buffer.from(sigB64, "base64");
    const typeBytes = Buffer.from(type, "utf8");
    const msg = Buffer.concat([Buffer.from("DSSEv1 " + typeBytes.length + " "), typeBytes, Buffer.from(" " + payload.length + " "), payload]);
    if (sig.length !== 64 || !verify(null, msg, key, sig)) bad.push(start + i);
    sha256(payload).copy(hashes, i * 64);
    sha256(Buffer.concat([ZERO, payload])).copy(hashes, i * 64 + 32);
  }
  parentPort.postMessage({ call, start, count: jobs.length, bad, hashes }, [hashes.buffer]);
});
`;

const INLINE_BELOW = 512;
const CHUNK = 1000;

interface WorkerAnswer {
  readonly call: number;
  readonly start: number;
  readonly count: number;
  readonly bad: number[];
  readonly hashes: Uint8Array;
}

interface Call {
  answer(msg: WorkerAnswer): void;
  fail(error: Error): void;
}

/** A worker kept between calls; referenced (keeps the process alive) only while it has work. */
interface Slot {
  readonly worker: Worker;
  outstanding: number;
}

/**
 * The workers, made on first use and kept: starting a worker costs tens of milliseconds, paid once
 * per process rather than per bundle (a sync sends a log as many chunks, each verified on its own).
 * Idle workers are unreferenced, so they never keep a CLI or a test process alive.
 */
const slots: Slot[] = [];
const calls = new Map<number, Call>();
let nextCall = 1;

function slot(i: number): Slot {
  const existing = slots[i];
  if (existing) return existing;
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  worker.unref();
  const made: Slot = { worker, outstanding: 0 };
  worker.on("message", (msg: WorkerAnswer) => {
    if (--made.outstanding === 0) worker.unref();
    calls.get(msg.call)?.answer(msg);
  });
  const lost = (error: Error): void => {
    const at = slots.indexOf(made);
    if (at >= 0) slots.splice(at, 1);
    // Which call a lost message belonged to is unknown: fail every call in flight (they may retry).
    for (const call of [...calls.values()]) call.fail(error);
  };
  worker.on("error", lost);
  worker.on("exit", (code) => {
    if (made.outstanding > 0) lost(new Error(`a verification worker stopped (exit code ${code}) with work in hand`));
  });
  slots[i] = made;
  return made;
}

function post(s: Slot, message: unknown): void {
  if (s.outstanding++ === 0) s.worker.ref();
  s.worker.postMessage(message);
}

/**
 * Verifies many DSSE envelopes under one key across worker threads (one per core). All chunks are
 * queued at once, so the workers keep going while the caller's thread is busy.
 */
export function verifyEnvelopes(pem: string, jobs: readonly EnvelopeJob[], threads = availableParallelism()): Promise<EnvelopeResults> {
  const n = jobs.length;
  if (n < INLINE_BELOW || threads <= 1) return Promise.resolve(verifyInline(pem, jobs));
  const payloadHashes = Buffer.alloc(n * 32);
  const leafHashes = Buffer.alloc(n * 32);
  const bad: number[] = [];
  const id = nextCall++;
  return new Promise<EnvelopeResults>((resolve, reject) => {
    let remaining = Math.ceil(n / CHUNK);
    calls.set(id, {
      answer(msg) {
        const hashes = Buffer.from(msg.hashes.buffer, msg.hashes.byteOffset, msg.hashes.byteLength);
        for (let i = 0; i < msg.count; i++) {
          hashes.copy(payloadHashes, (msg.start + i) * 32, i * 64, i * 64 + 32);
          hashes.copy(leafHashes, (msg.start + i) * 32, i * 64 + 32, i * 64 + 64);
        }
        bad.push(...msg.bad);
        if (--remaining === 0) {
          calls.delete(id);
          resolve({ bad: bad.sort((a, b) => a - b), payloadHashes, leafHashes });
        }
      },
      fail(error) {
        calls.delete(id);
        reject(error);
      },
    });
    // Chunks dealt round-robin: each worker gets an even share, and the first results come early.
    let k = 0;
    for (let start = 0; start < n; start += CHUNK, k++) {
      const slice = jobs.slice(start, Math.min(n, start + CHUNK)).map((j) => [j.payloadType, j.payload, j.signature]);
      post(slot(k % threads), { call: id, pem, start, jobs: slice });
    }
  });
}

function verifyInline(pem: string, jobs: readonly EnvelopeJob[]): EnvelopeResults {
  const key = publicKeyFromPem(pem);
  const payloadHashes = Buffer.alloc(jobs.length * 32);
  const leafHashes = Buffer.alloc(jobs.length * 32);
  const bad: number[] = [];
  jobs.forEach((job, i) => {
    const payload = Buffer.from(job.payload, "base64");
    const sig = Buffer.from(job.signature, "base64");
    if (!ed25519Verify(key, pae(job.payloadType, payload), sig)) bad.push(i);
    createHash("sha256").update(payload).digest().copy(payloadHashes, i * 32);
    createHash("sha256").update(Buffer.of(0)).update(payload).digest().copy(leafHashes, i * 32);
  });
  return { bad, payloadHashes, leafHashes };
}

import { createHash, randomBytes } from "node:crypto";
import { closeSync, createWriteStream, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { pack } from "tar-stream";
import { AppError } from "../../shared/domain/errors";

export interface BundleFile {
  readonly name: string;
  readonly data: Buffer;
}

export interface StreamedEntry {
  readonly name: string;
  readonly size: number;
  /** Yields the entry's bytes; their total must equal `size`. */
  readonly chunks: () => Iterable<Buffer>;
}

/**
 * Writes a tar next to the target and renames it into place once it is complete and synced, so a
 * pulled USB stick or a crash never leaves a half bundle under the final name.
 */
export async function writeTarAtomically(target: string, files: readonly BundleFile[], streamed: StreamedEntry, onBytes?: (written: number) => void): Promise<{ bytes: number; sha256: string }> {
  if (existsSync(target)) throw new AppError("CONFLICT", `${target} already exists. Choose another file name; nothing was written.`);
  if (!existsSync(dirname(target))) throw new AppError("IO_ERROR", `The folder ${dirname(target)} does not exist (is the USB stick mounted?).`);
  const partial = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString("hex")}.partial`);
  const hash = createHash("sha256");
  let bytes = 0;
  try {
    const out = createWriteStream(partial, { flags: "wx" });
    const tar = pack();
    const finished = new Promise<void>((resolve, reject) => {
      out.on("close", resolve);
      out.on("error", reject);
      tar.on("error", reject);
    });
    tar.on("data", (chunk: unknown) => {
      const data = chunk as Buffer;
      hash.update(data);
      bytes += data.length;
    });
    tar.pipe(out);
    const mtime = new Date();
    for (const file of files) await addEntry(tar, file.name, file.data, mtime);
    await new Promise<void>((resolve, reject) => {
      const entry = tar.entry({ name: streamed.name, size: streamed.size, mode: 0o644, mtime }, (error) => (error ? reject(error) : resolve()));
      void (async () => {
        for (const chunk of streamed.chunks()) {
          if (!entry.write(chunk)) await new Promise<void>((r) => entry.once("drain", () => r()));
          onBytes?.(bytes);
        }
        entry.end(Buffer.alloc(0));
      })().catch(reject);
    });
    tar.finalize();
    await finished;
    const fd = openSync(partial, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, target);
    syncDir(dirname(target));
    return { bytes: statSync(target).size, sha256: hash.digest("hex") };
  } catch (error) {
    rmSync(partial, { force: true });
    if (error instanceof AppError) throw error;
    throw new AppError("IO_ERROR", `Writing the bundle to ${target} failed: ${(error as Error).message}. Nothing was left at that path.`);
  }
}

function addEntry(tar: ReturnType<typeof pack>, name: string, data: Buffer, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    tar.entry({ name, size: data.length, mode: 0o644, mtime }, data, (error) => (error ? reject(error) : resolve()));
  });
}

/** fsyncs a directory after a rename into it, where the platform allows it. */
export function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Directory fsync is not available everywhere (Windows); the rename itself is still atomic.
  }
}


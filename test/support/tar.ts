import { readFileSync, writeFileSync } from "node:fs";
import { extract, pack } from "tar-stream";
import { Readable } from "node:stream";

export interface RawEntry {
  name: string;
  data: Buffer;
  type?: "file" | "symlink" | "directory";
  linkname?: string;
}

/** Reads every entry of a tar without any of the product's checks (tests tamper with bundles). */
export async function readEntries(path: string): Promise<RawEntry[]> {
  const entries: RawEntry[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (c: unknown) => chunks.push(c as Buffer));
      stream.on("end", () => {
        entries.push({ name: header.name, data: Buffer.concat(chunks) });
        next();
      });
    });
    ex.on("finish", resolve);
    ex.on("error", reject);
  });
  Readable.from(readFileSync(path)).pipe(ex);
  await done;
  return entries;
}

export async function writeEntries(path: string, entries: readonly RawEntry[]): Promise<void> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => chunks.push(c as Buffer));
  const finished = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => {
      if (e.type === "symlink") p.entry({ name: e.name, type: "symlink", linkname: e.linkname ?? "x" }, (err) => (err ? reject(err) : resolve()));
      else if (e.type === "directory") p.entry({ name: e.name, type: "directory" }, (err) => (err ? reject(err) : resolve()));
      else p.entry({ name: e.name, size: e.data.length }, e.data, (err) => (err ? reject(err) : resolve()));
    });
  }
  p.finalize();
  await finished;
  writeFileSync(path, Buffer.concat(chunks));
}

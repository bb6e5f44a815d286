import { createReadStream, statSync } from "node:fs";
import { extract } from "tar-stream";
import { AppError } from "../../shared/domain/errors";

export interface TarLimits {
  /** Largest single entry, by name rule; anything larger is refused before it is read. */
  readonly maxEntryBytes: (name: string) => number;
  readonly maxEntries: number;
}

/**
 * Reads a tar file entry by entry with hard limits. Only plain files with safe relative names are
 * accepted: no links, devices or folders, no absolute paths, no `..`, no duplicates.
 */
export async function readTar(path: string, isAllowed: (name: string) => boolean, limits: TarLimits): Promise<Map<string, Buffer>> {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new AppError("IO_ERROR", `${path} is not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("IO_ERROR", `Cannot read ${path}: ${(error as Error).message}`);
  }
  if (size === 0) throw bad("the file is empty (0 bytes): the copy to or from the USB stick may have failed");

  const entries = new Map<string, Buffer>();
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on("entry", (header, stream, next) => {
      // Destroying the extractor destroys the entry stream with the same error; it is reported once, below.
      stream.on("error", () => undefined);
      const fail = (error: AppError): void => {
        stream.resume();
        ex.destroy(error);
      };
      const name = header.name;
      const problem = checkName(name, header.type ?? "file");
      if (problem) return fail(bad(problem));
      if (!isAllowed(name)) return fail(bad(`unexpected entry "${printable(name)}" in the bundle`));
      if (entries.has(name)) return fail(bad(`the entry "${name}" appears twice`));
      if (entries.size >= limits.maxEntries) return fail(bad(`more than ${limits.maxEntries} entries`));
      const limit = limits.maxEntryBytes(name);
      if ((header.size ?? 0) > limit) return fail(bad(`the entry "${name}" is ${header.size} bytes, more than the ${limit}-byte limit`));
      const chunks: Buffer[] = [];
      let received = 0;
      stream.on("data", (chunk: unknown) => {
        const data = chunk as Buffer;
        received += data.length;
        if (received > limit) fail(bad(`the entry "${name}" is larger than the ${limit}-byte limit`));
        else chunks.push(data);
      });
      stream.on("end", () => {
        entries.set(name, Buffer.concat(chunks));
        next();
      });
    });
    ex.on("finish", () => resolve());
    ex.on("error", (e: Error) => reject(e));
  });
  const input = createReadStream(path);
  input.on("error", (e) => ex.destroy(e));
  input.pipe(ex);
  try {
    await done;
  } catch (error) {
    input.destroy();
    if (error instanceof AppError) throw error;
    const message = (error as Error).message;
    if (/unexpected end/i.test(message)) throw bad("the file ends in the middle of an entry (truncated copy?)");
    if (/invalid tar header|checksum/i.test(message)) throw bad("it is not a tar file (or its header is damaged)");
    throw bad(`it cannot be read as a tar file (${message})`);
  }
  return entries;
}

function checkName(name: string, type: string): string | undefined {
  if (type !== "file") return `the entry "${printable(name)}" is a ${type}, and a bundle holds only plain files`;
  if (name.length === 0 || name.length > 200) return "an entry has an empty or overlong name";
  if (name.includes("\0") || name.includes("\\")) return `the entry name "${printable(name)}" contains forbidden characters`;
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name)) return `the entry "${printable(name)}" has an absolute path`;
  if (name.split("/").some((part) => part === ".." || part === "." || part === "")) return `the entry "${printable(name)}" has a "..", "." or empty path segment`;
  return undefined;
}

function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "?").slice(0, 120);
}

function bad(reason: string): AppError {
  return new AppError("INTEGRITY_ERROR", `This is not a valid Fieldproof bundle: ${reason}.`);
}

import { readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { AppError } from "../../../../shared/domain/errors";

/** Larger than any people, owners or holders list; refused before it is read. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024;

/** The file's bytes, or a refusal that says why in plain words (missing, a folder, too large...). */
export function readCsvFile(path: string): Buffer {
  try {
    if (statSync(path).size > MAX_CSV_BYTES) throw new AppError("INVALID_REQUEST", `${basename(path)} is larger than ${MAX_CSV_BYTES / 1024 / 1024} MB; that is not a people, owners or holders list.`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("IO_ERROR", `Cannot read ${path}: ${ioReason(error)}.`);
  }
}

/** Writes beside the file, then renames over it: a reader never sees half a file, and a failed write leaves the old one. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.fieldproof-tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Nothing was written, or it is gone already.
    }
    throw new AppError("IO_ERROR", `Cannot write ${path}: ${ioReason(error)}.`);
  }
}

function ioReason(error: unknown): string {
  const code = (error as { code?: string } | null)?.code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a folder";
  if (code === "ENOSPC") return "the disk is full";
  if (code === "EROFS") return "the disk is read-only";
  return error instanceof Error ? error.message : String(error);
}

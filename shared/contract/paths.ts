import { z } from "zod";

/** A full path typed or chosen by the technician; `example` shows the kind of file wanted. */
export function absolutePath(example: string) {
  return z
    .string()
    .min(1, "choose a file")
    .max(4096)
    .refine((p) => p.startsWith("/") || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith("\\\\"), `use a full path, e.g. ${example}`);
}

import { AppError } from "../../shared/domain/errors";
import { suggest } from "../../shared/domain/names";

/**
 * Why a controller id matches nothing, and what to do: an empty plant (import one first), or a near id
 * (a typo), else the list when it is short. `then` is said last (e.g. "Nothing was declared.").
 */
export function unknownController(id: string, known: readonly { readonly id: string }[], then = ""): AppError {
  const tail = then ? ` ${then}` : "";
  if (known.length === 0) {
    return new AppError("NOT_FOUND", `No controller ${id}: this laptop knows no plant yet. Import a plant file first (fieldproof scan --plant FILE, or Plant › Import).${tail}`);
  }
  return new AppError("NOT_FOUND", `No controller ${id} in this plant.${suggest(id, known.map((c) => c.id))}${tail}`);
}

import { AppError } from "../../shared/domain/errors";
import { suggest } from "../../shared/domain/names";
import { cannotListAccounts } from "../../shared/domain/posture";
import type { PlantRepository } from "../db/plantRepository";

/**
 * Why an account name matches nothing, and what to do: scan first (nothing scanned yet), a near name
 * (a typo), or declare it (some controllers cannot list their accounts). Never "scan the plant first"
 * to a technician who just did.
 */
export function unknownAccount(userName: string, plant: PlantRepository): AppError {
  const scanned = plant.controllers().filter((c) => c.posture !== null);
  if (scanned.length === 0) {
    return new AppError("NOT_FOUND", `No account ${userName} is known: no controller has been scanned yet. Scan the plant first (Plant › Scan all, or fieldproof scan --plant FILE --trust-new).`);
  }
  const names = [...new Set(plant.identityLinks().filter((l) => l.kind === "user").map((l) => l.name))].sort();
  const unlisted = scanned.filter((c) => cannotListAccounts(c.posture));
  const where = unlisted.slice(0, 3).map((c) => c.name).join(", ") + (unlisted.length > 3 ? ` and ${unlisted.length - 3} more` : "");
  const declare =
    unlisted.length > 0
      ? ` ${unlisted.length} controller(s) cannot list their accounts (${where}): if ${userName} is on one of them, declare it (fieldproof accounts add CONTROLLER ${userName}, or Plant › the controller › Add an account you know).`
      : "";
  return new AppError("NOT_FOUND", `No controller lists or declares an account ${userName}.${suggest(userName, names)}${declare}`);
}

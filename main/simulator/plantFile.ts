import { PlantFile, type DeclaredAccount, type DeclaredAccountKind } from "../../shared/domain/plant";
import { TECHNICIAN_USER } from "./accounts";
import { writeFileAtomic } from "./atomicFile";
import type { PlantBuild, SimAccount, SimControllerSpec } from "./types";

/** Whether a client can list the controller's accounts at all (Part 18 Users or RoleSet Identities). */
export function listsAccounts(spec: SimControllerSpec): boolean {
  return spec.security.part18 || spec.security.roleSet;
}

/**
 * The accounts a technician knows are on a controller that cannot list them, as the plant file
 * declares them: every account but their own login (`technicianLogin` already says it) and the
 * factory default administrator, which nobody remembered (the opt-in factory password check finds it).
 */
export function declaredAccounts(spec: SimControllerSpec): DeclaredAccount[] {
  if (listsAccounts(spec)) return [];
  return spec.accounts.flatMap((account) => {
    const kind = declaredKind(account);
    return kind ? [{ userName: account.userName, kind, description: account.description }] : [];
  });
}

function declaredKind(account: SimAccount): DeclaredAccountKind | null {
  const { flags } = account;
  if (flags.technician || flags.default) return null;
  if (flags.shared) return "shared";
  if (flags.vendor) return "vendor";
  if (flags.breakGlass) return "break-glass";
  return "user";
}

/**
 * The plant file a technician imports. `generatedAt` is the plant's clock (not the wall clock) so the
 * same state folder always yields the same file; `technicianLogin` is the technician's initial
 * password, which stops working once it has been rotated; `accounts` are declared only on
 * controllers that cannot list their own.
 */
export function toPlantFile(build: PlantBuild, endpointUrlOf: (controllerId: string) => string): PlantFile {
  return PlantFile.parse({
    format: "fieldproof-plant/v1",
    site: build.site,
    generatedAt: build.createdAt,
    controllers: build.controllers.map((controller) => {
      const technician = controller.accounts.find((account) => account.userName === TECHNICIAN_USER);
      const accounts = declaredAccounts(controller);
      return {
        id: controller.id,
        name: controller.name,
        kind: controller.kind,
        vendor: controller.vendor,
        model: controller.model,
        area: controller.area,
        line: controller.line,
        cell: controller.cell,
        endpointUrl: endpointUrlOf(controller.id),
        ...(technician ? { technicianLogin: { username: technician.userName, password: technician.initialPassword } } : {}),
        ...(accounts.length > 0 ? { accounts } : {}),
      };
    }),
  });
}

export async function writePlantFile(path: string, plant: PlantFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(PlantFile.parse(plant), null, 2)}\n`);
}

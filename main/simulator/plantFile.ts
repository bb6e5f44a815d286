import { PlantFile } from "../../shared/domain/plant";
import { TECHNICIAN_USER } from "./accounts";
import { writeFileAtomic } from "./atomicFile";
import type { PlantBuild } from "./types";

/**
 * The plant file a technician imports. `generatedAt` is the plant's clock (not the wall clock) so the
 * same state folder always yields the same file; `technicianLogin` is the technician's initial
 * password, which stops working once it has been rotated.
 */
export function toPlantFile(build: PlantBuild, endpointUrlOf: (controllerId: string) => string): PlantFile {
  return PlantFile.parse({
    format: "fieldproof-plant/v1",
    site: build.site,
    generatedAt: build.createdAt,
    controllers: build.controllers.map((controller) => {
      const technician = controller.accounts.find((account) => account.userName === TECHNICIAN_USER);
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
      };
    }),
  });
}

export async function writePlantFile(path: string, plant: PlantFile): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(PlantFile.parse(plant), null, 2)}\n`);
}

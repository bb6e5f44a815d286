import { join } from "node:path";
import { createServices, type Services, type ServicesConfig } from "../../main/services";
import { ItService } from "../../main/services/itService";
import type { DemoPlant } from "../../main/simulator";
import { tempDir } from "./tempDir";

export const APPROVER_PIN = "246810";
export const IT_PASS = "it passphrase for the bay";

export interface Bay {
  readonly services: Services;
  readonly plant: DemoPlant;
  readonly dir: ReturnType<typeof tempDir>;
  readonly itDir: string;
  readonly identityFile: string;
  /** The demo plant's current password of an account on a controller, as built. */
  initialPassword(controllerId: string, userName: string): string;
  close(): Promise<void>;
}

/**
 * A laptop ready to rotate: demo plant running and scanned (certificates trusted), IT's key
 * trusted, a technician, and an approver with a PIN and approve/override authority on every line.
 */
export async function openBay(controllers = 5, config: Partial<ServicesConfig> = {}): Promise<Bay> {
  const dir = tempDir("fieldproof-bay-");
  const services = createServices({ dataDir: join(dir.path, "laptop"), runtime: "test", passphrase: "bay laptop passphrase", controllerTimeoutMs: 8_000, ...config });
  await services.demo.start(controllers);
  const plant = services.demo.current()!;
  const itDir = join(dir.path, "it");
  const { files } = await ItService.init(itDir, IT_PASS);
  await services.evidence.trustIt(files.trust, false);
  await services.scan.scan({ trustNewCertificates: true, concurrency: controllers, timeoutMs: 15_000 });
  services.identity.setTechnician("Ana Ruiz", null);
  services.owners.upsertTeam("maintenance", "Maintenance", "");
  services.owners.upsertPerson({ personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: "maintenance", pin: APPROVER_PIN });
  services.owners.upsertPerson({ personId: "cy", name: "Cy Ng", role: "Engineer", employer: "staff", company: "", teamId: "maintenance", pin: "135791" });
  for (const line of new Set(plant.build.controllers.map((c) => c.line))) {
    services.owners.setAuthority(line, null, "approve", ["bo"]);
    services.owners.setAuthority(line, null, "override", ["bo"]);
  }
  return {
    services,
    plant,
    dir,
    itDir,
    identityFile: files.identity,
    initialPassword: (controllerId, userName) => plant.build.controllers.find((c) => c.id === controllerId)!.accounts.find((a) => a.userName === userName)!.initialPassword,
    async close() {
      await services.close();
      dir.cleanup();
    },
  };
}

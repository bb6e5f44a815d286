import { join } from "node:path";
import type { ControllerOutcome, RequestOf, ResponseOf } from "../../shared/contract";
import { createServices, type Services, type ServicesConfig } from "../../main/services";
import { ItService } from "../../main/services/itService";
import type { DemoPlant } from "../../main/simulator";
import { testInvoke, type TestInvoke } from "./invoke";
import { tempDir } from "./tempDir";

export const APPROVER_PIN = "246810";
export const IT_PASS = "it passphrase for the bay";

export interface Bay extends TestInvoke {
  readonly services: Services;
  readonly plant: DemoPlant;
  readonly dir: ReturnType<typeof tempDir>;
  readonly itDir: string;
  readonly identityFile: string;
  /** A rotation batch through `rotations.start` (a job) and `rotations.batchResult`, as the window runs it. */
  rotate(request: RequestOf<"rotations.start">): Promise<ControllerOutcome[]>;
  /** The same, with the batch id and the rotations it recorded. */
  rotateBatch(request: RequestOf<"rotations.start">): Promise<ResponseOf<"rotations.batchResult">>;
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
  const use = testInvoke(services);
  const { invoke } = use;
  await invoke("demo.start", { controllers });
  // The simulator's handle (accounts as built, out-of-band changes) is the test's, not a use case.
  const plant = services.demo.current()!;
  const itDir = join(dir.path, "it");
  const { files } = await ItService.init(itDir, IT_PASS);
  await invoke("evidence.trustIt", { path: files.trust, replace: false });
  await use.job("plant.scan", { trustNewCertificates: true, concurrency: controllers, timeoutMs: 15_000 }, "plant.scanResult");
  await invoke("technician.set", { name: "Ana Ruiz", pin: null });
  await invoke("owners.upsertTeam", { teamId: "maintenance", name: "Maintenance", description: "" });
  await invoke("owners.upsertPerson", { personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: "maintenance", pin: APPROVER_PIN });
  await invoke("owners.upsertPerson", { personId: "cy", name: "Cy Ng", role: "Engineer", employer: "staff", company: "", teamId: "maintenance", pin: "135791" });
  for (const line of new Set(plant.build.controllers.map((c) => c.line))) {
    await invoke("owners.setAuthority", { line, cell: null, action: "approve", people: ["bo"] });
    await invoke("owners.setAuthority", { line, cell: null, action: "override", people: ["bo"] });
  }
  return {
    ...use,
    rotate: async (request) => (await use.job("rotations.start", request, "rotations.batchResult")).results,
    rotateBatch: (request) => use.job("rotations.start", request, "rotations.batchResult"),
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

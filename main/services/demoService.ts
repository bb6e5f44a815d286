import { join } from "node:path";
import { AppError } from "../../shared/domain/errors";
import type { DemoPlant } from "../simulator";
import type { PlantService } from "./plantService";

export interface DemoState {
  readonly running: boolean;
  readonly controllers: number;
  readonly stateDir: string | null;
  readonly plantFile: string | null;
}

export interface DemoServiceDeps {
  readonly dataDir: string;
  readonly plantService: PlantService;
  /** This laptop's OPC UA certificate (DER), which the demo's strict controller must trust. */
  readonly clientCertificate: () => Promise<Buffer>;
}

/**
 * The demo plant, in-process: simulated controllers on 127.0.0.1 so a technician can try
 * Fieldproof without a plant. Its state folder lives in the data folder, so rotations made against
 * it survive a restart of the app.
 */
export class DemoService {
  private plant: DemoPlant | undefined;
  private starting: Promise<DemoState> | undefined;

  constructor(private readonly deps: DemoServiceDeps) {}

  status(): DemoState {
    return this.plant
      ? { running: true, controllers: this.plant.controllers.length, stateDir: this.plant.stateDir, plantFile: join(this.plant.stateDir, "plant.json") }
      : { running: false, controllers: 0, stateDir: null, plantFile: null };
  }

  /** Starts N controllers (or returns the running plant) and imports its plant file. */
  async start(controllers: number, onProgress?: (done: number, total: number, label: string) => void): Promise<DemoState> {
    if (this.plant) {
      if (this.plant.controllers.length !== controllers) throw new AppError("CONFLICT", `The demo plant already runs with ${this.plant.controllers.length} controllers. Stop it first.`);
      return this.status();
    }
    this.starting ??= this.doStart(controllers, onProgress).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** The running demo plant (tests and the rotation service's fault drills use it). */
  current(): DemoPlant | undefined {
    return this.plant;
  }

  async stop(): Promise<DemoState> {
    const plant = this.plant;
    this.plant = undefined;
    await plant?.stop();
    return this.status();
  }

  private async doStart(controllers: number, onProgress?: (done: number, total: number, label: string) => void): Promise<DemoState> {
    const { startDemoPlant } = await import("../simulator");
    const stateDir = join(this.deps.dataDir, "demo-plant", `n${controllers}`);
    const plant = await startDemoPlant({ controllers, stateDir, ...(onProgress ? { onProgress } : {}) });
    try {
      // The app stands in for whoever commissioned the demo's controllers: it puts this laptop on their
      // trust lists, as a technician would once with each vendor tool. (`fieldproof sim` is strict
      // until --trust-client is given, to show the refusal.)
      await plant.trustClient(await this.deps.clientCertificate());
      await plant.writePlantFile(join(stateDir, "plant.json"));
      await this.deps.plantService.importPlant(plant.plant, "demo plant");
    } catch (error) {
      await plant.stop();
      throw error;
    }
    this.plant = plant;
    return this.status();
  }
}

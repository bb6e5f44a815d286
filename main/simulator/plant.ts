import { AppError } from "../../shared/domain/errors";
import { readJson, writeJsonAtomic } from "./atomicFile";
import { buildPlant } from "./build";
import { mapLimit } from "./concurrency";
import { ControllerHandle } from "./controller";
import { PortInUseError } from "./controllerServer";
import { ControllerStore } from "./controllerStore";
import { quietOpcuaLogs } from "./logging";
import { toPlantFile, writePlantFile } from "./plantFile";
import { freePort } from "./ports";
import { PlantState, controllerPaths, plantStatePath } from "./state";
import type { DemoPlant, DemoPlantOptions, SimController } from "./types";

export const DEFAULT_SEED = "fieldproof-demo";
export const MAX_CONTROLLERS = 500;
const DEFAULT_CONCURRENCY = 4;

/**
 * Starts N simulated controllers on 127.0.0.1 from a state folder. A new folder is filled from the
 * seed (accounts, ports, PKI); an existing one is reused as it is, so rotated passwords and
 * certificates, ports and the plant's clock all survive a restart.
 */
export async function startDemoPlant(options: DemoPlantOptions): Promise<DemoPlant> {
  const count = options.controllers;
  if (!Number.isInteger(count) || count < 1 || count > MAX_CONTROLLERS) {
    throw new AppError("INVALID_REQUEST", `a demo plant has 1 to ${MAX_CONTROLLERS} controllers, not ${count}`);
  }
  const quiet = options.quiet !== false;
  if (quiet) await quietOpcuaLogs();
  const host = options.host ?? "127.0.0.1";
  const seed = String(options.seed ?? DEFAULT_SEED);
  const state = await openPlantState(options.stateDir, seed, count, options.now ?? new Date());
  const build = buildPlant({ seed, controllers: count, createdAt: new Date(state.createdAt) });

  // Saved controllers first, so a port picked for a new one never collides with a saved one.
  const saved = await mapLimit(build.controllers, 8, (spec) => ControllerStore.load(controllerPaths(options.stateDir, spec.id), spec.id));
  const taken = new Set(saved.flatMap((store) => (store ? [store.port] : [])));
  const fresh = new Set<string>();
  const controllers = await mapLimit(build.controllers, 8, async (spec, index) => {
    const paths = controllerPaths(options.stateDir, spec.id);
    let store = saved[index];
    if (!store) {
      const port = await freePort(host, taken);
      taken.add(port);
      store = await ControllerStore.create(paths, spec.id, spec.accounts, port);
      fresh.add(spec.id);
    } else {
      // The roles of the seeded accounts are the build's (a profile may change them), even in a folder
      // an older simulator made.
      await store.syncRoles(spec.accounts);
    }
    return new ControllerHandle({ spec, siteName: build.site.name, paths, store, policy: build.passwordPolicy, host, quiet });
  });

  let done = 0;
  try {
    await mapLimit(controllers, options.concurrency ?? DEFAULT_CONCURRENCY, async (controller) => {
      // A port picked free for a new controller can be taken by the time it starts (key generation
      // takes seconds; other programs' connections use the same range). No plant file refers to it
      // yet, so it moves; a saved controller's port is pinned and is reported instead.
      for (let attempt = 0; ; attempt++) {
        try {
          await controller.start();
          break;
        } catch (error) {
          if (!(error instanceof PortInUseError) || !fresh.has(controller.id) || attempt >= 3) throw error;
          const port = await freePort(host, taken);
          taken.add(port);
          await controller.movePort(port);
        }
      }
      options.onProgress?.(++done, controllers.length, `${controller.id} on ${controller.endpointUrl}`);
    });
  } catch (error) {
    await Promise.allSettled(controllers.map((controller) => controller.stop()));
    if (error instanceof PortInUseError) throw new AppError("CONFLICT", error.message);
    throw error;
  }

  const byId = new Map<string, SimController>(controllers.map((controller) => [controller.id, controller]));
  const plant = toPlantFile(build, (id) => byId.get(id)?.endpointUrl ?? "");
  return {
    plant,
    build,
    controllers,
    stateDir: options.stateDir,
    controller: (id) => {
      const controller = byId.get(id);
      if (!controller) throw new Error(`no controller ${id} in this plant`);
      return controller;
    },
    writePlantFile: (path) => writePlantFile(path, plant),
    trustClient: async (certificateDer) => {
      await Promise.all(controllers.map((controller) => controller.trustClient(certificateDer)));
    },
    stop: async () => {
      await Promise.all(controllers.map((controller) => controller.stop()));
    },
  };
}

async function openPlantState(stateDir: string, seed: string, controllers: number, now: Date): Promise<PlantState> {
  const path = plantStatePath(stateDir);
  const existing = await readJson(path, PlantState);
  if (existing) {
    if (existing.seed !== seed || existing.controllers !== controllers) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `the state folder ${stateDir} holds a plant of ${existing.controllers} controllers from seed "${existing.seed}"; start it with the same seed and size, or use another state folder`,
      );
    }
    return existing;
  }
  const state: PlantState = { format: "fieldproof-demo-plant-state/v1", seed, controllers, createdAt: now.toISOString() };
  await writeJsonAtomic(path, state);
  return state;
}

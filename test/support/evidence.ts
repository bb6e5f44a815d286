import { createServices, type Services } from "../../main/services";
import { ItService } from "../../main/services/itService";
import { tempDir } from "./tempDir";

export const PASSPHRASE = "correct horse battery staple";
export const IT_PASSPHRASE = "it department passphrase";

export interface Laptop {
  readonly services: Services;
  readonly dir: ReturnType<typeof tempDir>;
  close(): Promise<void>;
}

export function openLaptop(dataDir?: string, now?: () => Date): Laptop {
  const dir = dataDir ? { path: dataDir, cleanup: () => undefined } : tempDir("fieldproof-laptop-");
  const services = createServices({ dataDir: dir.path, runtime: "test", hostname: "bay-laptop-07", passphrase: PASSPHRASE, ...(now ? { now } : {}) });
  return {
    services,
    dir,
    async close() {
      await services.close();
    },
  };
}

export interface ItSide {
  readonly dir: ReturnType<typeof tempDir>;
  readonly trustPath: string;
  readonly identityPath: string;
  open(): ItService;
}

export async function initIt(): Promise<ItSide> {
  const dir = tempDir("fieldproof-it-");
  const { files } = await ItService.init(dir.path, IT_PASSPHRASE);
  return { dir, trustPath: files.trust, identityPath: files.identity, open: () => ItService.open(dir.path, async () => IT_PASSPHRASE) };
}

/** Appends `n` simple records (device renames) to make a log longer. */
export function appendRecords(services: Services, n: number, prefix = "bay-laptop"): void {
  for (let i = 0; i < n; i++) services.identity.rename(`${prefix}-${i}`);
}

import { join } from "node:path";
import { MIGRATIONS, openDatabase, SettingsRepository, type Database } from "../db";
import { defaultDeviceName, STORE_FILE, type ServicesConfig } from "./config";
import { JobRegistry } from "./jobs";
import { SettingsService } from "./settingsService";
import { SystemService } from "./systemService";

export interface Services {
  readonly config: ServicesConfig;
  readonly storePath: string;
  readonly jobs: JobRegistry;
  readonly settings: SettingsService;
  readonly system: SystemService;
  close(): Promise<void>;
}

/** The composition root: the desktop app, the CLI, the preview and the tests all build services here. */
export function createServices(config: ServicesConfig): Services {
  const now = config.now ?? (() => new Date());
  const storePath = join(config.dataDir, STORE_FILE);
  const db: Database = openDatabase(storePath, { migrations: MIGRATIONS, label: "The Fieldproof store" });
  const jobs = new JobRegistry(now);
  const settings = new SettingsService(new SettingsRepository(db), defaultDeviceName(config));
  const system = new SystemService(settings, { dataDir: config.dataDir, storePath }, config.runtime);

  return {
    config,
    storePath,
    jobs,
    settings,
    system,
    async close() {
      db.close();
    },
  };
}

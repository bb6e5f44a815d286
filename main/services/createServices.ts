import { join } from "node:path";
import { MIGRATIONS, openDatabase, SettingsRepository, type Database } from "../db";
import { JournalRepository } from "../db/journalRepository";
import { Identity } from "../evidence/identity";
import { passphraseProtector } from "../evidence/protector";
import { APP_VERSION } from "../version";
import { EvidenceService } from "./evidenceService";
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
  readonly identity: Identity;
  readonly evidence: EvidenceService;
  /** The journal's repository (tests compare projections with it). */
  readonly journalRepo: JournalRepository;
  close(): Promise<void>;
}

/** The composition root: the desktop app, the CLI, the preview and the tests all build services here. */
export function createServices(config: ServicesConfig): Services {
  const now = config.now ?? (() => new Date());
  const storePath = join(config.dataDir, STORE_FILE);
  const db: Database = openDatabase(storePath, { migrations: MIGRATIONS, label: "The Fieldproof store" });
  const jobs = new JobRegistry(now);
  const settingsRepo = new SettingsRepository(db);
  const journalRepo = new JournalRepository(db);
  const identity = new Identity({
    repo: journalRepo,
    now,
    defaultDeviceName: settingsRepo.get("deviceName") ?? defaultDeviceName(config),
    appVersion: APP_VERSION,
    protector: config.keyProtector ?? (config.passphrase !== undefined ? passphraseProtector(config.passphrase) : undefined),
    lockedHint: config.lockedHint,
  });
  const evidence = new EvidenceService({ repo: journalRepo, identity, appVersion: APP_VERSION, now });
  const settings = new SettingsService(settingsRepo, identity);
  const system = new SystemService(settings, evidence, { dataDir: config.dataDir, storePath }, config.runtime, config.dialogs !== undefined);

  return {
    config,
    storePath,
    jobs,
    settings,
    system,
    identity,
    evidence,
    journalRepo,
    async close() {
      db.close();
    },
  };
}

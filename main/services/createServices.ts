import { join } from "node:path";
import { DEFAULT_GENERATOR_POLICY } from "../../shared/domain/passwordPolicy";
import { DEFAULT_POLICY, diffPosture } from "../../shared/findings";
import { createOpcUaConnector } from "../connectors/opcua";
import { MIGRATIONS, openDatabase, SettingsRepository, type Database } from "../db";
import { JournalRepository } from "../db/journalRepository";
import { OwnersRepository } from "../db/ownersRepository";
import { PlantRepository } from "../db/plantRepository";
import { RotationRepository } from "../db/rotationRepository";
import { VaultRepository } from "../db/vaultRepository";
import { Identity } from "../evidence/identity";
import { passphraseProtector } from "../evidence/protector";
import { Vault } from "../evidence/vault";
import { APP_VERSION } from "../version";
import { defaultDeviceName, STORE_FILE, type ServicesConfig } from "./config";
import type { ControllerConnector } from "../connectors/port";
import { CredentialService } from "./credentialService";
import { DemoService } from "./demoService";
import { EvidenceService } from "./evidenceService";
import { InventoryService } from "./inventoryService";
import { JobRegistry } from "./jobs";
import { OwnersCsv } from "./owners/ownersCsv";
import { OwnersService } from "./ownersService";
import { PlantService } from "./plantService";
import { HandoverService } from "./rotation/handover";
import { RotationRunner } from "./rotation/runner";
import { noCrashHook } from "./rotation/crashPoint";
import { RotationService } from "./rotation/rotationService";
import { ScanService } from "./scanService";
import { SettingsService } from "./settingsService";
import { SystemService } from "./systemService";
import { REAL_TIMERS, SyncService } from "./syncService";
import { CaService, SITE_CA_ROOT_PIN } from "./caService";
import { AppError } from "../../shared/domain/errors";

export interface Services {
  readonly config: ServicesConfig;
  readonly storePath: string;
  readonly jobs: JobRegistry;
  readonly settings: SettingsService;
  readonly system: SystemService;
  readonly identity: Identity;
  readonly evidence: EvidenceService;
  readonly plant: PlantService;
  readonly scan: ScanService;
  readonly inventory: InventoryService;
  readonly owners: OwnersService;
  readonly ownersCsv: OwnersCsv;
  readonly rotations: RotationService;
  readonly handover: HandoverService;
  readonly demo: DemoService;
  readonly credentials: CredentialService;
  readonly vault: Vault;
  readonly sync: SyncService;
  readonly ca: CaService;
  /**
   * Repositories, only for tests that look inside the store (lint refuses `.repos` in main/): the app,
   * the CLI and the IPC handlers reach the store through the services' use cases.
   */
  readonly repos: { readonly journal: JournalRepository; readonly plant: PlantRepository; readonly owners: OwnersRepository; readonly rotations: RotationRepository };
  close(): Promise<void>;
}

/** How long a shared account's new password stays on the laptop for its holders (then IT's sealed copy). */
const HANDOVER_HOLD_HOURS = 72;

/** The composition root: the desktop app, the CLI, the preview and the tests all build services here. */
export function createServices(config: ServicesConfig): Services {
  const now = config.now ?? (() => new Date());
  const storePath = join(config.dataDir, STORE_FILE);
  const db: Database = openDatabase(storePath, { migrations: MIGRATIONS, label: "The Fieldproof store" });
  const jobs = new JobRegistry({ now });
  const settingsRepo = new SettingsRepository(db);
  const journalRepo = new JournalRepository(db);
  const plantRepo = new PlantRepository(db);
  const ownersRepo = new OwnersRepository(db);
  const rotationRepo = new RotationRepository(db);
  const identity = new Identity({
    repo: journalRepo,
    now,
    defaultDeviceName: settingsRepo.get("deviceName") ?? defaultDeviceName(config),
    appVersion: APP_VERSION,
    protector: config.keyProtector ?? (config.passphrase !== undefined ? passphraseProtector(config.passphrase) : undefined),
    lockedHint: config.lockedHint,
  });
  const vault = new Vault(new VaultRepository(db), () => identity.keyProtector(), now);

  // One OPC UA client per store, made on first use (node-opcua loads lazily), with its own PKI folder.
  let connector: ControllerConnector | undefined;
  const getConnector = (): ControllerConnector => (connector ??= config.connector ?? createOpcUaConnector({ pkiDir: join(config.dataDir, "pki"), logFile: join(config.dataDir, "logs", "opcua.log") }));

  const evidence = new EvidenceService({
    repo: journalRepo,
    identity,
    appVersion: APP_VERSION,
    now,
    sealedForExport: (upToSeq) => rotationRepo.sealedForExport(upToSeq),
    onReceipt: (treeSize) => rotationRepo.releaseSealed(treeSize),
    siteCaRootPin: { get: () => settingsRepo.get(SITE_CA_ROOT_PIN) || null, set: (sha256) => settingsRepo.set(SITE_CA_ROOT_PIN, sha256) },
  });
  const settings = new SettingsService({
    repo: settingsRepo,
    identity,
    hostName: defaultDeviceName(config),
    now,
    // Weakening dual control is approved as a rotation is, on every line of the plant at once.
    approver: (personId, pin) => {
      const person = owners.person(personId);
      const technician = identity.technician();
      if (technician && technician.name.trim().toLowerCase() === person.name.trim().toLowerCase()) {
        throw new AppError("FORBIDDEN", `${person.name} is the technician making the change; weakening dual control needs a second person to approve. Nothing was changed.`);
      }
      const placements = plantRepo.controllers().map((c) => ({ line: c.line, cell: c.cell }));
      if (placements.length === 0 && !ownersRepo.authority().some((e) => e.personId === personId && e.action === "approve")) {
        throw new AppError("FORBIDDEN", `${person.name} may not approve rotations anywhere on this laptop. Give them approve authority on the Owners screen (Decision authority) first. Nothing was changed.`);
      }
      const allowed = owners.check(personId, "approve", placements);
      if (!allowed.allowed) throw new AppError("FORBIDDEN", `Weakening dual control needs someone who may approve rotations on every line: ${allowed.reason}. Nothing was changed.`);
      return { personId, name: person.name, signer: owners.approverSigner(personId, pin) };
    },
  });
  const system = new SystemService({ settings, evidence, paths: { dataDir: config.dataDir, storePath }, runtime: config.runtime, dialogs: config.dialogs, connector: getConnector });
  const plant = new PlantService({ repo: plantRepo, identity, vault });
  const scan = new ScanService({ repo: plantRepo, plant, identity, connector: getConnector, diff: diffPosture, now });
  const inventory = new InventoryService({
    plant: plantRepo,
    owners: ownersRepo,
    rotations: rotationRepo,
    policy: () => DEFAULT_POLICY,
    now,
    login: (controllerId) => plant.login(controllerId),
    // `ca` is made below; this runs only when the inventory is read.
    siteCaIssuers: () => ca.list().map((s) => s.subject),
  });
  const owners = new OwnersService({
    repo: ownersRepo,
    plant: plantRepo,
    identity,
    now,
    holderLeftGraceDays: () => DEFAULT_POLICY.holderLeftGraceDays,
    identities: () => inventory.identities(),
  });
  const ownersCsv = new OwnersCsv({ owners, repo: ownersRepo });
  const timeoutMs = config.controllerTimeoutMs ?? 10_000;
  const basePolicy = () => DEFAULT_GENERATOR_POLICY;
  const handover = new HandoverService({ rotations: rotationRepo, ownersRepo, owners, plantRepo, vault, identity, now, holdHours: () => HANDOVER_HOLD_HOURS });
  const runner = new RotationRunner({
    identity,
    vault,
    plant,
    rotations: rotationRepo,
    connector: getConnector,
    now,
    timeoutMs,
    basePolicy,
    crashHook: config.crashHook ?? noCrashHook,
    keepsForHandover: (identityId) => handover.keepsFor(identityId),
  });
  const rotations = new RotationService({
    plantRepo,
    rotations: rotationRepo,
    owners,
    identity,
    vault,
    runner,
    connector: getConnector,
    now,
    timeoutMs,
    dualControl: () => settings.dualControl(),
    basePolicy,
    plant,
    itRecipient: (deviceId) => journalRepo.itTrust(deviceId)?.ageRecipient,
    sharedScope: () => settings.sharedScope(),
    hasHolders: (identityId) => handover.keepsFor(identityId),
  });
  const demo = new DemoService({ dataDir: config.dataDir, plantService: plant, clientCertificate: async () => (await getConnector().clientCertificate()).der });
  const credentials = new CredentialService({ plant: plantRepo, identity, connector: getConnector, timeoutMs, login: (controllerId) => plant.login(controllerId), declareFound: (controllerId, userName) => plant.declareFound(controllerId, userName) });
  const sync = new SyncService({
    collectorUrl: () => settings.collectorUrl(),
    setCollectorUrl: (url) => settings.setCollectorUrl(url),
    automatic: () => settings.syncAutomatically(),
    setAutomatic: (enabled) => settings.setSyncAutomatically(enabled),
    laptop: evidence.syncPort(),
    now,
    timers: config.sync?.timers ?? REAL_TIMERS,
    probeMs: config.sync?.probeMs ?? 15_000,
    maxProbeMs: config.sync?.maxProbeMs ?? 300_000,
    random: config.sync?.random ?? Math.random,
    ...(config.sync?.chunkBytes ? { chunkBytes: config.sync.chunkBytes } : {}),
  });
  if (config.sync?.autoStart ?? config.runtime !== "cli") sync.start();
  const ca = new CaService({ settings: settingsRepo, journal: journalRepo, plant: plantRepo, identity, now, connector: getConnector, login: (controllerId) => plant.login(controllerId), timeoutMs });

  return {
    config,
    storePath,
    jobs,
    settings,
    system,
    identity,
    evidence,
    plant,
    scan,
    inventory,
    owners,
    ownersCsv,
    rotations,
    handover,
    demo,
    credentials,
    vault,
    sync,
    ca,
    repos: { journal: journalRepo, plant: plantRepo, owners: ownersRepo, rotations: rotationRepo },
    async close() {
      await sync.stop();
      await demo.stop();
      await connector?.close();
      db.close();
    },
  };
}

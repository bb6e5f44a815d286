import { spawn } from "node:child_process";
import Sqlite from "better-sqlite3";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBundle } from "../../main/evidence/bundleReader";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import { createServices } from "../../main/services";
import { ItService } from "../../main/services/itService";
import { startDemoPlant, type DemoPlant } from "../../main/simulator";
import { BIN, runBinAsync } from "../support/cli";
import { openSealed } from "../support/sealed";
import { tempDir } from "../support/tempDir";

const PASSPHRASE = "crash test passphrase";

/** Runs `fieldproof rotate` until it announces `point`, then SIGKILLs it there. */
function rotateAndKillAt(point: string, env: NodeJS.ProcessEnv, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, FIELDPROOF_TEST_PAUSE_AT: point }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`never reached ${point}: ${stderr.slice(-800)}`));
    }, 60_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`paused at ${point}`)) child.kill("SIGKILL");
    });
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL" && stderr.includes(`paused at ${point}`)) resolve(stderr);
      else reject(new Error(`ended without pausing at ${point} (${signal ?? "exit"}): ${stderr.slice(-800)}`));
    });
  });
}

describe("a rotation killed at every step leaves a controller the tool can still log in to", () => {
  let dir: ReturnType<typeof tempDir>;
  let plant: DemoPlant;
  let env: NodeJS.ProcessEnv;
  let identityFile: string;
  let controllerId: string;
  let known: string[];
  const dataDir = (): string => join(dir.path, "laptop");

  beforeAll(async () => {
    dir = tempDir("fieldproof-crash-");
    plant = await startDemoPlant({ controllers: 2, stateDir: join(dir.path, "sim") });
    const services = createServices({ dataDir: dataDir(), runtime: "test", passphrase: PASSPHRASE });
    try {
      await services.plant.importPlant(plant.plant, "demo");
      const it = await ItService.init(join(dir.path, "it"), "crash it passphrase");
      identityFile = it.files.identity;
      await services.evidence.trustIt(it.files.trust, false);
      await services.scan.scan({ trustNewCertificates: true, concurrency: 2, timeoutMs: 15_000 });
      services.settings.setDualControl("off");
    } finally {
      await services.close();
    }
    controllerId = plant.build.controllers.find((c) => c.security.part18)!.id;
    known = [plant.build.controllers.find((c) => c.id === controllerId)!.accounts.find((a) => a.userName === "operator")!.initialPassword];
    env = { FIELDPROOF_DATA_DIR: dataDir(), FIELDPROOF_PASSPHRASE: PASSPHRASE };
  }, 120_000);
  afterAll(async () => {
    await plant.stop();
    dir.cleanup();
  });

  /** Every password the tool can produce for the account: typed by the technician, or sealed to IT. */
  async function producible(): Promise<string[]> {
    const services = createServices({ dataDir: dataDir(), runtime: "test", passphrase: PASSPHRASE });
    try {
      const sealed = await Promise.all(services.repos.rotations.sealedForExport().map((s) => openSealed(identityFile, s.data)));
      const pending = services.repos.rotations.pending().flatMap((r) => [services.vault.get(`pending/${r.rotationId}/new`), services.vault.get(`pending/${r.rotationId}/old`)]);
      return [...new Set([...known, ...sealed.filter((s) => s.controllerId === controllerId).map((s) => s.password), ...pending.filter((p): p is string => p !== undefined)])];
    } finally {
      await services.close();
    }
  }

  async function storeIsSound(): Promise<void> {
    const db = new Sqlite(join(dataDir(), "fieldproof.sqlite"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
    const services = createServices({ dataDir: dataDir(), runtime: "test", passphrase: PASSPHRASE });
    try {
      const bundle = join(dir.path, `check-${Date.now()}.tar`);
      await services.evidence.export(bundle, 0);
      const result = await verifyBundle(await readBundle(bundle));
      expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    } finally {
      await services.close();
    }
  }

  const expected: Record<string, string | null> = { sealed: "not-applied", changed: "completed", "proved-new": "completed", "proved-old": "completed", committed: null };

  for (const point of Object.keys(expected)) {
    it(`killed at "${point}": resolved by probing (${expected[point] ?? "nothing pending"}), chain and store intact`, async () => {
      const current = async (): Promise<string | undefined> => {
        for (const pw of await producible()) if (await plant.controller(controllerId).verifyPassword("operator", pw)) return pw;
        return undefined;
      };
      const before = await current();
      expect(before).toBeDefined();
      await rotateAndKillAt(point, { ...env, OP_PW: before! }, ["rotate", "operator", "--controller", controllerId, "--reason", "schedule", "--work-order", `WO-${point}`, "--current-password-env", "OP_PW"]);

      // Right after the kill, before any recovery: the controller accepts a password the tool can produce.
      expect(await current()).toBeDefined();

      const resolved = await runBinAsync(["rotations", "resolve", "--json"], env);
      expect(resolved.stderr).not.toMatch(/unexpected failure/);
      expect(resolved.code).toBe(0);
      const outcomes = JSON.parse(resolved.stdout) as { outcome: string }[];
      if (expected[point]) expect(outcomes.map((o) => o.outcome)).toEqual([expected[point]]);
      else expect(outcomes).toEqual([]);

      const after = await current();
      expect(after).toBeDefined();
      if (expected[point] === "not-applied") expect(after).toBe(before);
      else expect(after).not.toBe(before);
      known.push(after!);
      await storeIsSound();
    }, 120_000);
  }
});

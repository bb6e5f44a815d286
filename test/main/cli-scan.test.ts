import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoPlant, type DemoPlant } from "../../main/simulator";
import { runBinAsync } from "../support/cli";
import { tempDir } from "../support/tempDir";

describe("fieldproof scan", () => {
  let dir: ReturnType<typeof tempDir>;
  let plant: DemoPlant;
  let env: NodeJS.ProcessEnv;
  let plantFile: string;

  beforeAll(async () => {
    dir = tempDir("fieldproof-cli-scan-");
    plant = await startDemoPlant({ controllers: 3, stateDir: join(dir.path, "sim") });
    plantFile = join(dir.path, "plant.json");
    await plant.writePlantFile(plantFile);
    env = { FIELDPROOF_DATA_DIR: join(dir.path, "laptop"), FIELDPROOF_PASSPHRASE: "cli scan passphrase" };
  }, 120_000);
  afterAll(async () => {
    await plant.stop();
    dir.cleanup();
  });

  it("imports the plant file, stops at new certificates, then reads them with --trust-new", async () => {
    const first = await runBinAsync(["scan", "--plant", plantFile, "--json"], env);
    expect(first.code).toBe(0);
    const outcomes = JSON.parse(first.stdout) as { status: string; certificate: { thumbprintSha256: string } | null }[];
    expect(outcomes.map((o) => o.status)).toEqual(["awaiting-trust", "awaiting-trust", "awaiting-trust"]);
    expect(first.stderr).toMatch(/3 controller\(s\), 3 login\(s\) stored encrypted/);

    const second = await runBinAsync(["scan", "--trust-new"], env);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/OBSERVED/);
    expect(second.stdout).not.toMatch(/AWAITING-TRUST/);
  }, 120_000);

  it("explains a bad target and scans typed endpoints without logging in", async () => {
    const bad = await runBinAsync(["scan", "10.0.0.300"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"10\.0\.0\.300" is not an IPv4 address or range/);
    const port = new URL(plant.controllers[0]!.endpointUrl.replace("opc.tcp", "http")).port;
    const typed = await runBinAsync(["scan", "127.0.0.1", "--port", `${port},1`, "--timeout", "3000", "--json"], env);
    expect(typed.code).toBe(0);
    const outcomes = JSON.parse(typed.stdout) as { status: string; endpointUrl: string }[];
    expect(outcomes.find((o) => o.endpointUrl.endsWith(`:${port}`))?.status).toMatch(/observed|partial/);
    expect(outcomes.find((o) => o.endpointUrl.endsWith(":1"))?.status).toBe("unreachable");
    // A closed port leaves no trace: a later scan of the plant does not visit it.
    const all = await runBinAsync(["scan", "--json", "--timeout", "3000"], env);
    expect((JSON.parse(all.stdout) as { endpointUrl: string }[]).some((o) => o.endpointUrl.endsWith(":1"))).toBe(false);
    const nothing = await runBinAsync(["scan", "127.0.0.1", "--port", "1", "--timeout", "2000"], env);
    expect(nothing.code).toBe(1);
    expect((await runBinAsync(["scan", "--timeout", "abc"], env)).stderr).toMatch(/expected a whole number from 500 to 120000/);
  }, 120_000);

  it("trusts or rejects a controller's certificate from the command line, after the thumbprint is checked", async () => {
    const controller = plant.controllers[1]!;
    const thumbprint = createHash("sha256").update(await controller.certificate()).digest("hex");
    const typo = await runBinAsync(["trust", `${controller.id}x`, "--thumbprint", thumbprint], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(`No controller ${controller.id}x in this plant. Did you mean ${controller.id}?`);
    const wrong = await runBinAsync(["trust", controller.id, "--thumbprint", "ab".repeat(32)], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/The certificate changed while you were looking at it/);
    const rejected = await runBinAsync(["trust", controller.id, "--thumbprint", thumbprint.match(/../g)!.join(":").toUpperCase(), "--reject", "--note", "not ours"], env);
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toMatch(/certificate rejected \(rejected\)/);
    const scan = await runBinAsync(["scan", "--json", "--timeout", "5000"], env);
    expect((JSON.parse(scan.stdout) as { controllerId: string; status: string }[]).find((o) => o.controllerId === controller.id)?.status).toBe("awaiting-trust");
    const trusted = await runBinAsync(["trust", controller.id, "--thumbprint", thumbprint], env);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toMatch(/certificate trusted \(trusted\)/);
    const records = await runBinAsync(["records", "--json", "--limit", "5"], env);
    expect((JSON.parse(records.stdout) as { records: { kind: string }[] }).records.filter((r) => r.kind === "controller.trusted")).toHaveLength(2);
  }, 120_000);
});

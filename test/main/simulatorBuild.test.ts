import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PlantFile } from "../../shared/domain/plant";
import { PLACED_WEAKNESSES, buildPlant, policyViolation } from "../../main/simulator";

// The plant generator alone: no servers, no disk.
const NOW = new Date("2026-11-22T08:00:00Z");

describe("buildPlant", () => {
  it("drops the weaknesses that do not fit below five controllers, in a documented order", () => {
    for (const controllers of [1, 2, 3, 4]) {
      const build = buildPlant({ seed: "small", controllers, createdAt: NOW });
      const placed = build.weaknesses.filter((w) => w.kind !== "expiredVendorAccount");
      expect(placed.map((w) => w.kind)).toEqual(PLACED_WEAKNESSES.slice(0, controllers));
      expect(build.droppedWeaknesses).toEqual(PLACED_WEAKNESSES.slice(controllers));
      expect(new Set(placed.map((w) => w.controllerId)).size).toBe(placed.length);
    }
  });

  it("scales to a large plant with unique ids, several areas and every weakness once", () => {
    const build = buildPlant({ seed: "large", controllers: 40, createdAt: NOW });
    const ids = build.controllers.map((controller) => controller.id);
    expect(new Set(ids).size).toBe(40);
    expect(new Set(build.controllers.map((controller) => controller.area)).size).toBeGreaterThan(2);
    for (const kind of PLACED_WEAKNESSES) expect(build.weaknesses.filter((w) => w.kind === kind)).toHaveLength(1);
    const plantFile = PlantFile.safeParse({
      format: "fieldproof-plant/v1",
      site: build.site,
      generatedAt: build.createdAt,
      controllers: build.controllers.map((c) => ({ ...c, endpointUrl: "opc.tcp://127.0.0.1:4840" })),
    });
    expect(plantFile.success).toBe(true);
  });

  it("gives the technician and break-glass accounts passwords that satisfy the policy, and keeps factory defaults", () => {
    const build = buildPlant({ seed: "policy", controllers: 12, createdAt: NOW });
    for (const controller of build.controllers) {
      for (const account of controller.accounts) {
        if (account.flags.technician || account.flags.breakGlass) expect(policyViolation(account.initialPassword), account.userName).toBeNull();
        if (account.flags.default) expect(["admin", "1234", "kestrel", "password", "service"]).toContain(account.initialPassword);
      }
    }
  });

  it("dates vendor expiries from the plant's clock", () => {
    const early = buildPlant({ seed: "clock", controllers: 5, createdAt: NOW });
    const later = buildPlant({ seed: "clock", controllers: 5, createdAt: new Date("2027-03-01T00:00:00Z") });
    const expiry = (build: typeof early) => build.controllers.map((c) => c.accounts.find((a) => a.flags.vendor)!.vendorExpiry!);
    for (const [i, { date, expired }] of expiry(early).entries()) {
      const shifted = expiry(later)[i]!;
      expect(Date.parse(shifted.date) - Date.parse(date)).toBe(Date.parse("2027-03-01") - Date.parse("2026-11-22"));
      expect(shifted.expired).toBe(expired);
    }
  });
});

describe("loading", () => {
  it("imports node-opcua only when a controller starts, so other CLI commands never load it", async () => {
    // A static value import would be hoisted into the CLI bundle: ~2 s more per command, and
    // node-opcua's load-time warning W27 printed on stdout in the middle of --json output.
    const folder = fileURLToPath(new URL("../../main/simulator/", import.meta.url));
    const files = [...(await readdir(folder)).filter((name) => name.endsWith(".ts")).map((name) => folder + name), fileURLToPath(new URL("../../main/cli/sim.ts", import.meta.url))];
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = await readFile(file, "utf8");
      expect(source, file).not.toMatch(/^import (?!type\b)[^;]*from "node-opcua[^"]*";/m);
    }
    expect(await readFile(folder + "opcua.ts", "utf8")).toMatch(/import\("node-opcua"\)/);
  });
});

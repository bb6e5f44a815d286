import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PlantFile } from "../../shared/domain/plant";
import { PLACED_PROFILES, PLACED_WEAKNESSES, PROFILES_FROM_CONTROLLERS, buildPlant, declaredAccounts, policyViolation, type PlantBuild } from "../../main/simulator";

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

describe("profiles", () => {
  const weaknessOn = (build: PlantBuild, kind: string): string | undefined => build.weaknesses.find((w) => w.kind === kind)?.controllerId;

  it("puts every profile once from five controllers on, each on its own controller, clear of its conflicts", () => {
    for (const seed of ["fieldproof-demo", "p1", "p2", "p3", "p4", "p5", "p6", "p7"]) {
      for (const controllers of [5, 6, 7, 9, 12, 40]) {
        const build = buildPlant({ seed, controllers, createdAt: NOW });
        const where = `${seed}/${controllers}`;
        expect(build.profiles.map((p) => p.kind), where).toEqual([...PLACED_PROFILES]);
        expect(build.droppedProfiles, where).toEqual([]);
        expect(new Set(build.profiles.map((p) => p.controllerId)).size, where).toBe(PLACED_PROFILES.length);
        const on = (kind: string) => build.profiles.find((p) => p.kind === kind)!.controllerId;
        expect([weaknessOn(build, "noPart18"), weaknessOn(build, "securityPolicyNone")], where).not.toContain(on("noUserList"));
        expect(on("secureOnlyDiscovery"), where).not.toBe(weaknessOn(build, "securityPolicyNone"));
        expect(on("limitedTechnicianRole"), where).not.toBe(weaknessOn(build, "noPart18"));
        // The weaknesses are where they were before profiles existed: profiles draw from labels of their own.
        expect(build.weaknesses.filter((w) => w.kind !== "expiredVendorAccount").map((w) => w.kind), where).toEqual([...PLACED_WEAKNESSES]);
      }
    }
  });

  it("has no profile below five controllers", () => {
    for (const controllers of [1, 2, 3, 4]) {
      const build = buildPlant({ seed: "small", controllers, createdAt: NOW });
      expect(controllers).toBeLessThan(PROFILES_FROM_CONTROLLERS);
      expect(build.profiles).toEqual([]);
      expect(build.droppedProfiles).toEqual([...PLACED_PROFILES]);
      for (const c of build.controllers) {
        expect(c.profiles).toEqual([]);
        expect(c.security).toMatchObject({ roleSet: true, trustUnknownClients: true, encryptedOnly: false });
        expect(c.accounts.find((a) => a.flags.technician)!.roles).toContain("SecurityAdmin");
        expect(declaredAccounts(c)).toEqual([]);
      }
    }
  });

  it("switches each controller's security and the technician's roles as its profile says, and nothing else", () => {
    const build = buildPlant({ seed: "switches", controllers: 9, createdAt: NOW });
    const noPart18 = weaknessOn(build, "noPart18");
    for (const c of build.controllers) {
      const has = (kind: string) => c.profiles.includes(kind as never);
      expect(c.security.roleSet, c.id).toBe(!has("noUserList"));
      expect(c.security.part18, c.id).toBe(!has("noUserList") && c.id !== noPart18);
      expect(c.security.trustUnknownClients, c.id).toBe(!has("strictClientTrust"));
      expect(c.security.encryptedOnly, c.id).toBe(has("secureOnlyDiscovery"));
      const technician = c.accounts.find((a) => a.flags.technician)!;
      expect(technician.roles, c.id).toEqual(has("limitedTechnicianRole") ? ["Engineer"] : ["SecurityAdmin", "ConfigureAdmin", "Engineer"]);
      // Break-glass and the factory default stay SecurityAdmins, so someone can still push and manage users.
      expect(c.accounts.filter((a) => a.flags.breakGlass || a.flags.default).every((a) => a.roles.includes("SecurityAdmin")), c.id).toBe(true);
      expect(declaredAccounts(c).length > 0, c.id).toBe(has("noUserList"));
    }
  });

  it("declares the accounts of a controller that cannot list them: not the technician's login, not the factory default", () => {
    const build = buildPlant({ seed: "fieldproof-demo", controllers: 5, createdAt: NOW });
    const spec = build.controllers.find((c) => c.profiles.includes("noUserList"))!;
    const declared = declaredAccounts(spec);
    expect(declared.map((a) => [a.userName, a.kind])).toEqual([
      ["maint", "shared"],
      [spec.accounts.find((a) => a.flags.vendor)!.userName, "vendor"],
      ["breakglass", "break-glass"],
      ["operator", "user"],
    ]);
    expect(declared.find((a) => a.kind === "vendor")!.description).toMatch(/expires \d{4}-\d{2}-\d{2}$/);
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

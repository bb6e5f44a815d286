import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../main/services";
import type { PlantBuild, ProfileKind } from "../../main/simulator";
import { tempDir } from "../support/tempDir";

/** The demo plant started through the services, scanned like the app does it. */
describe("scanning the 5-controller demo plant", () => {
  let dir: ReturnType<typeof tempDir>;
  let services: Services;
  let build: PlantBuild;

  beforeAll(async () => {
    dir = tempDir("fieldproof-scan-");
    services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "scan test passphrase", controllerTimeoutMs: 15_000 });
    await services.demo.start(5);
    build = services.demo.current()!.build;
  }, 120_000);
  afterAll(async () => {
    await services.close();
    dir.cleanup();
  });
  const profiled = (kind: ProfileKind): string => build.profiles.find((p) => p.kind === kind)!.controllerId;

  it("stops at new certificates until the technician trusts them, and sends no password before", async () => {
    const outcomes = await services.scan.scan({ trustNewCertificates: false, concurrency: 5, timeoutMs: 15_000 });
    expect(outcomes).toHaveLength(5);
    expect(outcomes.every((o) => o.status === "awaiting-trust")).toBe(true);
    expect(outcomes.every((o) => o.certificate?.thumbprintSha256.length === 64)).toBe(true);
    const tree = await services.inventory.tree();
    expect(tree.controllers.every((c) => c.trust === "unknown" && c.accounts === null)).toBe(true);
  });

  it("reads every account, weakness and finding the plant was built with once trusted", async () => {
    const outcomes = await services.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
    // The controller without Part 18 lists no Users: its accounts come from the RoleSet, and the scan says so.
    const noPart18 = build.weaknesses.find((w) => w.kind === "noPart18")!.controllerId;
    const noUserList = profiled("noUserList");
    const limited = profiled("limitedTechnicianRole");
    for (const o of outcomes) {
      if (o.controllerId === noPart18) {
        expect(o.status).toBe("partial");
        expect(o.message).toMatch(/RoleSet/);
      } else if (o.controllerId === noUserList) {
        expect(o.status).toBe("partial");
        expect(o.message).toMatch(/cannot list its accounts \(no Part 18 Users, no RoleSet\): 4 declared/);
      } else if (o.controllerId === limited) {
        expect(o.status).toBe("partial");
        expect(o.message).toMatch(/fp-tech may not call CreateSigningRequest/);
      } else expect(o.status).toBe("observed");
    }

    // Every account on every controller that lists them (the limited login may not read the list).
    const accounts = services.repos.plant.accounts();
    for (const c of build.controllers.filter((x) => x.id !== noUserList && x.id !== limited)) {
      const seen = accounts.filter((a) => a.controllerId === c.id).map((a) => a.userName).sort();
      expect(seen).toEqual(c.accounts.map((a) => a.userName).sort());
    }
    // Where they cannot be listed: what the plant file declares, and the technician's own login.
    const declared = services.repos.plant.declaredAccounts().filter((a) => a.controllerId === noUserList);
    expect(declared.map((a) => `${a.userName}:${a.kind}`).sort()).toEqual(["breakglass:break-glass", "maint:shared", "operator:user", expect.stringMatching(/-support:vendor$/)].sort());
    const links = services.repos.plant.identityLinks().filter((l) => l.controllerId === noUserList).map((l) => l.name).sort();
    expect(links).toEqual(expect.arrayContaining(["fp-tech", "maint", "operator", "breakglass"]));

    // Every weakness as its finding, on the controller it was put on.
    const tree = await services.inventory.tree();
    const findingsOf = (id: string): string[] => tree.controllers.find((c) => c.id === id)!.findings.map((f) => f.code);
    const expected: Record<string, string> = {
      anonymousAccess: "anonymous-access",
      securityPolicyNone: "insecure-security-policy",
      shortLivedCertificate: "certificate-expiring",
      noPart18: "manual-rotation-only",
    };
    for (const w of build.weaknesses) {
      if (expected[w.kind]) expect(findingsOf((w as { controllerId: string }).controllerId)).toContain(expected[w.kind]);
    }
    expect(findingsOf(noUserList)).toContain("manual-rotation-only");

    // Identity findings: the shared maintenance account across lines, factory defaults, expired vendor access.
    const identities = await services.inventory.identities();
    const byName = new Map(identities.map((i) => [i.name, i]));
    // Listed on three, declared on the one that cannot list, unknown where the login may not read the list.
    expect(byName.get("maint")?.controllers).toBe(4);
    expect(byName.get("maint")?.flags.shared).toBe(true);
    expect(byName.get("maint")?.findings.map((f) => f.code)).toEqual(expect.arrayContaining(["unowned", "shared-without-holders", "blast-radius"]));
    const defaults = build.controllers.filter((c) => c.id !== noUserList && c.id !== limited).flatMap((c) => c.accounts.filter((a) => a.flags.default).map((a) => a.userName));
    for (const name of defaults) expect(byName.get(name)?.findings.map((f) => f.code)).toContain("default-account");
    const expiredVendors = build.controllers.filter((c) => c.id !== limited).flatMap((c) => c.accounts.filter((a) => a.vendorExpiry?.expired).map((a) => a.userName));
    expect(expiredVendors.length).toBeGreaterThan(0);
    for (const name of expiredVendors) expect(byName.get(name)?.findings.map((f) => f.code)).toContain("vendor-access-expired");
    const breakGlass = build.controllers.flatMap((c) => c.accounts.filter((a) => a.flags.breakGlass).map((a) => a.userName));
    for (const name of breakGlass) expect(byName.get(name)?.flags.breakGlass).toBe(true);
  });

  it("finds the maintenance password shared with another line by checking where it works", async () => {
    const weakness = build.weaknesses.find((w) => w.kind === "crossLineSharedPassword") as { controllerId: string } | undefined;
    expect(weakness).toBeDefined();
    const target = build.controllers.find((c) => c.id === weakness!.controllerId)!;
    const password = target.accounts.find((a) => a.userName === "maint")!.initialPassword;
    const before = await services.inventory.identity("user/maint");
    const known = new Set(before.controllers.map((c) => c.id));
    const sharing = build.controllers.filter((c) => known.has(c.id) && c.accounts.find((a) => a.userName === "maint")!.initialPassword === password);
    expect(new Set(sharing.map((c) => c.line)).size).toBeGreaterThan(1);
    const result = await services.credentials.checkReuse("user/maint", password);
    expect(result.acceptedOn).toEqual(sharing.map((c) => c.id).sort());
    expect(result.refusedOn.length + result.acceptedOn.length).toBe(known.size);
    const after = await services.inventory.identity("user/maint");
    const finding = after.findings.find((f) => f.code === "blast-radius")!;
    expect(finding.title).toMatch(new RegExp(`One password opens ${sharing.length} controllers on \\d+ lines`));
    expect(finding.severity).toBe("high");
    expect(JSON.stringify(before.findings)).not.toMatch(/One password opens/);
    // Recorded where it worked, never the password.
    const record = services.repos.journal.list({ offset: 0, limit: 1, kind: "credential.checked" }).records[0]!;
    expect(record.payload.includes(Buffer.from(password))).toBe(false);
  });

  it("records one signed observation per controller per scan, and what changed since", async () => {
    const before = services.repos.journal.list({ offset: 0, limit: 1000, kind: "controller.observed" }).total;
    const plant = services.demo.current()!;
    const target = plant.controllers[1]!;
    await target.stop();
    const outcomes = await services.scan.scan({ trustNewCertificates: false, concurrency: 5, timeoutMs: 5_000 });
    await target.start();
    expect(outcomes.find((o) => o.controllerId === target.id)?.status).toBe("unreachable");
    expect(services.repos.journal.list({ offset: 0, limit: 1000, kind: "controller.observed" }).total).toBe(before + 5);
    const tree = await services.inventory.tree();
    expect(tree.controllers.find((c) => c.id === target.id)?.reachable).toBe(false);
  });
});

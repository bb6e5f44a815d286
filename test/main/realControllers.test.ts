import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices } from "../../main/services";
import type { ProfileKind } from "../../main/simulator";
import { Statement } from "../../shared/evidence";
import { RecordData } from "../../shared/evidence/kinds";
import { APPROVER_PIN, openBay, type Bay } from "../support/bay";
import { runCli } from "../support/cli";
import { testInvoke } from "../support/invoke";

const PASSPHRASE = "bay laptop passphrase";
const approval = { personId: "bo", pin: APPROVER_PIN, emergency: false };
const dataOf = (payload: Buffer): unknown => Statement.parse(JSON.parse(payload.toString("utf8"))).predicate.data;
const base = { reason: "schedule", workOrder: "WO-11", operationalState: "maintenance-window", passwordScope: "per-controller", concurrency: 1 } as const;

/**
 * Controllers that do less than the demo plant used to (issue 11), against its profiles: one that
 * cannot list its accounts, one that trusts only known clients, one where the technician's login
 * lacks SecurityAdmin, and one that stops answering.
 */
describe("real controllers: declared accounts, strict trust, limited logins, visits that fail", () => {
  let bay: Bay;
  const profiled = (kind: ProfileKind): string => bay.plant.build.profiles.find((p) => p.kind === kind)!.controllerId;

  beforeAll(async () => {
    bay = await openBay(5);
  }, 180_000);
  afterAll(async () => {
    await bay.close();
  });

  it("scans a controller that cannot list its accounts, and knows what the plant file declares and the login it uses", async () => {
    const id = profiled("noUserList");
    const { outcomes } = await bay.job("plant.scan", { controllerIds: [id], timeoutMs: 15_000 }, "plant.scanResult");
    expect(outcomes[0]).toMatchObject({ status: "partial", message: expect.stringMatching(/cannot list its accounts \(no Part 18 Users, no RoleSet\): 4 declared/) });
    const tree = await bay.invoke("plant.tree", {});
    const summary = tree.controllers.find((c) => c.id === id)!;
    expect(summary).toMatchObject({ accounts: null, accountsListable: false, part18: false });
    expect([...summary.declaredAccounts].sort()).toEqual(expect.arrayContaining(["breakglass", "maint", "operator"]));
    const maint = await bay.invoke("identities.get", { id: "user/maint" });
    expect(maint.controllers.find((c) => c.id === id)).toMatchObject({ listed: false, declared: true });
    expect(maint.row.flags.shared).toBe(true);
    // The technician's own login is an account of the controller, listed or not.
    const own = await bay.invoke("identities.get", { id: "user/fp-tech" });
    expect(own.controllers.map((c) => c.id)).toContain(id);
    expect(own.ownLogin).toBe(true);
    expect(summary.findings.map((f) => f.code)).toContain("manual-rotation-only");
  });

  it("rotates a declared account there through the manual path, with proof by login", async () => {
    const id = profiled("noUserList");
    const controller = bay.plant.controller(id);
    const old = bay.initialPassword(id, "maint");
    const [result] = await bay.rotate({ ...base, identityId: "user/maint", controllerIds: [id], currentPassword: old, approval });
    expect(result).toMatchObject({ state: "pending-manual" });
    const shown = await bay.invoke("rotations.revealManual", { rotationId: result!.rotationId! });
    await controller.setPasswordOutOfBand("maint", shown.password);
    const done = await bay.invoke("rotations.confirmManual", { rotationId: result!.rotationId! });
    expect(done).toMatchObject({ state: "committed", method: "manual", proof: { newAccepted: true, oldRejected: true } });
    expect(await controller.verifyPassword("maint", old)).toBe(false);
  });

  it("finds the factory admin there with the opt-in check and makes it an account of the controller", async () => {
    const id = profiled("noUserList");
    const before = bay.plant.controller(id).failedLogins("admin");
    const { results, notListed } = await bay.invoke("identities.checkDefaults", { confirm: true });
    const admin = results.find((r) => r.identityId === "user/admin")!;
    expect(admin.acceptedOn).toContain(id);
    expect(notListed).toEqual([]);
    expect(bay.plant.controller(id).failedLogins("admin")).toBe(before);
    const identity = await bay.invoke("identities.get", { id: "user/admin" });
    expect(identity.controllers.find((c) => c.id === id)).toMatchObject({ declared: true, listed: false });
    expect(identity.findings.map((f) => f.code)).toContain("default-password");
    expect(bay.services.repos.plant.declaredAccounts().find((a) => a.controllerId === id && a.userName === "admin")).toMatchObject({ kind: "default", source: "default-check" });
  });

  it("declares an account by hand (and from the command line), refusing what the controller's own list contradicts", async () => {
    const noList = profiled("noUserList");
    const declared = await bay.invoke("identities.declare", { controllerIds: [noList], userName: "integrator", kind: "vendor", description: "Ng Automation remote support" });
    expect(declared).toEqual({ identityId: "user/integrator", declared: 1, unchanged: 0 });
    expect((await bay.invoke("identities.declare", { controllerIds: [noList], userName: "integrator", kind: "vendor", description: "Ng Automation remote support" })).unchanged).toBe(1);
    expect((await bay.invoke("identities.get", { id: "user/integrator" })).row.flags.vendor).toBe(true);

    const listing = bay.plant.build.controllers.find((c) => c.security.part18 && c.profiles.length === 0)!.id;
    const unlisted = await bay.invokeResult("identities.declare", { controllerIds: [listing], userName: "ghost" });
    expect(unlisted).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/lists its accounts \(Part 18\) and ghost is not among them/) } });
    const listed = await bay.invokeResult("identities.declare", { controllerIds: [listing], userName: "maint" });
    expect(listed).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/lists maint itself/) } });
    const records = bay.services.repos.journal.list({ offset: 0, limit: 100, kind: "account.declared" }).records.map((r) => RecordData["account.declared"].parse(dataOf(r.payload)));
    expect(records.filter((r) => r.userName === "ghost" || (r.userName === "maint" && r.controllerId === listing))).toEqual([]);

    const saved = process.env.FIELDPROOF_PASSPHRASE;
    process.env.FIELDPROOF_PASSPHRASE = PASSPHRASE;
    try {
      const dataDir = join(bay.dir.path, "laptop");
      const cli = await runCli(["--data-dir", dataDir, "accounts", "add", noList, "historian-svc", "--kind", "shared"]);
      expect(cli).toMatchObject({ code: 0, stdout: expect.stringContaining(`historian-svc declared on ${bay.plant.controller(noList).spec.name} (shared)`) });
      const typo = await runCli(["--data-dir", dataDir, "accounts", "add", `${noList}-x`, "svc"]);
      expect(typo).toMatchObject({ code: 1, stderr: expect.stringContaining(`Did you mean ${noList}?`) });
    } finally {
      if (saved === undefined) delete process.env.FIELDPROOF_PASSPHRASE;
      else process.env.FIELDPROOF_PASSPHRASE = saved;
    }
  });

  it("answers a typo in an account name with the nearest names, not 'scan the plant first'", async () => {
    const refused = await bay.invokeResult("rotations.start", { ...base, identityId: "user/maitn", currentPassword: "x", approval });
    expect(refused).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringContaining("No controller lists or declares an account maitn. Did you mean maint?") } });
    expect((refused as { error: { message: string } }).error.message).not.toMatch(/scan the plant first/i);
  });

  it("rotates another account where the technician's login may not set passwords: the account changes its own", async () => {
    const id = profiled("limitedTechnicianRole");
    const old = bay.initialPassword(id, "breakglass");
    // The limited login cannot list the accounts there: the technician declares the one they rotate.
    await bay.invoke("identities.declare", { controllerIds: [id], userName: "breakglass", kind: "break-glass" }).catch(() => undefined);
    const { results, rotations } = await bay.rotateBatch({ ...base, identityId: "user/breakglass", controllerIds: [id], currentPassword: old, approval });
    expect(results).toMatchObject([{ state: "committed" }]);
    expect(rotations).toMatchObject([{ method: "opcua-part18", state: "committed" }]);
    const pending = bay.services.repos.journal.list({ offset: 0, limit: 1, kind: "rotation.pending" }).records[0]!;
    expect(dataOf(pending.payload)).toMatchObject({ call: "ChangePassword", actingUser: "breakglass" });
    expect(await bay.plant.controller(id).verifyPassword("breakglass", old)).toBe(false);
  });

  it("keeps what the last good visit learned when a controller is not reached, and says when", async () => {
    const id = bay.plant.build.controllers.find((c) => c.profiles.length === 0)!.id;
    const certificateBefore = await bay.invoke("identities.get", { id: `certificate/${id}` });
    const before = (await bay.invoke("plant.tree", {})).controllers.find((c) => c.id === id)!;
    expect(before.certificate).not.toBeNull();
    const controller = bay.plant.controller(id);
    await controller.stop();
    try {
      const { outcomes } = await bay.job("plant.scan", { controllerIds: [id], timeoutMs: 3_000 }, "plant.scanResult");
      expect(outcomes[0]!.status).toBe("unreachable");
    } finally {
      await controller.start();
    }
    const after = (await bay.invoke("plant.tree", {})).controllers.find((c) => c.id === id)!;
    expect(after.certificate).toEqual(before.certificate);
    expect(after.lastObservedAt).toBe(before.lastObservedAt);
    expect(after.reachable).toBe(false);
    expect(after.notReachedAt).not.toBeNull();
    expect((await bay.invoke("identities.get", { id: `certificate/${id}` })).row.due).toEqual(certificateBefore.row.due);
    expect(certificateBefore.row.due).not.toBeNull();
  });

  it("a laptop the strict controller does not know is refused with the controller's reason and its own certificate; trusted, it reads it", async () => {
    const id = profiled("strictClientTrust");
    const other = createServices({ dataDir: join(bay.dir.path, "stranger"), runtime: "test", passphrase: "stranger laptop", controllerTimeoutMs: 8_000 });
    try {
      const use = testInvoke(other);
      await use.invoke("plant.importFile", { path: join(bay.plant.stateDir, "plant.json") });
      const first = await use.job("plant.scan", { controllerIds: [id], trustNewCertificates: true, timeoutMs: 8_000 }, "plant.scanResult");
      const certificate = await use.invoke("system.clientCertificate", {});
      expect(first.outcomes[0]).toMatchObject({ status: "error", message: expect.stringContaining("refused the encrypted channel (BadSecurityChecksFailed). Nothing was sent.") });
      expect(first.outcomes[0]!.message).toContain(`SHA-256 thumbprint ${certificate.thumbprintSha256}, file ${certificate.file}`);
      expect((await bay.plant.controller(id).rejectedClients()).length).toBeGreaterThan(0);
      await bay.plant.controller(id).acceptRejectedClients();
      const second = await use.job("plant.scan", { controllerIds: [id], timeoutMs: 8_000 }, "plant.scanResult");
      expect(second.outcomes[0]!.status).toMatch(/observed|partial/);
    } finally {
      await other.close();
    }
  });
});

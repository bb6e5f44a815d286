import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RotationRequest } from "../../shared/contract";
import { pendingRef } from "../../main/services/rotation/runner";
import { APPROVER_PIN, openBay, type Bay } from "../support/bay";
import { openSealed } from "../support/sealed";

const base = { reason: "schedule", workOrder: "WO-4711", operationalState: "maintenance-window", passwordScope: "per-controller", concurrency: 4 } as const;

describe("password rotation with proof", () => {
  let bay: Bay;
  beforeAll(async () => {
    bay = await openBay(5);
  }, 180_000);
  afterAll(async () => {
    await bay.close();
  });

  const part18Controller = (): string => bay.plant.build.controllers.find((c) => c.security.part18 && !c.security.allowAnonymous)!.id;
  const request = (r: Partial<RotationRequest>): RotationRequest => ({ identityId: "user/operator", ...base, ...r });
  const sealedOf = (rotationId: string): Buffer => bay.services.repos.rotations.sealedForExport().find((s) => s.name === `sealed/${rotationId}.age`)!.data;

  it("rotates one account over Part 18, proves new accepted and old refused, and seals the new password to IT", async () => {
    const id = part18Controller();
    const old = bay.initialPassword(id, "operator");
    const [result] = await bay.rotate(request({ controllerIds: [id], currentPassword: old, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result).toMatchObject({ state: "committed", controllerId: id });
    const row = bay.services.repos.rotations.get(result!.rotationId!)!;
    expect(row.state).toBe("committed");
    expect(row.detail).toMatchObject({ proof: { newPassword: { accepted: true, statusCode: "Good" }, oldPassword: { accepted: false, statusCode: "BadUserAccessDenied" } } });
    const secret = await openSealed(bay.identityFile, sealedOf(row.rotationId));
    expect(secret).toMatchObject({ rotationId: row.rotationId, controllerId: id, userName: "operator" });
    const controller = bay.plant.controller(id);
    expect(await controller.verifyPassword("operator", secret.password)).toBe(true);
    expect(await controller.verifyPassword("operator", old)).toBe(false);
    // The laptop forgot both (IT holds the sealed copy).
    expect(bay.services.vault.get(pendingRef(row.rotationId, "new"))).toBeUndefined();
    expect(bay.services.vault.get(pendingRef(row.rotationId, "old"))).toBeUndefined();
  });

  it("rotates the technician's own login with ChangePassword and keeps the new one to log in with", async () => {
    const id = part18Controller();
    const before = bay.services.plant.login(id)!;
    const [result] = await bay.rotate(request({ identityId: `user/${before.userName}`, controllerIds: [id], approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result!.state).toBe("committed");
    const after = bay.services.plant.login(id)!;
    expect(after.password).not.toBe(before.password);
    expect(await bay.plant.controller(id).verifyPassword(before.userName, after.password)).toBe(true);
    const pending = bay.services.repos.rotations.get(result!.rotationId!)!;
    expect((pending.detail as { call?: string }).call).toBe("ChangePassword");
  });

  it("refuses a wrong current password before touching anything", async () => {
    const id = part18Controller();
    const head = bay.services.repos.journal.head().size;
    const [result] = await bay.rotate(request({ identityId: "user/maint", controllerIds: [id], currentPassword: "Not-The-Password-1", approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result).toMatchObject({ state: "refused", message: expect.stringMatching(/current password of maint is not accepted/) });
    expect(bay.services.repos.journal.head().size).toBe(head);
  });

  it("stops a batch at the first controller that refuses the typed password, so the account is not locked out everywhere", async () => {
    const currentPassword = bay.initialPassword(bay.plant.build.controllers[0]!.id, "maint");
    const ids = bay.plant.build.controllers.filter((c) => c.accounts.find((a) => a.userName === "maint")!.initialPassword === currentPassword).map((c) => c.id);
    expect(ids.length).toBeGreaterThan(1);
    const failedBefore = ids.map((id) => bay.plant.controller(id).failedLogins("maint"));
    const head = bay.services.repos.journal.head().size;
    const results = await bay.rotate(request({ identityId: "user/maint", controllerIds: ids, currentPassword: "Wrong-Maint-Password-9", concurrency: 8, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(results.map((r) => r.state)).toEqual(ids.map(() => "refused"));
    expect(results[0]!.message).toMatch(/current password of maint is not accepted/);
    for (const r of results.slice(1)) expect(r.message).toMatch(/^Not tried: .* refused the current password of maint.*lock the account out/);
    expect(results.some((r) => "wrongCurrentPassword" in r)).toBe(false);
    // One failed login in all, on the first controller only.
    const failedAfter = ids.map((id) => bay.plant.controller(id).failedLogins("maint"));
    expect(failedAfter.map((n, i) => n - failedBefore[i]!)).toEqual(ids.map((_, i) => (i === 0 ? 1 : 0)));
    expect(bay.services.repos.journal.head().size).toBe(head);
  });

  it("needs an approval for a shared account, from someone with authority, and not the technician", async () => {
    await expect(bay.rotate(request({ identityId: "user/maint", currentPassword: "x" }))).rejects.toThrow(/needs an approval/);
    await expect(bay.rotate(request({ identityId: "user/maint", currentPassword: "x", approval: { personId: "cy", pin: "135791", emergency: false } }))).rejects.toThrow(
      /Cy Ng may not approve rotations on .*: those named there are Bo Lind/,
    );
    await expect(bay.rotate(request({ identityId: "user/maint", currentPassword: "x", approval: { personId: "bo", pin: "000000", emergency: false } }))).rejects.toThrow(/PIN is wrong/);
  });

  it("records a denied change as failed with the old password still in place", async () => {
    const id = part18Controller();
    const controller = bay.plant.controller(id);
    controller.setFault({ kind: "denyChange", once: true });
    const old = bay.initialPassword(id, "breakglass");
    const [result] = await bay.rotate(request({ identityId: "user/breakglass", controllerIds: [id], currentPassword: old, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result).toMatchObject({ state: "failed", message: expect.stringMatching(/refused the change: BadUserAccessDenied/) });
    expect(bay.services.repos.rotations.get(result!.rotationId!)!.state).toBe("failed:old");
    expect(await controller.verifyPassword("breakglass", old)).toBe(true);
    // Nothing sealed travels for a password that never took effect.
    expect(bay.services.repos.rotations.sealedForExport().some((s) => s.name.includes(result!.rotationId!))).toBe(false);
  });

  it("reports a controller that still accepts the old password as a failed proof, keeping the new one producible", async () => {
    const id = bay.plant.build.controllers.filter((c) => c.security.part18)[1]!.id;
    const controller = bay.plant.controller(id);
    controller.setFault({ kind: "keepOldPassword", once: true });
    const old = bay.initialPassword(id, "operator");
    const [result] = await bay.rotate(request({ controllerIds: [id], currentPassword: old, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result).toMatchObject({ state: "failed", message: expect.stringMatching(/still accepts the old one/) });
    const row = bay.services.repos.rotations.get(result!.rotationId!)!;
    expect(row.state).toBe("failed:new-and-old");
    const newer = bay.services.vault.get(pendingRef(row.rotationId, "new"))!;
    expect(await controller.verifyPassword("operator", newer)).toBe(true);
    expect((await openSealed(bay.identityFile, sealedOf(row.rotationId))).password).toBe(newer);
  });

  it("survives a connection cut mid-change by asking the controller what it holds", async () => {
    // A Part 18 controller not used by the tests above, whose account list the technician may read.
    const id = bay.plant.build.controllers.filter((c) => c.security.part18 && !c.profiles.includes("limitedTechnicianRole")).at(-1)!.id;
    const controller = bay.plant.controller(id);
    controller.setFault({ kind: "dropOnChange", applyBefore: true, once: true });
    const old = bay.initialPassword(id, "operator");
    const [result] = await bay.rotate(request({ controllerIds: [id], currentPassword: old, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result!.state).toBe("committed");
    const row = bay.services.repos.rotations.get(result!.rotationId!)!;
    expect(await controller.verifyPassword("operator", old)).toBe(false);
    expect(row.detail).toMatchObject({ proof: { newPassword: { accepted: true } } });
  });

  it("routes a controller without Part 18 through a manual change: reveal (recorded), set in the vendor tool, confirm with proof", async () => {
    const id = bay.plant.build.weaknesses.find((w) => w.kind === "noPart18")!.controllerId;
    const old = bay.initialPassword(id, "operator");
    const [result] = await bay.rotate(request({ controllerIds: [id], currentPassword: old, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(result!.state).toBe("pending-manual");
    const reveals = bay.services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.revealed" }).total;
    const shown = await bay.invoke("rotations.revealManual", { rotationId: result!.rotationId! });
    expect(bay.services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.revealed" }).total).toBe(reveals + 1);
    // Proving before the vendor tool step is not final: nothing is recorded, the rotation still waits.
    const records = bay.services.repos.journal.head().size;
    const early = await bay.invoke("rotations.confirmManual", { rotationId: result!.rotationId! });
    expect(early.state).toBe("pending");
    expect(early.summary).toMatch(/still accepts the old password of operator and refuses the new one \(Bad\w+\): the new password is not set yet\. Set it in the vendor tool/);
    expect(bay.services.repos.journal.head().size).toBe(records);
    // Mistyped in the vendor tool: both refused; still waiting, and it says so.
    await bay.plant.controller(id).setPasswordOutOfBand("operator", `${shown.password}x`);
    const typo = await bay.invoke("rotations.confirmManual", { rotationId: result!.rotationId! });
    expect([typo.state, typo.summary.split(":")[0]]).toEqual(["pending", `${bay.services.repos.plant.controller(id)!.name} refuses both the old and the new password of operator (BadUserAccessDenied)`]);
    await bay.plant.controller(id).setPasswordOutOfBand("operator", shown.password);
    const done = await bay.invoke("rotations.confirmManual", { rotationId: result!.rotationId! });
    expect(done.state).toBe("committed");
    await expect(bay.invoke("rotations.revealManual", { rotationId: result!.rotationId! })).rejects.toThrow(`Rotation ${result!.rotationId!} (operator on ${id}) is committed, no longer waiting for the vendor tool step`);
    await expect(bay.invoke("rotations.revealManual", { rotationId: "rot-nope" })).rejects.toThrow("There is no rotation rot-nope on this laptop. The ids are in the Rotations screen and in fieldproof rotations list.");
  });

  it("rotates the shared maintenance account on every controller, with a row per controller, and retries only the failures", async () => {
    // One line's maintenance password, on every controller that has it (a typed current password).
    const currentPassword = bay.initialPassword(bay.plant.build.controllers[0]!.id, "maint");
    const sameEverywhere = bay.plant.build.controllers.filter((c) => c.accounts.find((a) => a.userName === "maint")!.initialPassword === currentPassword).map((c) => c.id);
    expect(sameEverywhere.length).toBeGreaterThan(1);
    const unreachable = sameEverywhere.find((id) => bay.plant.build.controllers.find((c) => c.id === id)!.security.part18 && id !== sameEverywhere[0])!;
    await bay.plant.controller(unreachable).stop();
    const { batchId, results } = await bay.rotateBatch(request({ identityId: "user/maint", controllerIds: sameEverywhere, currentPassword, reason: "holder-left", approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }));
    expect(results).toHaveLength(sameEverywhere.length);
    expect(results.find((r) => r.controllerId === unreachable)?.state).toBe("refused");
    expect(results.filter((r) => r.controllerId !== unreachable).every((r) => ["committed", "pending-manual"].includes(r.state))).toBe(true);
    const passwords = await Promise.all(
      results.filter((r) => r.state === "committed").map(async (r) => (await openSealed(bay.identityFile, sealedOf(r.rotationId!))).password),
    );
    expect(new Set(passwords).size).toBe(passwords.length);

    await bay.plant.controller(unreachable).start();
    const retry = await bay.job("rotations.retryFailed", { batchId, currentPassword, approval: { personId: "bo", pin: APPROVER_PIN, emergency: false } }, "rotations.batchResult");
    expect(retry.results.find((r) => r.controllerId === unreachable)?.state).toBe("committed");
    expect(retry.results.map((r) => r.controllerId)).not.toContain(results.find((r) => r.state === "committed")!.controllerId);
  });

  it("finds a factory password that still works only when asked, spends at most two tries per account and controller, and clears after rotation", async () => {
    // The factory administrator of each controller, as the demo plant was built.
    const admins = bay.plant.build.controllers.map((c) => ({ controller: c, account: c.accounts.find((a) => a.flags.default)! }));
    // The factory administrator name most controllers share ("admin" on most of the demo's vendors).
    const target = [...admins].sort((a, b) => admins.filter((x) => x.account.userName === b.account.userName).length - admins.filter((x) => x.account.userName === a.account.userName).length)[0]!;
    const identityId = `user/${target.account.userName}`;
    const same = admins.filter((a) => a.account.userName === target.account.userName);
    const before = await bay.services.inventory.identity(identityId);
    expect(before.findings.map((f) => f.code)).toContain("default-account");
    expect(before.findings.map((f) => f.code)).not.toContain("default-password");
    // Someone already changed it by hand on one of the controllers it lives on.
    expect(same.length).toBeGreaterThan(1);
    const changed = same[1]!;
    await bay.plant.controller(changed.controller.id).setPasswordOutOfBand(changed.account.userName, "Changed-By-Hand-42");
    const failedBefore = same.map((a) => bay.plant.controller(a.controller.id).failedLogins(a.account.userName));

    const { results } = await bay.invoke("identities.checkDefaults", { confirm: true });
    const result = results.find((r) => r.identityId === identityId)!;
    const working = same.filter((a) => a !== changed).map((a) => a.controller.id);
    expect(result.acceptedOn).toEqual([...working].sort());
    expect(result.refusedOn).toEqual([changed.controller.id]);
    const spent = same.map((a, i) => bay.plant.controller(a.controller.id).failedLogins(a.account.userName) - failedBefore[i]!);
    // Wrong tries only where the password was changed, and never more than two there.
    expect(spent.map((n, i) => (same[i] === changed ? n >= 1 && n <= 2 : n === 0))).toEqual(same.map(() => true));
    expect(result.failedLogins).toBe(spent.reduce((a, b) => a + b, 0));
    // One record per account checked, saying where, never which password.
    const dataOf = (payload: Buffer): Record<string, unknown> => (JSON.parse(payload.toString()) as { predicate: { data: Record<string, unknown> } }).predicate.data;
    const record = bay.services.repos.journal.list({ offset: 0, limit: 50, kind: "credential.defaultChecked" }).records.find((r) => dataOf(r.payload).identityId === identityId);
    expect(record).toBeDefined();
    expect(Object.keys(dataOf(record!.payload)).sort()).toEqual(["acceptedOn", "failedLogins", "identityId", "notApplicableOn", "refusedOn", "unreachableOn", "userName"]);

    const found = await bay.services.inventory.identity(identityId);
    expect(found.findings.find((f) => f.code === "default-password")?.severity).toBe("critical");
    expect(found.row.due).toMatchObject({ reason: "default-password", date: new Date().toISOString().slice(0, 10) });

    // Where the technician logs in with that very account, its password is compared on the laptop, not tried.
    const techLogin = bay.services.plant.login(changed.controller.id)!;
    bay.services.plant.setLogin(changed.controller.id, changed.account.userName, "Changed-By-Hand-42");
    try {
      const failedNow = bay.plant.controller(changed.controller.id).failedLogins(changed.account.userName);
      const again = (await bay.invoke("identities.checkDefaults", { confirm: true })).results.find((r) => r.identityId === identityId)!;
      expect(again.refusedOn).toEqual([changed.controller.id]);
      expect(again.failedLogins).toBe(0);
      expect(bay.plant.controller(changed.controller.id).failedLogins(changed.account.userName)).toBe(failedNow);
    } finally {
      bay.services.plant.setLogin(changed.controller.id, techLogin.userName, techLogin.password);
    }

    // Rotating it everywhere the factory password worked clears the finding without checking again.
    const approval = { personId: "bo", pin: APPROVER_PIN, emergency: false };
    const byPassword = new Map<string, string[]>();
    for (const a of same.filter((x) => working.includes(x.controller.id))) byPassword.set(a.account.initialPassword, [...(byPassword.get(a.account.initialPassword) ?? []), a.controller.id]);
    for (const [currentPassword, controllerIds] of byPassword) {
      const batch = await bay.rotate(request({ identityId, controllerIds, currentPassword, approval }));
      expect(batch.every((r) => r.state === "committed" || r.state === "pending-manual")).toBe(true);
      for (const r of batch.filter((x) => x.state === "pending-manual")) {
        const shown = await bay.invoke("rotations.revealManual", { rotationId: r.rotationId! });
        await bay.plant.controller(r.controllerId).setPasswordOutOfBand(target.account.userName, shown.password);
        expect((await bay.invoke("rotations.confirmManual", { rotationId: r.rotationId! })).state).toBe("committed");
      }
    }
    const after = await bay.invoke("identities.get", { id: identityId });
    expect(after.findings.map((f) => f.code)).not.toContain("default-password");

    // A controller that cannot be asked is reported as not checked, never as refused.
    const down = bay.plant.controller(working[0]!);
    await down.stop();
    try {
      const unreachable = (await bay.invoke("identities.checkDefaults", { confirm: true })).results.find((r) => r.identityId === identityId)!;
      expect(unreachable.unreachableOn).toContain(working[0]);
      expect([...unreachable.acceptedOn, ...unreachable.refusedOn]).not.toContain(working[0]);
    } finally {
      await down.start();
    }
  });

  it("refuses to rotate when no IT key is trusted, and says how to fix it", async () => {
    const { createServices } = await import("../../main/services");
    const other = createServices({ dataDir: `${bay.dir.path}/other`, runtime: "test", passphrase: "other laptop passphrase" });
    try {
      // Nothing scanned yet: the factory password check says what to do first.
      await expect(other.credentials.checkDefaults()).rejects.toThrow(/No accounts are known yet: scan the plant first/);
      await other.plant.importPlant(bay.plant.plant, "demo");
      await other.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
      other.settings.setDualControl("off");
      expect(() => other.rotations.plan(request({ currentPassword: "x" }))).toThrow(/no IT key is trusted.*it trust/);
    } finally {
      await other.close();
    }
  });
});

import Sqlite from "better-sqlite3";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServices, type Services } from "../../main/services";
import { createHandlers, createInvoke, type Invoke, type InvokeResult } from "../../main/ipc";
import type { PlantBuild } from "../../main/simulator";
import { initIt, type ItSide } from "../support/evidence";
import { tempDir } from "../support/tempDir";

const DAY = 86_400_000;
const PIN = "482916";

/**
 * The owner channels end to end in main: the demo plant scanned into a store with a clock the test
 * moves, every change through the contract as the renderer sends it (the in-process invoke), findings
 * read back from the inventory, rotations through the rotation service, and IT's store after an import.
 */
describe("owner channels, findings and IT's copy", () => {
  let dir: ReturnType<typeof tempDir>;
  let services: Services;
  let invoke: Invoke;
  let invokeResult: InvokeResult;
  let build: PlantBuild;
  let itSide: ItSide;
  let clock = Date.now();
  let lines: string[];
  let part18: string[];
  const day = (ms = clock): string => new Date(ms).toISOString().slice(0, 10);

  async function row(id: string) {
    return (await services.inventory.identities()).find((r) => r.id === id)!;
  }
  const codes = async (id: string): Promise<string[]> => (await row(id)).findings.map((f) => f.code);

  /** Rotates an account on every controller it is known on, each with its own current password (the manual step where there is no Part 18). */
  async function rotate(identityId: string, reason: "holder-left" | "break-glass-used", approver = "sara.lind"): Promise<void> {
    const userName = identityId.slice("user/".length);
    const known = (await invoke("identities.get", { id: identityId })).controllers.map((c) => c.id);
    for (const controllerId of known) {
      const spec = build.controllers.find((c) => c.id === controllerId)!;
      const currentPassword = spec.accounts.find((a) => a.userName === userName)!.initialPassword;
      const plan = services.rotations.plan({
        identityId,
        controllerIds: [controllerId],
        reason,
        workOrder: "WO-4711",
        operationalState: "maintenance-window",
        currentPassword,
        approval: { personId: approver, pin: PIN, emergency: false },
        passwordScope: "per-controller",
        concurrency: 1,
      });
      const [result] = await services.rotations.run(plan);
      if (result!.state === "pending-manual") {
        const shown = await invoke("rotations.revealManual", { rotationId: result!.rotationId! });
        await services.demo.current()!.controller(controllerId).setPasswordOutOfBand(userName, shown.password);
        expect((await invoke("rotations.confirmManual", { rotationId: result!.rotationId! })).state).toBe("committed");
      } else expect(result!.state).toBe("committed");
    }
  }

  beforeAll(async () => {
    dir = tempDir("fieldproof-owners-");
    services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "owners channel test", controllerTimeoutMs: 15_000, now: () => new Date(clock) });
    ({ invoke, invokeResult } = createInvoke(createHandlers(services)));
    await services.demo.start(5);
    build = services.demo.current()!.build;
    // Manual-only controllers (no Part 18) need the vendor tool step (the Rotations tests cover it): leave them out here.
    part18 = build.controllers.filter((c) => c.security.part18).map((c) => c.id);
    await services.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
    itSide = await initIt();
    await services.evidence.trustIt(itSide.trustPath, false);
    lines = [...new Set(services.repos.plant.controllers().filter((c) => part18.includes(c.id)).map((c) => c.line))];
  }, 120_000);
  afterAll(async () => {
    await services.close();
    dir.cleanup();
    itSide.dir.cleanup();
  });

  it("adds teams and people; a PIN goes in and never comes back out, nor into a record", async () => {
    await invoke("owners.upsertTeam", { teamId: "maint-b", name: "Maintenance B shift", description: "Nights" });
    await invoke("owners.upsertTeam", { teamId: "automation", name: "Automation" });
    const sara = await invoke("owners.upsertPerson", { personId: "sara.lind", name: "Sara Lind", role: "Shift supervisor", employer: "staff", teamId: "maint-b", pin: PIN });
    expect(sara).toEqual({ personId: "sara.lind", name: "Sara Lind", role: "Shift supervisor", employer: "staff", company: "", teamId: "maint-b", leftAt: null, hasApproverKey: true, holds: [] });
    expect(JSON.stringify(sara)).not.toContain(PIN);
    await invoke("owners.upsertPerson", { personId: "ana.ruiz", name: "Ana Ruiz", role: "Technician", employer: "staff", teamId: "maint-b" });
    await invoke("owners.upsertPerson", { personId: "li.wei", name: "Li Wei", role: "Technician", employer: "contractor", company: "Delta Field Services", teamId: "maint-b" });
    await invoke("owners.upsertPerson", { personId: "omar.h", name: "Omar Haddad", role: "Plant manager", employer: "staff", pin: "135790" });
    const records = await services.evidence.records({ offset: 0, limit: 20, kind: "person.upserted" });
    for (const r of records.records) expect((await services.evidence.record(r.seq)).statementJson).not.toMatch(/482916|135790/);
    const list = await invoke("owners.list", {});
    expect(list.people.map((p) => p.personId)).toEqual(["ana.ruiz", "li.wei", "omar.h", "sara.lind"]);
    expect(list.teams.find((t) => t.teamId === "maint-b")?.members).toBe(3);
  });

  it("returns refusals as error values with clear messages, and writes nothing", async () => {
    const before = services.repos.journal.head().size;
    expect(await invokeResult("owners.upsertPerson", { personId: "x.y", name: "X", employer: "staff", teamId: "nights" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/no team nights/) } });
    expect(await invokeResult("owners.upsertPerson", { personId: "Bad Id", name: "X", employer: "staff" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/personId: ids are/) } });
    expect(await invokeResult("owners.upsertPerson", { personId: "x.y", name: "X", employer: "boss" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/employer/) } });
    expect(await invokeResult("owners.upsertPerson", { personId: "x.y", name: "X", employer: "staff", pin: "12" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/at least 6/) } });
    expect(await invokeResult("owners.setOwnership", { target: { type: "identity", id: "user/ghost" }, owner: { type: "team", id: "maint-b" } })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/No identity user\/ghost/) } });
    expect(await invokeResult("owners.setOwnership", { target: { type: "line", id: "Nowhere" }, owner: { type: "team", id: "maint-b" } })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await invokeResult("owners.setOwnership", { target: { type: "identity", id: "user/maint" }, owner: { type: "team", id: "ghosts" } })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/no team ghosts/) } });
    expect(await invokeResult("owners.setOwnership", { target: { type: "identity", id: "user/maint" }, owner: null, expiresAt: "next week" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/expiresAt/) } });
    expect(await invokeResult("owners.assignBulk", { identityIds: ["user/maint", "user/ghost"], owner: { type: "team", id: "maint-b" } })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/user\/ghost\. Nothing was changed/) } });
    expect(await invokeResult("owners.setAuthority", { line: lines[0]!, cell: null, action: "approve", people: ["sara.lind", "sara.lind"] })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/twice/) } });
    expect(await invokeResult("owners.setAuthority", { line: lines[0]!, cell: null, action: "veto", people: [] })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(await invokeResult("owners.removeHolder", { identityId: "user/maint", personId: "ana.ruiz" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringMatching(/does not hold/) } });
    expect(await invokeResult("owners.markLeft", { personId: "ana.ruiz", leftAt: "2026-13-01" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST" } });
    expect(await invokeResult("owners.importCsv", { path: "people.csv" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/full path/) } });
    expect(await invokeResult("owners.list", { extra: 1 })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/unexpected field extra/) } });
    expect(services.repos.journal.head().size).toBe(before);
  });

  it("inherits a line's or cell's owner, shows why, and lets the identity override it", async () => {
    const single = (await services.inventory.identities()).find((r) => r.lines.length === 1 && r.cells.length === 1 && r.kind === "user" && !r.flags.shared)!;
    const [lineName, cellName] = single.cells[0]!.split(" › ");
    expect(await codes(single.id)).toContain("unowned");

    await invoke("owners.setOwnership", { target: { type: "line", id: lineName! }, owner: { type: "team", id: "maint-b" }, purpose: "Line maintenance" });
    let detail = await services.inventory.identity(single.id);
    expect(detail.owner).toMatchObject({ status: "owned", name: "Maintenance B shift", source: "line", why: `inherited from line ${lineName}`, purpose: "Line maintenance" });
    expect(await codes(single.id)).not.toContain("unowned");

    await invoke("owners.setOwnership", { target: { type: "cell", id: `${lineName}/${cellName}` }, owner: { type: "team", id: "automation" } });
    detail = await services.inventory.identity(single.id);
    expect(detail.owner).toMatchObject({ name: "Automation", source: "cell", why: `inherited from cell ${lineName} › ${cellName}` });

    await invoke("owners.setOwnership", { target: { type: "identity", id: single.id }, owner: { type: "person", id: "ana.ruiz" }, purpose: "Recipe downloads", scope: "Cell only", expiresAt: "2030-12-31" });
    detail = await services.inventory.identity(single.id);
    expect(detail.owner).toMatchObject({ name: "Ana Ruiz", source: "identity", why: "set on this identity", purpose: "Recipe downloads", scope: "Cell only", expiresAt: "2030-12-31" });

    await invoke("owners.setOwnership", { target: { type: "identity", id: single.id }, owner: null });
    expect((await services.inventory.identity(single.id)).owner.source).toBe("cell");
    await invoke("owners.setOwnership", { target: { type: "cell", id: `${lineName}/${cellName}` }, owner: null });
    await invoke("owners.setOwnership", { target: { type: "line", id: lineName! }, owner: null });
    expect(await codes(single.id)).toContain("unowned");
  });

  it("assigns one owner to many identities in one transaction", async () => {
    const ids = (await services.inventory.identities()).filter((r) => r.ownerStatus !== "owned").slice(0, 4).map((r) => r.id);
    const before = services.repos.journal.head().size;
    expect(await invoke("owners.assignBulk", { identityIds: ids, owner: { type: "team", id: "automation" }, purpose: "Commissioning" })).toEqual({ updated: 4 });
    expect(services.repos.journal.head().size).toBe(before + 4);
    for (const id of ids) expect((await services.inventory.identity(id)).owner).toMatchObject({ name: "Automation", source: "identity", purpose: "Commissioning" });
  });

  it("builds the authority matrix from the plant: a cell's list replaces its line's", async () => {
    const { rows } = await invoke("owners.authority", {});
    const lineRow = rows.find((r) => r.cell === null)!;
    const cellRow = rows.find((r) => r.line === lineRow.line && r.cell !== null)!;
    expect(rows.filter((r) => r.cell === null).map((r) => r.line).sort()).toEqual([...new Set(services.repos.plant.controllers().map((c) => c.line))].sort());
    for (const line of lines) await invoke("owners.setAuthority", { line, cell: null, action: "approve", people: ["sara.lind", "omar.h"] });
    await invoke("owners.setAuthority", { line: lineRow.line, cell: null, action: "override", people: ["omar.h"] });
    const updatedCell = await invoke("owners.setAuthority", { line: cellRow.line, cell: cellRow.cell, action: "pause", people: ["ana.ruiz"] });
    expect(updatedCell.actions.pause).toEqual({ inherited: false, people: [{ personId: "ana.ruiz", name: "Ana Ruiz", leftAt: null }] });
    expect(updatedCell.actions.approve).toMatchObject({ inherited: true, people: [{ name: "Sara Lind" }, { name: "Omar Haddad" }] });
    const placement = [{ line: cellRow.line, cell: cellRow.cell! }];
    expect(services.owners.check("sara.lind", "approve", placement)).toEqual({ allowed: true });
    expect(services.owners.check("ana.ruiz", "approve", placement)).toMatchObject({ allowed: false, reason: expect.stringMatching(/Ana Ruiz may not approve rotations .* Sara Lind, then Omar Haddad/) });
    expect(services.owners.check("sara.lind", "pause", placement)).toMatchObject({ allowed: false, reason: expect.stringMatching(/those named there are Ana Ruiz/) });
  });

  it("refuses a rotation approval without authority, and records an emergency override as such", async () => {
    const controller = services.repos.plant.controllers().find((c) => c.line === lines[0] && part18.includes(c.id))!;
    const base = { identityId: "user/maint", controllerIds: [controller.id], reason: "holder-left" as const, workOrder: "WO-1", currentPassword: "x", passwordScope: "per-controller" as const, concurrency: 1 };
    expect(() => services.rotations.plan({ ...base, operationalState: "normal", approval: { personId: "ana.ruiz", pin: "000000", emergency: false } })).toThrow(/Approval refused: Ana Ruiz may not approve rotations/);
    expect(() => services.rotations.plan({ ...base, operationalState: "emergency", approval: { personId: "sara.lind", pin: PIN, emergency: true } })).toThrow(/Sara Lind may not override in an emergency/);
    const plan = services.rotations.plan({ ...base, operationalState: "emergency", approval: { personId: "omar.h", pin: "135790", emergency: true } });
    expect(plan.approvals).toMatchObject([{ personId: "omar.h", authority: "override" }]);
  });

  it("keeps the shared-account findings current: no holders, holder left (due, then overdue), rotation clears", async () => {
    expect(await codes("user/maint")).toContain("shared-without-holders");
    await invoke("owners.setOwnership", { target: { type: "identity", id: "user/maint" }, owner: { type: "team", id: "maint-b" }, purpose: "Shared maintenance login", scope: "All lines" });
    await invoke("owners.addHolder", { identityId: "user/maint", personId: "ana.ruiz" });
    await invoke("owners.addHolder", { identityId: "user/maint", personId: "li.wei" });
    expect(await invokeResult("owners.addHolder", { identityId: "user/maint", personId: "li.wei" })).toMatchObject({ ok: false, error: { code: "CONFLICT" } });
    expect(await codes("user/maint")).not.toContain("shared-without-holders");
    expect(await codes("user/maint")).not.toContain("unowned");

    const left = await invoke("owners.markLeft", { personId: "li.wei", leftAt: day() });
    const rotateBy = day(Date.parse(day()) + 30 * DAY);
    expect(left.due).toEqual([{ identityId: "user/maint", name: "maint", shared: true, rotateBy, findings: expect.any(Array) }]);
    expect(left.person.leftAt).toBe(day());
    expect(await codes("user/maint")).not.toContain("holder-left-not-rotated");
    expect((await row("user/maint")).due).toMatchObject({ date: rotateBy, reason: "holder-left" });
    expect(await invokeResult("owners.markLeft", { personId: "li.wei", leftAt: day() })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/already marked as left/) } });
    expect(await invokeResult("owners.addHolder", { identityId: "user/breakglass", personId: "li.wei" })).toMatchObject({ ok: false, error: { code: "CONFLICT", message: expect.stringMatching(/left on/) } });

    clock += 31 * DAY;
    expect(await codes("user/maint")).toContain("holder-left-not-rotated");
    expect((await services.inventory.identity("user/maint")).findings.find((f) => f.code === "holder-left-not-rotated")!.explanation).toMatch(/Li Wei \(left /);

    await rotate("user/maint", "holder-left");
    expect(await codes("user/maint")).not.toContain("holder-left-not-rotated");
    // Ana still holds it: the account is not left without holders.
    expect(await codes("user/maint")).not.toContain("shared-without-holders");
    await invoke("owners.removeHolder", { identityId: "user/maint", personId: "ana.ruiz" });
    expect(await codes("user/maint")).toContain("shared-without-holders");
    await invoke("owners.addHolder", { identityId: "user/maint", personId: "ana.ruiz" });
  });

  it("makes a break-glass account due at once after a recorded use, until it is rotated", async () => {
    const controllerId = part18[0]!;
    expect(await codes("user/breakglass")).not.toContain("break-glass-used-not-rotated");
    await invoke("owners.attestUse", { identityId: "user/breakglass", personId: "ana.ruiz", controllerId, workOrder: "WO-911", from: new Date(clock - 3_600_000).toISOString(), to: new Date(clock - 600_000).toISOString(), breakGlass: true });
    expect(await codes("user/breakglass")).toContain("break-glass-used-not-rotated");
    expect((await row("user/breakglass")).due).toMatchObject({ reason: "break-glass-used" });
    const detail = await services.inventory.identity("user/breakglass");
    expect(detail.uses).toEqual([expect.objectContaining({ personName: "Ana Ruiz", controllerId, workOrder: "WO-911", breakGlass: true })]);
    expect(await invokeResult("owners.attestUse", { identityId: "user/breakglass", personId: "ana.ruiz", controllerId: "nowhere", workOrder: "WO-1", from: day() })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(await invokeResult("owners.attestUse", { identityId: "user/breakglass", personId: "ana.ruiz", controllerId, workOrder: "WO-1", from: "2026-05-02T10:00:00Z", to: "2026-05-02T09:00:00Z" })).toMatchObject({ ok: false, error: {
      code: "INVALID_REQUEST",
      message: expect.stringMatching(/before the check-out/),
    } });
    clock += 60_000;
    await rotate("user/breakglass", "break-glass-used");
    expect(await codes("user/breakglass")).not.toContain("break-glass-used-not-rotated");
  });

  it("flags vendor access past the expiry set on its ownership, and clears it when extended", async () => {
    const vendor = (await services.inventory.identities()).find((r) => r.flags.vendor && !r.findings.some((f) => f.code === "vendor-access-expired"))!;
    expect(vendor).toBeDefined();
    await invoke("owners.setOwnership", { target: { type: "identity", id: vendor.id }, owner: { type: "person", id: "sara.lind" }, purpose: "Vendor remote support", expiresAt: day(clock - 2 * DAY) });
    expect(await codes(vendor.id)).toContain("vendor-access-expired");
    await invoke("owners.setOwnership", { target: { type: "identity", id: vendor.id }, owner: { type: "person", id: "sara.lind" }, purpose: "Vendor remote support", expiresAt: day(clock + 90 * DAY) });
    expect(await codes(vendor.id)).not.toContain("vendor-access-expired");
    expect((await row(vendor.id)).due).toMatchObject({ reason: "vendor-access-ends", date: day(clock + 90 * DAY) });
  });

  it("exports and CSV-imports through the channels", async () => {
    const path = join(dir.path, "people.csv");
    expect(await invoke("owners.exportCsv", { kind: "people", path })).toMatchObject({ kind: "people", rows: 4 });
    const text = await invoke("owners.exportCsvText", { kind: "people" });
    expect(text).toMatchObject({ kind: "people", rows: 4 });
    expect(text.text).toBe(readFileSync(path, "utf8"));
    expect(await invoke("owners.importCsv", { path })).toMatchObject({ kind: "people", rows: 4, records: 0, unchanged: 4 });
    expect(await invokeResult("owners.importCsv", { path: join(dir.path, "nope.csv") })).toMatchObject({ ok: false, error: { code: "IO_ERROR" } });
  });

  it("gives IT the same owners, holders, uses and authority after an export and import", async () => {
    const bundle = join(dir.path, "bundle.tar");
    await services.evidence.export(bundle, undefined);
    const it = itSide.open();
    try {
      await it.import(bundle, { enrolFingerprint: services.identity.status().fingerprint! });
      const laptop = new Sqlite(services.storePath, { readonly: true });
      try {
        const tables: Record<string, string> = {
          p_teams: "team_id",
          p_people: "person_id",
          p_ownership: "target_type, target_id",
          p_holders: "identity_id, person_id",
          p_usages: "device_id, seq",
          p_authority: "line, cell, action, rank",
        };
        for (const [table, order] of Object.entries(tables)) {
          const mine = laptop.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all();
          expect(mine.length, table).toBeGreaterThan(0);
          expect(it.repo.db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all(), table).toEqual(mine);
        }
      } finally {
        laptop.close();
      }
    } finally {
      await it.close();
    }
  });
});

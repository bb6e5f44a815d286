import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Statement } from "../../shared/evidence";
import { createHandlers, createInvoke, type Invoke, type InvokeResult } from "../../main/ipc";
import { createServices, type Services } from "../../main/services";
import type { PlantBuild, SimControllerSpec } from "../../main/simulator";
import { initIt, type ItSide } from "../support/evidence";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempDir";

const SARA_PIN = "482916";
const ANA_PIN = "735102";
const HOUR = 3_600_000;

/** A record's kind-specific data, from its decoded statement. */
const predicateData = (statementJson: string): Record<string, unknown> => Statement.parse(JSON.parse(statementJson)).predicate.data;

/**
 * After a shared account is rotated, the crew must learn its new password on the bay, or the shift is
 * locked out of the HMIs until IT opens the sealed copy: each current holder receives it once, each
 * handover is a record, and the laptop forgets it when every holder has it, when closed, or after 72 h.
 */
describe("handing a shared account's new password over to its holders", () => {
  let dir: ReturnType<typeof tempDir>;
  let services: Services;
  let invoke: Invoke;
  let invokeResult: InvokeResult;
  let build: PlantBuild;
  let itSide: ItSide;
  let clock = Date.now();
  let line: SimControllerSpec[];

  const maint = (c: SimControllerSpec): string => c.accounts.find((a) => a.userName === "maint")!.initialPassword;

  /** What the first controller's maint password is now (the handed-over one after a rotation). */
  let currentOfFirst = "";

  /** Rotates maint on the given controllers (one current password) through the contract, and returns the batch result. */
  async function rotate(controllers: readonly SimControllerSpec[], currentPassword = maint(controllers[0]!)) {
    const job = await invoke("rotations.start", {
      identityId: "user/maint",
      controllerIds: controllers.map((c) => c.id),
      reason: "holder-left",
      workOrder: "WO-5120",
      operationalState: "maintenance-window",
      currentPassword,
      approval: { personId: "sara.lind", pin: SARA_PIN, emergency: false },
      concurrency: 2,
    });
    expect(await services.jobs.settle(job.id)).toMatchObject({ state: "done" });
    return invoke("rotations.batchResult", { jobId: job.id });
  }

  beforeAll(async () => {
    dir = tempDir("fieldproof-handover-");
    services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "handover test", controllerTimeoutMs: 15_000, now: () => new Date(clock) });
    ({ invoke, invokeResult } = createInvoke(createHandlers(services)));
    await services.demo.start(5);
    build = services.demo.current()!.build;
    await services.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
    itSide = await initIt();
    await services.evidence.trustIt(itSide.trustPath, false);
    // maint on the Part 18 controllers that share the first one's line password.
    const auto = build.controllers.filter((c) => c.security.part18 && !c.profiles.includes("limitedTechnicianRole"));
    line = auto.filter((c) => maint(c) === maint(auto[0]!));
    expect(line.length).toBeGreaterThan(0);

    await invoke("owners.upsertTeam", { teamId: "maint-b", name: "Maintenance B shift" });
    await invoke("owners.upsertPerson", { personId: "sara.lind", name: "Sara Lind", role: "Supervisor", employer: "staff", teamId: "maint-b", pin: SARA_PIN });
    await invoke("owners.upsertPerson", { personId: "ana.ruiz", name: "Ana Ruiz", role: "Technician", employer: "staff", teamId: "maint-b", pin: ANA_PIN });
    await invoke("owners.upsertPerson", { personId: "sam.ortiz", name: "Sam Ortiz", role: "Operator", employer: "staff", teamId: "maint-b" });
    await invoke("owners.upsertPerson", { personId: "bo.lind", name: "Bo Lind", role: "Electrician", employer: "staff" });
    for (const l of new Set(build.controllers.map((c) => c.line))) await invoke("owners.setAuthority", { line: l, cell: null, action: "approve", people: ["sara.lind"] });
    await invoke("owners.addHolder", { identityId: "user/maint", personId: "ana.ruiz" });
    await invoke("owners.addHolder", { identityId: "user/maint", personId: "sam.ortiz" });
  }, 180_000);

  afterAll(async () => {
    await services?.close();
    dir?.cleanup();
    itSide?.dir.cleanup();
  });

  it("ends a shared rotation with who to hand over to, and keeps the new passwords for them only", async () => {
    // The site gives accounts a crew holds one password per line (a recorded setting).
    expect(services.settings.changeSharedScope("per-line")).toBe("per-line");
    expect(services.repos.journal.list({ offset: 0, limit: 5, kind: "settings.sharedScope" }).total).toBe(1);
    const result = await rotate(line);
    expect(services.repos.rotations.batchPlan(result.batchId)!.request).toMatchObject({ passwordScope: "per-line" });
    expect(result.results.map((r) => r.state)).toEqual(line.map(() => "committed"));
    expect(result.handOverTo).toEqual(["Ana Ruiz", "Sam Ortiz"]);
    const { handovers } = await invoke("rotations.handovers", {});
    expect(handovers).toHaveLength(1);
    expect(handovers[0]).toMatchObject({ identityId: "user/maint", userName: "maint" });
    expect(handovers[0]!.controllers.map((c) => c.controllerId).sort()).toEqual(line.map((c) => c.id).sort());
    expect(handovers[0]!.holders.map((h) => [h.name, h.hasPin, h.received.length, h.missing.length])).toEqual([
      ["Ana Ruiz", true, 0, line.length],
      ["Sam Ortiz", false, 0, line.length],
    ]);
    const refs = services.vault.refs("handover/");
    expect(refs.sort()).toEqual(result.rotations.map((r) => `handover/${r.rotationId}`).sort());
    // No password in what the renderer reads.
    for (const ref of refs) expect(JSON.stringify({ handovers, result })).not.toContain(services.vault.get(ref)!);
  });

  it("refuses who is not a current holder, and a holder with a PIN without it or with a wrong one, recording nothing", async () => {
    const before = services.repos.journal.head().size;
    expect(await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "bo.lind" })).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", message: "Bo Lind is not a current holder of maint, so the new password is not given to them. Current holders: Ana Ruiz, Sam Ortiz. Add them as a holder on the Identities screen first if they should have it." },
    });
    expect(await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "ana.ruiz" })).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: "Ana Ruiz has a PIN on this laptop: they enter it to receive the password." } });
    const wrong = await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "ana.ruiz", pin: "000000" });
    expect(wrong.ok).toBe(false);
    expect(await invokeResult("rotations.handOver", { identityId: "user/operator", personId: "ana.ruiz", pin: ANA_PIN })).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    expect(services.repos.journal.head().size).toBe(before);
  });

  it("gives Ana every controller's new password after her PIN, once, in a record her key co-signs; the controllers accept them", async () => {
    const given = await invoke("rotations.handOver", { identityId: "user/maint", personId: "ana.ruiz", pin: ANA_PIN });
    expect(given).toMatchObject({ personName: "Ana Ruiz", method: "pin", waitingFor: ["Sam Ortiz"] });
    expect(given.passwords.map((p) => p.controllerId).sort()).toEqual(line.map((c) => c.id).sort());
    currentOfFirst = given.passwords.find((p) => p.controllerId === line[0]!.id)!.password;
    // One password per line, different between lines.
    const byLine = new Map<string, Set<string>>();
    for (const p of given.passwords) {
      const l = line.find((c) => c.id === p.controllerId)!.line;
      byLine.set(l, new Set([...(byLine.get(l) ?? []), p.password]));
    }
    expect([...byLine.values()].map((set) => set.size)).toEqual([...byLine.keys()].map(() => 1));
    expect(new Set(given.passwords.map((p) => p.password)).size).toBe(byLine.size);
    for (const p of given.passwords) {
      expect(p.password).not.toBe(maint(line[0]!));
      expect(await services.demo.current()!.controller(p.controllerId).verifyPassword("maint", p.password)).toBe(true);
    }
    const record = (await services.evidence.records({ offset: 0, limit: 5, kind: "secret.handedOver" })).records[0]!;
    const detail = await services.evidence.record(record.seq);
    expect(detail.statementJson).not.toContain(given.passwords[0]!.password);
    expect(detail.signatures.map((s) => s.verified)).toEqual([true, true]);
    expect(detail.signatures.some((s) => /Ana Ruiz/.test(s.signer))).toBe(true);
    expect(await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "ana.ruiz", pin: ANA_PIN })).toMatchObject({ ok: false, error: { code: "PRECONDITION_FAILED", message: "Ana Ruiz already received the new password of maint on every controller." } });
  });

  it("gives Sam (no PIN) his on a slip; then every holder has it and the laptop forgets it", async () => {
    const given = await invoke("rotations.handOver", { identityId: "user/maint", personId: "sam.ortiz" });
    expect(given).toMatchObject({ personName: "Sam Ortiz", method: "slip", waitingFor: [] });
    expect(services.vault.refs("handover/")).toEqual([]);
    expect((await invoke("rotations.handovers", {})).handovers).toEqual([]);
    const closed = (await services.evidence.records({ offset: 0, limit: 5, kind: "secret.handoverClosed" })).records;
    expect(closed).toHaveLength(1);
    expect(predicateData((await services.evidence.record(closed[0]!.seq)).statementJson)).toMatchObject({ reason: "all-holders", notReceived: [] });
    expect(services.repos.rotations.handovers(services.repos.rotations.list().filter((r) => r.identityId === "user/maint").map((r) => r.rotationId)).map((h) => [h.personName, h.method])).toEqual([
      ...line.map(() => ["Ana Ruiz", "pin"]),
      ...line.map(() => ["Sam Ortiz", "slip"]),
    ]);
  });

  it("forgets copies not picked up after 72 hours, and says who never got it", async () => {
    const result = await rotate(line.slice(0, 1), currentOfFirst);
    expect(result.handOverTo).toEqual(["Ana Ruiz", "Sam Ortiz"]);
    const given = await invoke("rotations.handOver", { identityId: "user/maint", personId: "ana.ruiz", pin: ANA_PIN });
    expect(given.waitingFor).toEqual(["Sam Ortiz"]);
    currentOfFirst = given.passwords[0]!.password;
    clock += 71 * HOUR;
    expect((await invoke("rotations.handovers", {})).handovers.map((h) => h.holders.map((x) => x.missing.length))).toEqual([[0, 1]]);
    clock += 2 * HOUR;
    expect((await invoke("rotations.handovers", {})).handovers).toEqual([]);
    expect(services.vault.refs("handover/")).toEqual([]);
    const closed = (await services.evidence.records({ offset: 0, limit: 5, kind: "secret.handoverClosed" })).records[0]!;
    expect(predicateData((await services.evidence.record(closed.seq)).statementJson)).toMatchObject({ reason: "expired", notReceived: ["Sam Ortiz"], rotationIds: [result.rotations[0]!.rotationId] });
    expect(await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "sam.ortiz" })).toMatchObject({ ok: false, error: { code: "NOT_FOUND", message: expect.stringContaining("IT holds the sealed copy") } });
  });

  it("hands over from the command line: who still needs it, then one holder's passwords after their PIN", async () => {
    const result = await rotate(line.slice(0, 1), currentOfFirst);
    expect(result.handOverTo).toEqual(["Ana Ruiz", "Sam Ortiz"]);
    const env = { FIELDPROOF_PASSPHRASE: "handover test", ANA_PIN };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const listed = await runCli(["--data-dir", dir.path, "rotations", "handover"]);
      expect(listed.stdout.trim()).toMatch(/^maint: rotated on 1 controller\(s\); hand over to: Ana Ruiz \(ana\.ruiz, PIN\), Sam Ortiz \(sam\.ortiz, slip\); kept until \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);
      const given = await runCli(["--data-dir", dir.path, "rotations", "handover", "maint", "--person", "ana.ruiz", "--pin-env", "ANA_PIN"]);
      expect(given.code).toBe(0);
      const [line0] = given.stdout.trim().split("\n");
      expect(line0).toMatch(new RegExp(`^${line[0]!.name} \\(${line[0]!.id}\\): \\S{12,}$`));
      currentOfFirst = line0!.slice(line0!.lastIndexOf(" ") + 1);
      expect(await services.demo.current()!.controller(line[0]!.id).verifyPassword("maint", currentOfFirst)).toBe(true);
      expect(given.stderr).toContain("Still to hand over to: Sam Ortiz.");
      const again = await runCli(["--data-dir", dir.path, "rotations", "handover", "maint", "--person", "ana.ruiz", "--pin-env", "ANA_PIN"]);
      expect([again.code, again.stderr.trim()]).toEqual([1, "fieldproof: Ana Ruiz already received the new password of maint on every controller."]);
      const closed = await runCli(["--data-dir", dir.path, "rotations", "handover", "maint", "--close"]);
      expect(closed.stdout.trim()).toBe("Forgot 1 new password(s) of user/maint. Sam Ortiz did not get it: they ask IT (sealed copy).");
    } finally {
      process.env = saved;
    }
  });

  it("closes on the technician's word: the laptop forgets and names who must ask IT; a holder who left gets nothing", async () => {
    await invoke("owners.markLeft", { personId: "sam.ortiz", leftAt: new Date(clock).toISOString().slice(0, 10) });
    const result = await rotate(line.slice(0, 1), currentOfFirst);
    expect(result.handOverTo).toEqual(["Ana Ruiz"]);
    expect(await invokeResult("rotations.handOver", { identityId: "user/maint", personId: "sam.ortiz" })).toMatchObject({ ok: false, error: { code: "FORBIDDEN", message: expect.stringMatching(/^Sam Ortiz is not a current holder of maint/) } });
    expect(await invoke("rotations.closeHandover", { identityId: "user/maint" })).toEqual({ forgotten: 1, notReceived: ["Ana Ruiz"] });
    expect(services.vault.refs("handover/")).toEqual([]);
    const closed = (await services.evidence.records({ offset: 0, limit: 5, kind: "secret.handoverClosed" })).records[0]!;
    expect(predicateData((await services.evidence.record(closed.seq)).statementJson)).toMatchObject({ reason: "closed", notReceived: ["Ana Ruiz"] });
  });

  it("keeps nothing for an account without holders", async () => {
    const spec = line[0]!;
    const operator = spec.accounts.find((a) => a.userName === "operator")!;
    const request = { identityId: "user/operator", controllerIds: [spec.id], reason: "schedule" as const, workOrder: "WO-5121", operationalState: "maintenance-window" as const, currentPassword: operator.initialPassword, concurrency: 1 };
    // The approval refusal names who may approve there, and how.
    expect(await invokeResult("rotations.start", request)).toMatchObject({
      ok: false,
      error: { code: "FORBIDDEN", message: `Rotating operator needs an approval (dual control for shared and break-glass accounts). Who can approve on ${spec.line}: Sara Lind (sara.lind). They confirm with their PIN: "Approved by" in the wizard, or --approver sara.lind on the command line.` },
    });
    const job = await invoke("rotations.start", { ...request, approval: { personId: "sara.lind", pin: SARA_PIN, emergency: false } });
    await services.jobs.settle(job.id);
    const result = await invoke("rotations.batchResult", { jobId: job.id });
    expect(result.results.map((r) => r.state)).toEqual(["committed"]);
    expect(result.handOverTo).toEqual([]);
    expect(services.vault.refs("handover/")).toEqual([]);
  });
});

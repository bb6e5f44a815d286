import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDispatcher, createHandlers, type Dispatch } from "../../main/ipc";
import { ItService } from "../../main/services/itService";
import { APPROVER_PIN, IT_PASS, openBay, type Bay } from "../support/bay";
import { openSealed } from "../support/sealed";

const ORIGIN = "app://fieldproof";
const APP = { url: `${ORIGIN}/index.html`, isMainFrame: true };

describe("secret hygiene: a canary password used in a rotation", () => {
  let bay: Bay;
  let dispatch: Dispatch;
  const toRenderer: string[] = [];
  const logged: string[] = [];
  const OLD = "CANARY-old-Pa55-7731q";
  let newPassword = "";
  let revealed = "";

  beforeAll(async () => {
    bay = await openBay(5);
    const inner = createDispatcher(createHandlers(bay.services), { trustedOrigin: ORIGIN, onInternalError: (c, e) => logged.push(`${c} ${String(e)}`) });
    dispatch = async (channel, payload, sender) => {
      const result = await inner(channel, payload, sender);
      toRenderer.push(`${String(channel)} ${JSON.stringify(result)}`);
      return result;
    };
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" ")));
    }
    const write = (stream: NodeJS.WriteStream) => {
      const original = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        logged.push(String(chunk));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }));
    };
    write(process.stdout);
    write(process.stderr);
  }, 180_000);
  afterAll(async () => {
    vi.restoreAllMocks();
    await bay.close();
  });

  it("runs a rotation, a manual reveal and the usual screens through the same dispatcher the window uses", async () => {
    const controller = bay.plant.build.controllers.find((c) => c.security.part18 && !c.security.allowAnonymous)!.id;
    await bay.plant.controller(controller).setPasswordOutOfBand("operator", OLD);
    const start = await dispatch(
      "rotations.start",
      { identityId: "user/operator", controllerIds: [controller], reason: "suspected-exposure", workOrder: "WO-9", operationalState: "normal", currentPassword: OLD, approval: { personId: "bo", pin: APPROVER_PIN } },
      APP,
    );
    expect(start.ok).toBe(true);
    const job = (start as { value: { id: string } }).value.id;
    await bay.services.jobs.settle(job);
    const result = await dispatch("rotations.batchResult", { jobId: job }, APP);
    expect(JSON.stringify(result)).toMatch(/"state":"committed"/);
    const rotationId = (result as { value: { rotations: { rotationId: string }[] } }).value.rotations[0]!.rotationId;
    newPassword = (await openSealed(bay.identityFile, bay.services.repos.rotations.sealedForExport().find((s) => s.name.includes(rotationId))!.data)).password;
    expect(await bay.plant.controller(controller).verifyPassword("operator", newPassword)).toBe(true);

    // A manual rotation elsewhere: the one sanctioned reveal.
    const manual = bay.plant.build.weaknesses.find((w) => w.kind === "noPart18")!.controllerId;
    const plan = bay.services.rotations.plan({
      identityId: "user/operator",
      controllerIds: [manual],
      reason: "schedule",
      workOrder: "WO-10",
      operationalState: "normal",
      currentPassword: bay.initialPassword(manual, "operator"),
      approval: { personId: "bo", pin: APPROVER_PIN, emergency: false },
      passwordScope: "per-controller",
      concurrency: 1,
    });
    const [pending] = await bay.services.rotations.run(plan);
    const reveal = await dispatch("rotations.revealManual", { rotationId: pending!.rotationId! }, APP);
    revealed = (reveal as { value: { password: string } }).value.password;
    await bay.plant.controller(manual).setPasswordOutOfBand("operator", revealed);
    expect((await dispatch("rotations.confirmManual", { rotationId: pending!.rotationId! }, APP)).ok).toBe(true);

    for (const [channel, payload] of [
      ["rotations.list", {}],
      ["identities.list", {}],
      ["identities.get", { id: "user/operator" }],
      ["plant.tree", {}],
      ["evidence.summary", {}],
      ["evidence.records", { offset: 0, limit: 500 }],
      ["system.info", {}],
    ] as const) {
      expect((await dispatch(channel, payload, APP)).ok).toBe(true);
    }
    const total = bay.services.repos.journal.head().size;
    for (let seq = 0; seq < total; seq++) await dispatch("evidence.record", { seq }, APP);
  });

  it("never reaches the renderer in clear, except the recorded reveal of the manual rotation", () => {
    expect(toRenderer.length).toBeGreaterThan(20);
    for (const text of toRenderer) {
      expect(text).not.toContain(OLD);
      expect(text).not.toContain(newPassword);
      if (!text.startsWith("rotations.revealManual")) expect(text).not.toContain(revealed);
    }
    expect(toRenderer.filter((t) => t.includes(revealed)).map((t) => t.split(" ")[0])).toEqual(["rotations.revealManual"]);
    expect(bay.services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.revealed" }).total).toBe(1);
  });

  it("is not in the logs", () => {
    const text = logged.join("\n");
    for (const secret of [OLD, newPassword, revealed]) expect(text).not.toContain(secret);
  });

  it("is not in the laptop's SQLite files (WAL included), the exported bundle, or IT's store", async () => {
    const bundle = join(bay.dir.path, "hygiene.tar");
    await bay.services.evidence.export(bundle, undefined);
    const it = ItService.open(bay.itDir, async () => IT_PASS);
    await it.import(bundle, { enrolFingerprint: bay.services.identity.status().fingerprint! });
    await it.close();
    const laptopDir = join(bay.dir.path, "laptop");
    const files = [
      ...readdirSync(laptopDir).filter((f) => f.startsWith("fieldproof.sqlite")).map((f) => join(laptopDir, f)),
      ...readdirSync(bay.itDir).filter((f) => f.startsWith("it.sqlite")).map((f) => join(bay.itDir, f)),
      bundle,
    ];
    expect(files.some((f) => f.endsWith("-wal"))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const secret of [OLD, newPassword, revealed]) expect(bytes.includes(Buffer.from(secret)), `${secret.slice(0, 6)}… in ${file}`).toBe(false);
    }
  });
});

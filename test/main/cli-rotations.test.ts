import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expandId, shortIds } from "../../main/cli/rotate";
import type { RotationRowView } from "../../shared/contract";
import { openBay, type Bay } from "../support/bay";
import { BIN, runCli } from "../support/cli";

const PASSPHRASE = "bay laptop passphrase";
const base = { reason: "schedule", workOrder: "WO-17", operationalState: "maintenance-window", passwordScope: "per-controller", concurrency: 4 } as const;

/** `fieldproof rotate` paused at a step; Ctrl+C twice once it is there. Resolves with the exit code and stderr. */
function rotateAndCtrlCTwice(args: string[], env: NodeJS.ProcessEnv, point: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, FIELDPROOF_TEST_PAUSE_AT: point }, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    let sent = 0;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`did not end: ${stderr.slice(-800)}`));
    }, 60_000);
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (sent === 0 && stderr.includes(`paused at ${point}`)) {
        sent = 1;
        child.kill("SIGINT");
      }
      if (sent === 1 && stderr.includes("Stopping:")) {
        sent = 2;
        // The first Ctrl+C takes a snapshot of the batch; give it a moment before quitting.
        setTimeout(() => child.kill("SIGINT"), 500);
      }
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe("fieldproof rotations: ids to act on, and interrupted rotations said out loud", () => {
  let bay: Bay;
  let dataDir: string;
  let saved: string | undefined;
  const cli = (...args: string[]) => runCli(["--data-dir", dataDir, ...args]);
  const list = async (): Promise<RotationRowView[]> => JSON.parse((await cli("rotations", "list", "--json")).stdout) as RotationRowView[];
  const part18 = (): string => bay.plant.build.controllers.find((c) => c.security.part18 && !c.security.allowAnonymous)!.id;
  const manual = (): string => bay.plant.build.weaknesses.find((w) => w.kind === "noPart18")!.controllerId;

  beforeAll(async () => {
    bay = await openBay(5);
    dataDir = join(bay.dir.path, "laptop");
    // Approvals have their own tests; these are about what the command line prints.
    bay.services.settings.setDualControl("off");
    saved = process.env.FIELDPROOF_PASSPHRASE;
    process.env.FIELDPROOF_PASSPHRASE = PASSPHRASE;
    // Named where a command needs a password variable; the commands tested stop before using it.
    process.env.UNUSED_PW = "not-used";
  }, 180_000);
  afterAll(async () => {
    delete process.env.UNUSED_PW;
    if (saved === undefined) delete process.env.FIELDPROOF_PASSPHRASE;
    else process.env.FIELDPROOF_PASSPHRASE = saved;
    await bay.close();
  });

  it("says there are none yet, and info says nothing waits", async () => {
    expect(await cli("rotations", "list")).toEqual({ code: 0, stdout: "No rotations yet. Start one with: fieldproof rotate ACCOUNT --reason REASON --work-order WO\n", stderr: "" });
    const info = await cli("info");
    expect(info.stdout.split("\n")).toContain("Rotations:  none interrupted or waiting");
  });

  it("lists rotations under a header with short rotation and batch ids, which reveal, confirm and retry accept", async () => {
    const auto = part18();
    const [committed] = await bay.rotate({ identityId: "user/operator", ...base, controllerIds: [auto], currentPassword: bay.initialPassword(auto, "operator") });
    expect(committed!.state).toBe("committed");
    const [waiting] = await bay.rotate({ identityId: "user/operator", ...base, controllerIds: [manual()], currentPassword: bay.initialPassword(manual(), "operator") });
    expect(waiting!.state).toBe("pending-manual");

    const rows = await list();
    const run = await cli("rotations", "list");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]!.split(/ {2,}/)).toEqual(["STARTED", "ROTATION", "BATCH", "ACCOUNT", "CONTROLLER", "STATE", "SUMMARY"]);
    const short = (id: string): string => id.slice(0, id.indexOf("-") + 9);
    expect(lines.slice(1, 1 + rows.length).map((l) => l.split(/ {2,}/))).toEqual(
      rows.map((r) => [r.startedAt.slice(0, 19), short(r.rotationId), short(r.batchId!), "operator", r.controllerName, r.state, r.summary]),
    );
    expect(lines.slice(1 + rows.length)).toEqual([
      "1 waiting for a manual step: fieldproof rotations reveal ROTATION, set it in the vendor tool, then fieldproof rotations confirm ROTATION",
      "Commands take the ids as shown (or any longer part of them).",
    ]);
    expect((await cli("info")).stdout.split("\n")).toContain("Rotations:  1 waiting for a manual step: see fieldproof rotations list");

    // reveal with the short id as listed, confirm with the hex part only.
    const manualRow = rows.find((r) => r.rotationId === waiting!.rotationId)!;
    const shown = await cli("rotations", "reveal", short(manualRow.rotationId));
    expect(shown.code).toBe(0);
    await bay.plant.controller(manual()).setPasswordOutOfBand("operator", shown.stdout.trimEnd());
    const confirmed = await cli("rotations", "confirm", short(manualRow.rotationId).slice("rot-".length));
    expect(confirmed).toEqual({ code: 0, stdout: "COMMITTED: Rotated: new password accepted, old refused.\n", stderr: "" });

    // retry with a short batch id: the batch is found (and is done), not "no batch".
    const batchId = rows.find((r) => r.rotationId === committed!.rotationId)!.batchId!;
    const retry = await cli("rotations", "retry", short(batchId), "--current-password-env", "UNUSED_PW");
    expect(retry).toEqual({ code: 1, stdout: "", stderr: "fieldproof: Every controller of this batch is done; nothing to retry.\n" });

    const unknown = await cli("rotations", "reveal", "rot-0000000000");
    expect(unknown).toEqual({ code: 1, stdout: "", stderr: "fieldproof: No rotation rot-0000000000 on this laptop. fieldproof rotations list shows the ids.\n" });
  }, 120_000);

  it("refuses an id that could be several, and shows longer ids where two would look alike", () => {
    expect(() => expandId("ab", "rot-", ["rot-ab12", "rot-ab34", "rot-cd56"], "rotation", "rotations")).toThrow("ab could be any of 2 rotations (rot-ab12, rot-ab34): type more of the id.");
    expect(expandId("rot-ab1", "rot-", ["rot-ab12", "rot-ab34"], "rotation", "rotations")).toBe("rot-ab12");
    expect(expandId("ff", "rot-", ["rot-ab12"], "rotation", "rotations")).toBeUndefined();
    expect([...shortIds(["rot-0123456789abcdef", "rot-01234567ffffffff", "rot-aaaaaaaa00000000"]).values()]).toEqual(["rot-012345678", "rot-01234567f", "rot-aaaaaaaa"]);
  });

  it("suggests the nearest controller for a typo in --controller, before anything is touched", async () => {
    const id = part18();
    const run = await cli("rotate", "operator", "--controller", `${id}x`, "--reason", "schedule", "--work-order", "WO-17", "--current-password-env", "UNUSED_PW");
    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr: `fieldproof: The account operator does not live on a controller ${id}x. Did you mean ${id}? Leave out --controller to rotate it on every controller it lives on.\n`,
    });
    await expect(bay.invoke("identities.declare", { controllerIds: [`${id}x`], userName: "vendor-x", kind: "user", description: "" })).rejects.toThrow(
      `No controller ${id}x in this plant. Did you mean ${id}? Nothing was declared.`,
    );
  });

  it("on Ctrl+C says where each controller was left and how to resume; info counts it until it is resolved", async () => {
    const id = part18();
    const name = bay.plant.build.controllers.find((c) => c.id === id)!.name;
    // The operator's password after the rotation above is sealed to IT; rotate the technician's own
    // login instead, whose current password the laptop holds.
    const own = bay.services.plant.login(id)!.userName;
    const run = await rotateAndCtrlCTwice(["rotate", own, "--controller", id, "--reason", "schedule", "--work-order", "WO-17-ctrl-c"], { FIELDPROOF_DATA_DIR: dataDir, FIELDPROOF_PASSPHRASE: PASSPHRASE }, "changed");
    expect(run.code, run.stderr).toBe(130);
    const pending = (await list()).find((r) => r.workOrder === "WO-17-ctrl-c")!;
    expect(pending.state).toBe("pending");
    expect(run.stderr).toContain(
      [
        "Where each controller was left:",
        `  ${name} (${id}): interrupted mid-change (${pending.rotationId}): it holds the old or the new password`,
        `To resume: fieldproof rotations resolve (finds out which password each interrupted controller holds and records it), then fieldproof rotations retry ${pending.batchId} (rotates the controllers not done).`,
        "Quit. A controller being changed finishes its step",
      ].join("\n"),
    );

    expect((await cli("info")).stdout.split("\n")).toContain("Rotations:  1 interrupted: resolve with fieldproof rotations resolve");
    const listed = await cli("rotations", "list");
    expect(listed.stdout.split("\n")).toContain("1 interrupted: find out which password each controller holds and record it with: fieldproof rotations resolve");
    const info = JSON.parse((await cli("info", "--json")).stdout) as { rotations: unknown };
    expect(info.rotations).toEqual({ interrupted: 1, waitingForManualStep: 0 });

    const resolved = await cli("rotations", "resolve");
    expect(resolved).toMatchObject({ code: 0, stdout: `${pending.rotationId}: completed\n` });
    expect((await cli("info")).stdout.split("\n")).toContain("Rotations:  none interrupted or waiting");
  }, 120_000);
});

import { spawn } from "node:child_process";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN } from "../support/cli";
import { tempDir } from "../support/tempDir";

/** Whether the process still exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return check();
}

describe("fieldproof sim under a launcher that does not forward signals (npx)", () => {
  const dir = tempDir("fieldproof-sim-parent-");
  afterAll(() => dir.cleanup());

  it("stops its controllers and exits when the process that started it is killed", async () => {
    // Like `npx fieldproof sim`: npm runs a shell that runs the CLI; a SIGTERM to npx ends npm and
    // the shell, and nobody passes it on. This parent starts the CLI and dies on SIGTERM the same way.
    const launcher = `const c = require("node:child_process").spawn(process.execPath, ${JSON.stringify([BIN, "sim", "--controllers", "1", "--state-dir", join(dir.path, "sim")])}, { stdio: ["ignore", "inherit", "inherit"] });
console.error("child " + c.pid);
process.on("SIGTERM", () => process.exit(143));`;
    const parent = spawn(process.execPath, ["-e", launcher], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    parent.stderr.on("data", (d: Buffer) => (err += d.toString()));
    let childPid = 0;
    try {
      expect(await until(() => out.includes("Press Ctrl+C to stop."), 60_000), err).toBe(true);
      childPid = Number(/^child (\d+)$/m.exec(err)![1]);
      const port = Number(/opc\.tcp:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1]);
      expect(await refused(port)).toBe(false);

      parent.kill("SIGTERM");
      expect(await until(() => !alive(childPid), 20_000), `the sim (pid ${childPid}) still runs after its launcher ended\n${err}`).toBe(true);
      expect(await refused(port)).toBe(true);
      expect(err).toContain("Stopping the demo plant (the process that started it ended)...\nDemo plant stopped.\n");
    } finally {
      if (childPid && alive(childPid)) process.kill(childPid, "SIGKILL");
      parent.kill("SIGKILL");
    }
  }, 120_000);
});

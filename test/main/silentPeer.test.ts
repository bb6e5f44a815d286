import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBinAsync } from "../support/cli";
import { tempDir } from "../support/tempDir";

const ENV = { FIELDPROOF_PASSPHRASE: "silent peer passphrase" };

/** A process that listens and is then frozen (SIGSTOP): the kernel accepts connections, nobody answers. */
async function frozenListener(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["-e", 'const s = require("node:net").createServer(() => {}); s.listen(0, "127.0.0.1", () => console.log(s.address().port));'], { stdio: ["ignore", "pipe", "inherit"] });
  const [line] = (await once(child.stdout, "data")) as [Buffer];
  child.kill("SIGSTOP");
  return { child, port: Number(line.toString().trim()) };
}

/** Answers the OPC UA Hello with a valid Acknowledge, then never speaks again (stalls mid-handshake). */
async function stallAfterAck(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.once("data", () => {
      const ack = Buffer.alloc(28);
      ack.write("ACKF", 0, "ascii");
      ack.writeUInt32LE(28, 4);
      ack.writeUInt32LE(0, 8);
      ack.writeUInt32LE(65_535, 12);
      ack.writeUInt32LE(65_535, 16);
      socket.write(ack);
      socket.on("data", () => undefined);
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, port: (server.address() as { port: number }).port };
}

describe("a command ends within its timeouts, whatever the peer does", () => {
  let dir: ReturnType<typeof tempDir>;
  let frozen: Awaited<ReturnType<typeof frozenListener>>;
  let stall: Awaited<ReturnType<typeof stallAfterAck>>;

  beforeAll(async () => {
    dir = tempDir("fieldproof-silent-");
    frozen = await frozenListener();
    stall = await stallAfterAck();
  });
  afterAll(() => {
    frozen.child.kill("SIGKILL");
    stall.server.close();
    dir.cleanup();
  });

  // The bound is generous (the point is that the process exits at all: before the fix it never did).
  it.each([
    ["a frozen controller (accepts, never reads)", () => frozen.port],
    ["a controller that stalls after the Hello/Acknowledge", () => stall.port],
  ])("scan of %s reports a timeout and the process exits", async (_what, port) => {
    const url = `opc.tcp://127.0.0.1:${port()}`;
    const run = await runBinAsync(["--data-dir", join(dir.path, `laptop-${port()}`), "scan", url, "--timeout", "1000"], ENV, 45_000);
    expect(run.code, `exit code (-1 means it was killed after 45 s: it hung)\n${run.stderr}`).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^TIMEOUT +127\\.0\\.0\\.1:${port()} `, "m"));
    expect(run.stdout).toContain(`did not answer within 1000 ms`);
  });
});

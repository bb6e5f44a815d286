import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoPlant, type DemoPlant } from "../../main/simulator";
import { runCli } from "../support/cli";
import { tempDir } from "../support/tempDir";

const PASSPHRASE = "scan failures passphrase";
/** What node-opcua says in its own words; none of it may reach a technician unexplained. */
const RAW = ["third party", "waiting for data", "hadError", "Err =", "rejected by server", "ClientTCP_transport", "0x80"];

/** Listens on 127.0.0.1:port in place of a stopped controller. */
async function listenOn(port: number, onSocket: (socket: Socket) => void): Promise<Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    onSocket(socket);
  });
  server.on("close", () => sockets.forEach((s) => s.destroy()));
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const close = server.close.bind(server);
  server.close = (cb) => {
    sockets.forEach((s) => s.destroy());
    return close(cb);
  };
  return server;
}

describe("fieldproof scan when controllers do not answer", () => {
  let dir: ReturnType<typeof tempDir>;
  let plant: DemoPlant;
  let plantFile: string;
  let saved: string | undefined;
  const servers: Server[] = [];
  const cli = (...args: string[]) => runCli(["--data-dir", join(dir.path, "laptop"), ...args]);
  const named = (i: number): { id: string; name: string; url: string; port: number } => {
    const c = plant.plant.controllers[i]!;
    return { id: c.id, name: c.name, url: c.endpointUrl, port: Number(new URL(c.endpointUrl.replace("opc.tcp:", "http:")).port) };
  };

  beforeAll(async () => {
    dir = tempDir("fieldproof-scan-failures-");
    plant = await startDemoPlant({ controllers: 3, stateDir: join(dir.path, "sim") });
    plantFile = join(dir.path, "plant.json");
    await plant.writePlantFile(plantFile);
    saved = process.env.FIELDPROOF_PASSPHRASE;
    process.env.FIELDPROOF_PASSPHRASE = PASSPHRASE;
    const first = await cli("scan", "--plant", plantFile, "--trust-new");
    expect(first.code, first.stdout + first.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.close();
    await plant.stop();
    if (saved === undefined) delete process.env.FIELDPROOF_PASSPHRASE;
    else process.env.FIELDPROOF_PASSPHRASE = saved;
    dir.cleanup();
  });

  it("exits 1 when one controller of three is stopped, and the summary names it", async () => {
    const stopped = named(0);
    await plant.controller(stopped.id).stop();
    const run = await cli("scan", "--timeout", "3000");
    expect(run.code).toBe(1);
    expect(run.stdout.split("\n")).toContain(`${"UNREACHABLE".padEnd(20)} ${stopped.name} (${stopped.url})`);
    expect(run.stdout).toContain(`Cannot connect to ${stopped.url}: nothing listens on that port (ECONNREFUSED). Check that the controller is on and the port is right (OPC UA usually uses 4840).`);
    expect(run.stderr.split("\n")).toContain(`1 of 3 controller(s) could not be read: ${stopped.name} (unreachable). See the lines above for why and what to do.`);
  }, 60_000);

  it("says in plain words what a peer that cuts the connection or never answers did, without node-opcua's text", async () => {
    const cut = named(1);
    const silent = named(2);
    await plant.controller(cut.id).stop();
    await plant.controller(silent.id).stop();
    servers.push(await listenOn(cut.port, (s) => s.once("data", () => s.destroy())));
    servers.push(await listenOn(silent.port, () => undefined));
    const run = await cli("scan", "--timeout", "2000");
    expect(run.code).toBe(1);
    for (const raw of RAW) expect(run.stdout + run.stderr, raw).not.toContain(raw);
    expect(run.stdout).toContain(
      `The connection to ${cut.url} was cut while connecting: the controller (or a firewall between) closed it. Try again; if it keeps happening, check the network cable and switch, and the controller's session and connection limits.`,
    );
    expect(run.stdout.split("\n")).toContain(`${"TIMEOUT".padEnd(20)} ${silent.name} (${silent.url})`);
    // In the order the lines above list them.
    const order = [named(0), cut, silent].sort((a, b) => run.stdout.indexOf(` ${a.name} (`) - run.stdout.indexOf(` ${b.name} (`));
    expect(run.stderr.split("\n")).toContain(
      `3 of 3 controller(s) could not be read: ${order.map((c) => `${c.name} (${c.name === silent.name ? "timeout" : "unreachable"})`).join(", ")}. See the lines above for why and what to do.`,
    );
  }, 60_000);
});

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControllerPosture } from "../../shared/domain/posture";
import { createOpcUaConnector, type OpcUaConnector } from "../../main/connectors/opcua";
import { MessageSecurityMode, SecurityPolicy, blackHole, closedPort, cuttingProxy, sha256, startTestServer, type TestServer } from "./connectorFixtures";
import { tempDir } from "../support/tempDir";

// Network faults: raw TCP servers and a cutting proxy on 127.0.0.1 in front of a real node-opcua server.
const USER = { userName: "tech", password: "Tech-Password-2026" };

let dir: ReturnType<typeof tempDir>;
let connector: OpcUaConnector;
let server: TestServer;
let pin: string;

beforeAll(async () => {
  dir = tempDir("fieldproof-connector-faults-");
  connector = createOpcUaConnector({ pkiDir: join(dir.path, "pki"), timeoutMs: 3_000 });
  server = await startTestServer({
    pkiDir: join(dir.path, "server-pki"),
    securityPolicies: [SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.SignAndEncrypt],
    users: { [USER.userName]: USER.password },
  });
  pin = sha256(await server.certificate());
  // The first call creates the connector's key pair; keep that out of the timings below.
  await connector.discover(server.url);
});

afterAll(async () => {
  await connector?.close();
  await server?.stop();
  dir?.cleanup();
});

/** Runs `work`, returns what it threw and how long it took. */
async function failure(work: () => Promise<unknown>): Promise<{ error: Record<string, unknown>; ms: number }> {
  const started = Date.now();
  const error = await work().then(
    () => ({ code: "NO ERROR" }),
    (e: unknown) => e as Record<string, unknown>,
  );
  return { error, ms: Date.now() - started };
}

describe("unreachable and silent controllers", () => {
  it("a closed port is UNREACHABLE at once; readPosture says reachable: false", async () => {
    const url = `opc.tcp://127.0.0.1:${await closedPort()}`;
    const { error, ms } = await failure(() => connector.discover(url));
    expect(error).toMatchObject({ code: "UNREACHABLE", message: expect.stringContaining(url) });
    expect(ms).toBeLessThan(1_500);
    await expect(connector.tryLogin(url, USER, { expectedThumbprint: pin })).rejects.toMatchObject({ code: "UNREACHABLE" });
    const posture = await connector.readPosture(url, USER, { expectedThumbprint: pin });
    expect(ControllerPosture.parse(posture)).toMatchObject({ reachable: false, endpoints: [], gaps: [{ stage: "connect", code: "UNREACHABLE" }] });
  });

  it("a server that accepts and never answers is a TIMEOUT within the timeout", async () => {
    const hole = await blackHole();
    try {
      const { error, ms } = await failure(() => connector.discover(hole.url, { timeoutMs: 600 }));
      expect(error).toMatchObject({ code: "TIMEOUT", stage: "connect", message: expect.stringMatching(/did not answer within 600 ms while connecting/) });
      expect(ms).toBeGreaterThanOrEqual(600);
      expect(ms).toBeLessThan(2_000);
      const login = await failure(() => connector.tryLogin(hole.url, USER, { expectedThumbprint: pin, timeoutMs: 600 }));
      expect(login.error).toMatchObject({ code: "TIMEOUT" });
      expect(login.ms).toBeLessThan(2_000);
      expect(hole.connections()).toBe(2);
    } finally {
      await hole.close();
    }
  });

  it("an AbortSignal while connecting is CANCELLED promptly", async () => {
    const hole = await blackHole();
    try {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 200);
      const { error, ms } = await failure(() => connector.discover(hole.url, { signal: abort.signal, timeoutMs: 5_000 }));
      expect(error).toMatchObject({ code: "CANCELLED" });
      expect(ms).toBeLessThan(1_500);
    } finally {
      await hole.close();
    }
  });

  it("close() cancels the calls in flight and then refuses new ones", async () => {
    const hole = await blackHole();
    const own = createOpcUaConnector({ pkiDir: join(dir.path, "pki"), timeoutMs: 5_000 });
    try {
      const pending = own.discover(hole.url);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const started = Date.now();
      await own.close();
      expect(Date.now() - started).toBeLessThan(2_500);
      await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
      await expect(own.discover(server.url)).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    } finally {
      await hole.close();
    }
  });
});

describe("connections cut mid-answer", () => {
  it("during discovery: UNREACHABLE, the connection was cut", async () => {
    const proxy = await cuttingProxy(server.server.endpoints[0]!.port, 1, 0);
    try {
      const { error } = await failure(() => connector.discover(proxy.url));
      expect(error).toMatchObject({ code: "UNREACHABLE", message: expect.stringMatching(/was cut while/) });
    } finally {
      await proxy.close();
    }
  });

  it("during the session's reads: the posture keeps what discovery gave, says the connection was cut, and nothing retries", async () => {
    server.loginAttempts.length = 0;
    // Connection 2 is the secure one: GetEndpoints, CreateSession and ActivateSession get through, the first read is cut.
    const proxy = await cuttingProxy(server.server.endpoints[0]!.port, 2, 3);
    try {
      const posture = await connector.readPosture(proxy.url, USER, { expectedThumbprint: pin });
      expect(ControllerPosture.safeParse(posture).success).toBe(true);
      expect(posture.reachable).toBe(true);
      expect(posture.certificate!.thumbprintSha256).toBe(pin);
      expect(posture.gaps).toEqual([
        expect.objectContaining({ stage: "capabilities", code: "UNREACHABLE", message: expect.stringMatching(/was cut while reading the server status/) }),
        expect.objectContaining({ stage: "session", code: "NOT_READ", message: expect.stringContaining("accounts, roles, sessions") }),
      ]);
      // A node-opcua client with a retrying strategy, or one left open, re-creates a dropped channel and
      // re-activates its session with the stored password. Nothing of the sort: no new connection, no second login.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect(proxy.connections()).toBe(2);
      expect(server.loginAttempts).toEqual([USER.userName]);
    } finally {
      await proxy.close();
    }
  });
});

describe("requests refused before any network activity", () => {
  it("malformed URLs are INVALID_REQUEST, and the connector does not even prepare its certificate", async () => {
    const pkiDir = join(dir.path, "never-created");
    const fresh = createOpcUaConnector({ pkiDir });
    const bad = ["http://x", "opc.tcp://", "opc.tcp://a b:4840", `opc.tcp://${"a".repeat(5_000)}:4840`, "opc.tcp://host:99999", "opc.tcp://300.1.1.1:4840", "opc.tcp://host:4840/\u0000", 42];
    for (const url of bad) {
      const { error, ms } = await failure(() => fresh.discover(url as string));
      expect(error, String(url).slice(0, 40)).toMatchObject({ code: "INVALID_REQUEST", stage: "validate" });
      expect(ms).toBeLessThan(50);
      await expect(fresh.tryLogin(url as string, USER, { expectedThumbprint: pin })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    }
    await expect(fresh.tryLogin(server.url, USER, { expectedThumbprint: "not-a-thumbprint" })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(fresh.changePassword(server.url, USER, "", { expectedThumbprint: pin })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    await expect(fresh.discover(server.url, { timeoutMs: -1 })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(existsSync(pkiDir)).toBe(false);
    await fresh.close();
  });
});

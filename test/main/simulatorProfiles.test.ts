import { readFile, writeFile } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import {
  AttributeIds,
  BrowseDirection,
  DataType,
  MessageSecurityMode,
  MethodIds,
  ObjectIds,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  UserTokenType,
  VariableIds,
  makeBrowsePath,
  type ClientSession,
  type UserIdentityInfo,
} from "node-opcua";
import { ClientPushCertificateManagement } from "node-opcua-server-configuration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlantFile } from "../../shared/domain/plant";
import {
  BREAK_GLASS_USER,
  DEFAULT_SEED,
  MAINTENANCE_USER,
  PLACED_PROFILES,
  TECHNICIAN_USER,
  startDemoPlant,
  type DemoPlant,
  type ProfileKind,
  type SimAccount,
} from "../../main/simulator";
import { tempDir } from "../support/tempDir";

// The profiles of docs/simulator.md on the default demo plant (the one `fieldproof sim` and the app's
// demo start), real node-opcua servers on 127.0.0.1 and plain node-opcua clients.
const NOW = new Date("2026-11-22T08:00:00Z");

let dir: ReturnType<typeof tempDir>;
let plant: DemoPlant;
/** The test's usual client; never used on the strict controller, so it stays unknown there. */
let clientCertificates: OPCUACertificateManager;
const extraManagers: OPCUACertificateManager[] = [];

beforeAll(async () => {
  dir = tempDir("fieldproof-sim-profiles-");
  clientCertificates = await certificateManager("client-pki");
  plant = await startDemoPlant({ controllers: 5, seed: DEFAULT_SEED, stateDir: join(dir.path, "state"), now: NOW });
});

afterAll(async () => {
  await plant?.stop();
  await Promise.allSettled([clientCertificates?.dispose(), ...extraManagers.map((manager) => manager.dispose())]);
  dir?.cleanup();
});

// ---------------------------------------------------------------------------------------------

async function certificateManager(folder: string): Promise<OPCUACertificateManager> {
  // automaticallyAcceptUnknownCertificate here is about the *server's* certificate, on the client side.
  const manager = new OPCUACertificateManager({ rootFolder: join(dir.path, folder), automaticallyAcceptUnknownCertificate: true });
  await manager.initialize();
  return manager;
}

function newClient(manager = clientCertificates, mode = MessageSecurityMode.SignAndEncrypt): OPCUAClient {
  return OPCUAClient.create({
    applicationName: "fieldproof-simulator-test",
    securityMode: mode,
    securityPolicy: mode === MessageSecurityMode.None ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    clientCertificateManager: manager,
    connectionStrategy: { maxRetry: 0, initialDelay: 50, maxDelay: 100 },
    keepSessionAlive: false,
  });
}

interface Opened {
  readonly session: ClientSession;
  close(): Promise<void>;
}

async function open(endpointUrl: string, identity: UserIdentityInfo, manager = clientCertificates, mode = MessageSecurityMode.SignAndEncrypt): Promise<Opened> {
  const client = newClient(manager, mode);
  try {
    await client.connect(endpointUrl);
    const session = await client.createSession(identity);
    return {
      session,
      close: async () => {
        await session.close().catch(() => undefined);
        await client.disconnect();
      },
    };
  } catch (error) {
    await client.disconnect();
    throw error;
  }
}

async function withSession<T>(endpointUrl: string, identity: UserIdentityInfo, work: (session: ClientSession) => Promise<T>, manager = clientCertificates): Promise<T> {
  const opened = await open(endpointUrl, identity, manager);
  try {
    return await work(opened.session);
  } finally {
    await opened.close();
  }
}

/** "ok" if a session opens, else the error text (which carries the status code). */
async function tryLogin(endpointUrl: string, identity: UserIdentityInfo, manager = clientCertificates, mode = MessageSecurityMode.SignAndEncrypt): Promise<string> {
  try {
    const opened = await open(endpointUrl, identity, manager, mode);
    await opened.close();
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** GetEndpoints over an unsecured channel, as discovery does. */
async function endpointsOf(endpointUrl: string, manager = clientCertificates) {
  const client = newClient(manager, MessageSecurityMode.None);
  try {
    await client.connect(endpointUrl);
    return await client.getEndpoints();
  } finally {
    await client.disconnect();
  }
}

const user = (userName: string, password: string): UserIdentityInfo => ({ type: UserTokenType.UserName, userName, password });

function profiled(kind: ProfileKind): string {
  const found = plant.build.profiles.find((profile) => profile.kind === kind);
  if (!found) throw new Error(`no ${kind} in the build`);
  return found.controllerId;
}

function account(controllerId: string, predicate: (a: SimAccount) => boolean): SimAccount {
  const found = plant.build.controllers.find((c) => c.id === controllerId)?.accounts.find(predicate);
  if (!found) throw new Error(`no such account on ${controllerId}`);
  return found;
}

const login = (controllerId: string, userName: string): UserIdentityInfo => user(userName, account(controllerId, (a) => a.userName === userName).initialPassword);
const urlOf = (controllerId: string): string => plant.controller(controllerId).endpointUrl;

/** A controller without any profile, for comparisons. */
function plainController(): string {
  const found = plant.build.controllers.find((c) => c.profiles.length === 0);
  if (!found) throw new Error("every controller has a profile");
  return found.id;
}

async function ownCertificate(folder: string): Promise<Buffer> {
  const pem = await readFile(join(dir.path, folder, "own", "certs", "client_certificate.pem"), "utf8");
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? "";
  return Buffer.from(body.replace(/\s+/g, ""), "base64");
}

const readUserExecutable = async (session: ClientSession, methodId: number): Promise<unknown> => {
  const value = await session.read({ nodeId: `ns=0;i=${methodId}`, attributeId: AttributeIds.UserExecutable });
  return value.statusCode.isGood() ? value.value.value : value.statusCode.name;
};

// ---------------------------------------------------------------------------------------------

describe("profiles in the build", () => {
  it("gives each profile its own controller of the default plant, on the specs and in build.profiles", () => {
    expect(plant.build.profiles).toEqual([
      { kind: "noUserList", controllerId: "pack-l2-plc-1" },
      { kind: "strictClientTrust", controllerId: "pack-l1-historian-3" },
      { kind: "secureOnlyDiscovery", controllerId: "pack-l1-robot-2" },
      { kind: "limitedTechnicianRole", controllerId: "pack-l2-robot-2" },
    ]);
    expect(plant.build.droppedProfiles).toEqual([]);
    for (const spec of plant.build.controllers) {
      expect(spec.profiles, spec.id).toEqual(plant.build.profiles.filter((p) => p.controllerId === spec.id).map((p) => p.kind));
    }
    expect(plant.build.profiles.map((p) => p.kind)).toEqual([...PLACED_PROFILES]);
  });
});

describe("noUserList", () => {
  it("lists no account at all: no Part 18 Users, no RoleSet, no ChangePassword", async () => {
    const id = profiled("noUserList");
    const seen = await withSession(urlOf(id), login(id, TECHNICIAN_USER), async (session) => {
      const [users, roleSet, securityAdmin] = await session.read([
        { nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value },
        { nodeId: `ns=0;i=${ObjectIds.Server_ServerCapabilities_RoleSet}`, attributeId: AttributeIds.BrowseName },
        { nodeId: `ns=0;i=${ObjectIds.WellKnownRole_SecurityAdmin}`, attributeId: AttributeIds.BrowseName },
      ]);
      const capabilities = await session.browse({ nodeId: `ns=0;i=${ObjectIds.Server_ServerCapabilities}`, browseDirection: BrowseDirection.Forward, resultMask: 0x3f });
      const [identities] = await session.translateBrowsePath([makeBrowsePath(`ns=0;i=${ObjectIds.Server_ServerCapabilities}`, "/RoleSet/SecurityAdmin.Identities")]);
      const changePassword = await session.call({
        objectId: ObjectIds.UserManagement,
        methodId: MethodIds.UserManagement_ChangePassword,
        inputArguments: [
          { dataType: DataType.String, value: account(id, (a) => a.flags.technician).initialPassword },
          { dataType: DataType.String, value: "Whatever-Pass-123" },
        ],
      });
      return {
        users: users!.statusCode.name,
        roleSet: roleSet!.statusCode.name,
        securityAdmin: securityAdmin!.statusCode.name,
        browsed: (capabilities.references ?? []).map((ref) => ref.browseName.name),
        identities: identities!.statusCode.isGood(),
        changePassword: changePassword.statusCode.name,
        pushExecutable: await readUserExecutable(session, MethodIds.ServerConfiguration_CreateSigningRequest),
      };
    });
    expect(seen).toMatchObject({ users: "BadNodeIdUnknown", roleSet: "BadNodeIdUnknown", securityAdmin: "BadNodeIdUnknown", identities: false });
    expect(["BadNodeIdUnknown", "BadMethodInvalid"]).toContain(seen.changePassword);
    expect(seen.browsed).toContain("MaxBrowseContinuationPoints");
    expect(seen.browsed).not.toContain("RoleSet");
    // Part 12 push is still there: only the accounts are hidden.
    expect(seen.pushExecutable).toBe(true);
  });

  it("still logs in every account by UserName, the factory default administrator too", async () => {
    const id = profiled("noUserList");
    const admin = account(id, (a) => a.flags.default);
    expect(admin).toMatchObject({ userName: "admin", initialPassword: "admin" });
    expect(await tryLogin(urlOf(id), user(admin.userName, admin.initialPassword))).toBe("ok");
    expect(await tryLogin(urlOf(id), login(id, MAINTENANCE_USER))).toBe("ok");
    expect(await tryLogin(urlOf(id), user(MAINTENANCE_USER, "not-the-password"))).toMatch(/BadUserAccessDenied/);
  });

  it("declares its accounts in the plant file (maint as shared), but not the factory default nor the technician's login", async () => {
    const id = profiled("noUserList");
    const file = join(dir.path, "out", "plant.json");
    await plant.writePlantFile(file);
    const parsed = PlantFile.parse(JSON.parse(await readFile(file, "utf8")));
    const entry = parsed.controllers.find((c) => c.id === id)!;
    const vendor = account(id, (a) => a.flags.vendor);
    expect(entry.accounts).toEqual([
      { userName: MAINTENANCE_USER, kind: "shared", description: "Shared maintenance account" },
      { userName: vendor.userName, kind: "vendor", description: vendor.description },
      { userName: BREAK_GLASS_USER, kind: "break-glass", description: "Break-glass emergency account" },
      { userName: "operator", kind: "user", description: "Line operator" },
    ]);
    expect(entry.technicianLogin?.username).toBe(TECHNICIAN_USER);
    // Every other controller can list its own accounts: nothing is declared there.
    expect(parsed.controllers.filter((c) => c.accounts !== undefined).map((c) => c.id)).toEqual([id]);
  });
});

describe("strictClientTrust", () => {
  it("answers discovery but refuses an unknown client certificate until it is accepted from the rejected list", async () => {
    const id = profiled("strictClientTrust");
    const controller = plant.controller(id);
    const laptop = await certificateManager("laptop-a-pki");
    extraManagers.push(laptop);
    const technician = login(id, TECHNICIAN_USER);

    expect((await endpointsOf(urlOf(id), laptop)).length).toBeGreaterThan(0);
    // node-opcua servers answer the refused OpenSecureChannel with a secured ERR, BadSecurityChecksFailed.
    expect(await tryLogin(urlOf(id), technician, laptop)).not.toBe("ok");
    const certificate = await ownCertificate("laptop-a-pki");
    expect((await controller.rejectedClients()).map((der) => der.toString("base64"))).toContain(certificate.toString("base64"));

    const accepted = await controller.acceptRejectedClients();
    expect(accepted.map((der) => der.toString("base64"))).toContain(certificate.toString("base64"));
    expect(await controller.rejectedClients()).toEqual([]);
    expect(await tryLogin(urlOf(id), technician, laptop)).toBe("ok");
  });

  it("connects a client after trustClient(certificate), also when trusted while the controller was stopped", async () => {
    const id = profiled("strictClientTrust");
    const controller = plant.controller(id);
    const technician = login(id, TECHNICIAN_USER);
    for (const [folder, whileStopped] of [["laptop-b-pki", false], ["laptop-c-pki", true]] as const) {
      const laptop = await certificateManager(folder);
      extraManagers.push(laptop);
      expect(await tryLogin(urlOf(id), technician, laptop), folder).not.toBe("ok");
      const certificate = await ownCertificate(folder);
      if (whileStopped) {
        await controller.stop();
        await controller.trustClient(certificate);
        await controller.start();
      } else {
        await controller.trustClient(certificate);
      }
      expect(await tryLogin(urlOf(id), technician, laptop), folder).toBe("ok");
    }
  });

  it("is the only controller that refuses a client it has never seen", async () => {
    const laptop = await certificateManager("laptop-d-pki");
    extraManagers.push(laptop);
    for (const spec of plant.build.controllers) {
      const result = await tryLogin(urlOf(spec.id), login(spec.id, TECHNICIAN_USER), laptop);
      if (spec.id === profiled("strictClientTrust")) expect(result, spec.id).not.toBe("ok");
      else expect(result, spec.id).toBe("ok");
    }
  });
});

describe("secureOnlyDiscovery", () => {
  it("answers GetEndpoints with SignAndEncrypt endpoints only, and refuses a Sign-only channel", async () => {
    const id = profiled("secureOnlyDiscovery");
    const endpoints = await endpointsOf(urlOf(id));
    expect(endpoints.length).toBe(3);
    expect(new Set(endpoints.map((e) => e.securityMode))).toEqual(new Set([MessageSecurityMode.SignAndEncrypt]));
    expect(endpoints.map((e) => e.securityPolicyUri).sort()).toEqual(
      [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss].sort(),
    );
    expect(await tryLogin(urlOf(id), login(id, TECHNICIAN_USER))).toBe("ok");
    expect(await tryLogin(urlOf(id), login(id, TECHNICIAN_USER), clientCertificates, MessageSecurityMode.Sign)).not.toBe("ok");

    // A controller without the profile lists Sign next to SignAndEncrypt.
    const plain = await endpointsOf(urlOf(plainController()));
    expect(plain.some((e) => e.securityMode === MessageSecurityMode.Sign)).toBe(true);
    expect(plain.some((e) => e.securityPolicyUri === SecurityPolicy.None)).toBe(false);
  });
});

describe("limitedTechnicianRole", () => {
  const PUSH = [MethodIds.ServerConfiguration_CreateSigningRequest, MethodIds.ServerConfiguration_UpdateCertificate, MethodIds.ServerConfiguration_ApplyChanges];

  it("lets the technician log in and read, but not push certificates nor manage users (UserExecutable false)", async () => {
    const id = profiled("limitedTechnicianRole");
    expect(account(id, (a) => a.flags.technician).roles).toEqual(["Engineer"]);
    const seen = await withSession(urlOf(id), login(id, TECHNICIAN_USER), async (session) => ({
      state: (await session.read({ nodeId: VariableIds.Server_ServerStatus_State, attributeId: AttributeIds.Value })).statusCode.name,
      push: await Promise.all(PUSH.map((method) => readUserExecutable(session, method))),
      modifyUser: await readUserExecutable(session, MethodIds.UserManagement_ModifyUser),
      changePassword: await readUserExecutable(session, MethodIds.UserManagement_ChangePassword),
      executable: (await session.read({ nodeId: `ns=0;i=${MethodIds.ServerConfiguration_CreateSigningRequest}`, attributeId: AttributeIds.Executable })).value.value as unknown,
      csr: (
        await new ClientPushCertificateManagement(session).createSigningRequest("DefaultApplicationGroup", ClientPushCertificateManagement.rsaSha256ApplicationCertificateType, null)
      ).statusCode.name,
      modify: (
        await session.call({
          objectId: ObjectIds.UserManagement,
          methodId: MethodIds.UserManagement_ModifyUser,
          inputArguments: [
            { dataType: DataType.String, value: MAINTENANCE_USER },
            { dataType: DataType.Boolean, value: true },
            { dataType: DataType.String, value: "Maint-Rotated-2026" },
            { dataType: DataType.Boolean, value: false },
            { dataType: DataType.UInt32, value: 0 },
            { dataType: DataType.Boolean, value: false },
            { dataType: DataType.String, value: "" },
          ],
        })
      ).statusCode.name,
      users: (await session.read({ nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value })).statusCode.name,
    }));
    expect(seen).toEqual({
      state: "Good",
      push: [false, false, false],
      modifyUser: false,
      changePassword: true,
      // Executable is about the method, UserExecutable about this login.
      executable: true,
      csr: "BadUserAccessDenied",
      modify: "BadUserAccessDenied",
      users: "BadUserAccessDenied",
    });
    expect(await plant.controller(id).verifyPassword(MAINTENANCE_USER, account(id, (a) => a.flags.shared).initialPassword)).toBe(true);
  });

  it("reads UserExecutable true for a SecurityAdmin: break-glass there, the technician elsewhere", async () => {
    const id = profiled("limitedTechnicianRole");
    const check = (session: ClientSession) => Promise.all([...PUSH, MethodIds.UserManagement_ModifyUser].map((method) => readUserExecutable(session, method)));
    expect(await withSession(urlOf(id), login(id, BREAK_GLASS_USER), check)).toEqual([true, true, true, true]);
    const other = plainController();
    expect(await withSession(urlOf(other), login(other, TECHNICIAN_USER), check)).toEqual([true, true, true, true]);
  });
});

// ---------------------------------------------------------------------------------------------
// The freeze fault, on a raw socket.

/** An OPC UA Hello (Part 6 §7.1.2.3) for `endpointUrl`. */
function hello(endpointUrl: string): Buffer {
  const url = Buffer.from(endpointUrl, "utf8");
  const body = Buffer.alloc(20 + 4 + url.length);
  body.writeUInt32LE(0, 0); // ProtocolVersion
  body.writeUInt32LE(65_536, 4); // ReceiveBufferSize
  body.writeUInt32LE(65_536, 8); // SendBufferSize
  body.writeUInt32LE(0, 12); // MaxMessageSize: no limit
  body.writeUInt32LE(0, 16); // MaxChunkCount: no limit
  body.writeInt32LE(url.length, 20);
  url.copy(body, 24);
  const header = Buffer.alloc(8);
  header.write("HELF", 0, "ascii");
  header.writeUInt32LE(8 + body.length, 4);
  return Buffer.concat([header, body]);
}

/** Connects, sends a Hello and reports what came back within `ms`. */
function helloProbe(port: number, endpointUrl: string, ms: number): Promise<{ connected: boolean; answer: string }> {
  return new Promise((resolve) => {
    let connected = false;
    let answer = "";
    const socket: Socket = connect({ host: "127.0.0.1", port }, () => {
      connected = true;
      socket.write(hello(endpointUrl));
    });
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ connected, answer });
    };
    const timer = setTimeout(finish, ms);
    socket.on("data", (data: Buffer) => {
      answer += data.subarray(0, 4).toString("ascii");
      finish();
    });
    socket.on("error", (error) => {
      answer = `error ${error.message}`;
      finish();
    });
  });
}

describe("the freeze fault", () => {
  it("accepts TCP connections and answers nothing, until cleared; then the same server answers on the same port", async () => {
    const id = plainController();
    const controller = plant.controller(id);
    const { port, endpointUrl } = controller;
    expect(await helloProbe(port, endpointUrl, 2_000)).toEqual({ connected: true, answer: "ACKF" });

    // A session opened before the freeze: its requests are not answered while frozen, then they are.
    const early = await open(endpointUrl, login(id, TECHNICIAN_USER));
    try {
      controller.setFault({ kind: "freeze" });
      expect(controller.fault).toEqual({ kind: "freeze" });
      expect(controller.running).toBe(true);
      const started = Date.now();
      expect(await helloProbe(port, endpointUrl, 2_000)).toEqual({ connected: true, answer: "" });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      const pending = early.session.read({ nodeId: VariableIds.Server_ServerStatus_State, attributeId: AttributeIds.Value });
      const raced = await Promise.race([pending.then(() => "answered"), new Promise((resolve) => setTimeout(resolve, 1_000, "silent"))]);
      expect(raced).toBe("silent");

      controller.setFault(null);
      expect((await pending).statusCode).toEqual(StatusCodes.Good);
    } finally {
      controller.setFault(null);
      await early.close();
    }
    expect(controller.port).toBe(port);
    expect(await helloProbe(port, endpointUrl, 2_000)).toEqual({ connected: true, answer: "ACKF" });
    expect(await tryLogin(endpointUrl, login(id, TECHNICIAN_USER))).toBe("ok");
  });

  it("survives stop() and start(), unlike a stopped controller, which refuses connections", async () => {
    const id = plainController();
    const controller = plant.controller(id);
    const { port, endpointUrl } = controller;
    const certificate = await controller.certificate();
    controller.setFault({ kind: "freeze" });
    try {
      await controller.stop();
      expect((await helloProbe(port, endpointUrl, 2_000)).answer).toMatch(/^error .*ECONNREFUSED/);
      await controller.start();
      expect(await helloProbe(port, endpointUrl, 1_500)).toEqual({ connected: true, answer: "" });
    } finally {
      controller.setFault(null);
    }
    expect(await tryLogin(endpointUrl, login(id, TECHNICIAN_USER))).toBe("ok");
    expect((await controller.certificate()).equals(certificate)).toBe(true);
  });
});

describe("an existing state folder", () => {
  it("gets the build's roles for the seeded accounts on the next start (a folder an older simulator made)", async () => {
    const id = profiled("limitedTechnicianRole");
    await plant.stop();
    // As a simulator without profiles saved it: the technician a SecurityAdmin everywhere.
    const stateFile = join(dir.path, "state", "controllers", id, "state.json");
    const state = JSON.parse(await readFile(stateFile, "utf8")) as { users: { userName: string; roles: string[] }[] };
    state.users.find((u) => u.userName === TECHNICIAN_USER)!.roles = ["SecurityAdmin", "ConfigureAdmin", "Engineer"];
    state.users.push({ ...state.users.find((u) => u.userName === TECHNICIAN_USER)!, userName: "contractor7", roles: [] });
    await writeFile(stateFile, JSON.stringify(state));

    plant = await startDemoPlant({ controllers: 5, seed: DEFAULT_SEED, stateDir: join(dir.path, "state"), now: NOW });
    const users = plant.controller(id).users();
    expect(users.find((u) => u.userName === TECHNICIAN_USER)!.roles).toEqual(["Engineer"]);
    // Accounts the build does not know (added over Part 18) keep what they have.
    expect(users.find((u) => u.userName === "contractor7")!.roles).toEqual([]);
    expect(await withSession(urlOf(id), login(id, TECHNICIAN_USER), (session) => readUserExecutable(session, MethodIds.UserManagement_ModifyUser))).toBe(false);
  });
});

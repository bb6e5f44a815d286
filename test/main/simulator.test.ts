import { X509Certificate } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AttributeIds,
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
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlantFile } from "../../shared/domain/plant";
import {
  MAINTENANCE_USER,
  OPERATOR_USER,
  TECHNICIAN_USER,
  buildPlant,
  startDemoPlant,
  type DemoPlant,
  type SimAccount,
  type SimControllerSpec,
  type Weakness,
} from "../../main/simulator";
import { tempDir } from "../support/tempDir";

// Real node-opcua servers on 127.0.0.1, started once for the file; a plain node-opcua client talks to them.
const NOW = new Date("2026-11-22T08:00:00Z");
const SEED = "test-plant";

let dir: ReturnType<typeof tempDir>;
let plant: DemoPlant;
let clientCertificates: OPCUACertificateManager;
/** Every password this file sets, to prove none of them lands in the state folder in clear. */
const passwordsSet: string[] = [];

beforeAll(async () => {
  dir = tempDir("fieldproof-sim-");
  clientCertificates = new OPCUACertificateManager({ rootFolder: join(dir.path, "client-pki"), automaticallyAcceptUnknownCertificate: true });
  await clientCertificates.initialize();
  plant = await startDemoPlant({ controllers: 5, seed: SEED, stateDir: join(dir.path, "state"), now: NOW });
  // The strictClientTrust controller refuses a client it does not know (simulatorProfiles.test.ts):
  // this file's client is trusted up front, as a technician would have it trusted on the panel.
  const first = newClient();
  await first.connect(plant.controllers.find((c) => c.spec.security.trustUnknownClients)!.endpointUrl);
  await first.disconnect();
  await plant.trustClient(derFromPem(await readFile(join(dir.path, "client-pki", "own", "certs", "client_certificate.pem"), "utf8")));
});

function derFromPem(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? "";
  return Buffer.from(body.replace(/\s+/g, ""), "base64");
}

afterAll(async () => {
  await plant?.stop();
  await clientCertificates?.dispose();
  dir?.cleanup();
});

// ---------------------------------------------------------------------------------------------
// A minimal client.

interface Channel {
  readonly mode?: MessageSecurityMode;
  readonly policy?: SecurityPolicy;
}

interface Opened {
  readonly session: ClientSession;
  readonly client: OPCUAClient;
  close(): Promise<void>;
}

function newClient(channel: Channel = {}): OPCUAClient {
  const mode = channel.mode ?? MessageSecurityMode.SignAndEncrypt;
  return OPCUAClient.create({
    applicationName: "fieldproof-simulator-test",
    securityMode: mode,
    securityPolicy: channel.policy ?? (mode === MessageSecurityMode.None ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256),
    endpointMustExist: false,
    clientCertificateManager: clientCertificates,
    connectionStrategy: { maxRetry: 0, initialDelay: 50, maxDelay: 100 },
    keepSessionAlive: false,
  });
}

async function open(endpointUrl: string, identity: UserIdentityInfo, channel: Channel = {}): Promise<Opened> {
  const client = newClient(channel);
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession(identity);
    return {
      session,
      client,
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

async function withSession<T>(endpointUrl: string, identity: UserIdentityInfo, work: (session: ClientSession) => Promise<T>, channel: Channel = {}): Promise<T> {
  const opened = await open(endpointUrl, identity, channel);
  try {
    return await work(opened.session);
  } finally {
    await opened.close();
  }
}

/** Resolves with "ok" if the login is accepted, else with the error text (which carries the status code). */
async function tryLogin(endpointUrl: string, identity: UserIdentityInfo, channel: Channel = {}): Promise<string> {
  try {
    await withSession(endpointUrl, identity, async () => undefined, channel);
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const user = (userName: string, password: string): UserIdentityInfo => ({ type: UserTokenType.UserName, userName, password });
const anonymous: UserIdentityInfo = { type: UserTokenType.Anonymous };

function changePassword(session: ClientSession, oldPassword: string, newPassword: string) {
  return session.call({
    objectId: ObjectIds.UserManagement,
    methodId: MethodIds.UserManagement_ChangePassword,
    inputArguments: [
      { dataType: DataType.String, value: oldPassword },
      { dataType: DataType.String, value: newPassword },
    ],
  });
}

function modifyPassword(session: ClientSession, userName: string, password: string) {
  return session.call({
    objectId: ObjectIds.UserManagement,
    methodId: MethodIds.UserManagement_ModifyUser,
    inputArguments: [
      { dataType: DataType.String, value: userName },
      { dataType: DataType.Boolean, value: true },
      { dataType: DataType.String, value: password },
      { dataType: DataType.Boolean, value: false },
      { dataType: DataType.UInt32, value: 0 },
      { dataType: DataType.Boolean, value: false },
      { dataType: DataType.String, value: "" },
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// Ground truth helpers.

function spec(controllerId: string): SimControllerSpec {
  const found = plant.build.controllers.find((controller) => controller.id === controllerId);
  if (!found) throw new Error(`no controller ${controllerId}`);
  return found;
}

function account(controllerId: string, userName: string): SimAccount {
  const found = spec(controllerId).accounts.find((candidate) => candidate.userName === userName);
  if (!found) throw new Error(`no ${userName} on ${controllerId}`);
  return found;
}

function weakness<K extends Weakness["kind"]>(kind: K): Extract<Weakness, { kind: K }> {
  const found = plant.build.weaknesses.find((candidate): candidate is Extract<Weakness, { kind: K }> => candidate.kind === kind);
  if (!found) throw new Error(`no ${kind} in the build`);
  return found;
}

const urlOf = (controllerId: string): string => plant.controller(controllerId).endpointUrl;
const technician = (controllerId: string): UserIdentityInfo => user(TECHNICIAN_USER, account(controllerId, TECHNICIAN_USER).initialPassword);

interface Needs {
  /** The technician is a SecurityAdmin there and can list accounts (Part 18 Users, RoleSet). */
  readonly securityAdmin?: boolean;
  /** It lists Sign endpoints (not secureOnlyDiscovery). */
  readonly sign?: boolean;
  readonly exclude?: readonly string[];
}

/**
 * The plainest controller (fewest weaknesses and profiles) with Part 18 and what the test needs. The
 * strict controller qualifies: this file's client is trusted there.
 */
function controllerFor(needs: Needs = {}): string {
  const special = (controller: SimControllerSpec): number =>
    plant.build.weaknesses.filter((w) => w.kind !== "expiredVendorAccount" && w.controllerId === controller.id).length + controller.profiles.length;
  const found = plant.build.controllers
    .filter((c) => c.security.part18 && !(needs.exclude ?? []).includes(c.id))
    .filter((c) => !needs.securityAdmin || (c.security.roleSet && c.accounts.find((a) => a.flags.technician)!.roles.includes("SecurityAdmin")))
    .filter((c) => !needs.sign || !c.security.encryptedOnly)
    .sort((a, b) => special(a) - special(b))[0];
  if (!found) throw new Error(`no controller for ${JSON.stringify(needs)}`);
  return found.id;
}

/** Where the tests that list and manage accounts run. */
const ordinaryController = (): string => controllerFor({ securityAdmin: true });

// ---------------------------------------------------------------------------------------------

describe("the demo plant", () => {
  it("starts five controllers and writes a plant file that parses", async () => {
    expect(plant.controllers).toHaveLength(5);
    expect(plant.controllers.every((controller) => controller.running)).toBe(true);
    const file = join(dir.path, "out", "plant.json");
    await plant.writePlantFile(file);
    const parsed = PlantFile.parse(JSON.parse(await readFile(file, "utf8")));
    expect(parsed.site).toEqual(plant.build.site);
    expect(parsed.controllers.map((controller) => controller.endpointUrl)).toEqual(plant.controllers.map((controller) => controller.endpointUrl));
    expect(new Set(parsed.controllers.map((controller) => controller.endpointUrl)).size).toBe(5);
    for (const controller of parsed.controllers) {
      expect(controller.endpointUrl).toMatch(/^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
      expect(controller.technicianLogin).toEqual({ username: TECHNICIAN_USER, password: account(controller.id, TECHNICIAN_USER).initialPassword });
    }
    expect(new Set(parsed.controllers.map((controller) => controller.line)).size).toBeGreaterThanOrEqual(2);
  });

  it("is the same plant for the same seed and size, and another plant for another seed", () => {
    expect(buildPlant({ seed: SEED, controllers: 5, createdAt: NOW })).toEqual(plant.build);
    const other = buildPlant({ seed: "another-seed", controllers: 5, createdAt: NOW });
    expect(other.controllers.map((controller) => controller.id)).not.toEqual(plant.build.controllers.map((controller) => controller.id));
  });

  it("puts the realistic accounts on every controller, with the flags the build records", () => {
    for (const controller of plant.build.controllers) {
      const flags = controller.accounts.map((a) => a.flags);
      for (const flag of ["shared", "vendor", "breakGlass", "default", "operator", "technician"] as const) {
        expect(flags.filter((f) => f[flag]), `${controller.id} ${flag}`).toHaveLength(1);
      }
      const vendor = controller.accounts.find((a) => a.flags.vendor)!;
      expect(vendor.description).toBe(`Vendor remote support — ${controller.vendor}, expires ${vendor.vendorExpiry!.date}`);
      expect(vendor.vendorExpiry!.expired).toBe(vendor.vendorExpiry!.date < "2026-11-22");
      // Except on the limitedTechnicianRole controller (simulatorProfiles.test.ts).
      if (controller.profiles.includes("limitedTechnicianRole")) expect(controller.accounts.find((a) => a.flags.technician)!.roles).toEqual(["Engineer"]);
      else expect(controller.accounts.find((a) => a.flags.technician)!.roles).toContain("SecurityAdmin");
      expect(controller.accounts.find((a) => a.flags.operator)!.roles).not.toContain("SecurityAdmin");
    }
    const expiries = plant.build.controllers.map((controller) => controller.accounts.find((a) => a.flags.vendor)!.vendorExpiry!.expired);
    expect(expiries).toContain(true);
    expect(expiries).toContain(false);
  });
});

describe("deliberate weaknesses", () => {
  it("places each of the five on its own controller", () => {
    const placed = plant.build.weaknesses.filter((w) => w.kind !== "expiredVendorAccount");
    expect(placed.map((w) => w.kind).sort()).toEqual(["anonymousAccess", "crossLineSharedPassword", "noPart18", "securityPolicyNone", "shortLivedCertificate"]);
    expect(new Set(placed.map((w) => w.controllerId)).size).toBe(5);
    expect(plant.build.droppedWeaknesses).toEqual([]);
  });

  it("allows an anonymous session on the anonymous controller only", async () => {
    const target = weakness("anonymousAccess").controllerId;
    for (const controller of plant.controllers) {
      const client = newClient();
      await client.connect(controller.endpointUrl);
      const endpoints = await client.getEndpoints();
      await client.disconnect();
      const offersAnonymous = endpoints.some((e) => e.userIdentityTokens?.some((token) => token.tokenType === UserTokenType.Anonymous));
      expect(offersAnonymous, controller.id).toBe(controller.id === target);
      const result = await tryLogin(controller.endpointUrl, anonymous);
      // Elsewhere node-opcua's client refuses by itself: no Anonymous token policy is advertised.
      if (controller.id === target) expect(result).toBe("ok");
      else expect(result).toMatch(/ANONYMOUS user token policy/);
    }
  });

  it("offers SecurityPolicy None on one controller only, next to its secure endpoints", async () => {
    const target = weakness("securityPolicyNone").controllerId;
    for (const controller of plant.controllers) {
      const client = newClient();
      await client.connect(controller.endpointUrl);
      const endpoints = await client.getEndpoints();
      await client.disconnect();
      const none = endpoints.filter((e) => e.securityPolicyUri === SecurityPolicy.None);
      expect(none.length > 0, controller.id).toBe(controller.id === target);
      expect(endpoints.some((e) => e.securityPolicyUri === SecurityPolicy.Basic256Sha256 && e.securityMode === MessageSecurityMode.SignAndEncrypt)).toBe(true);
      // Sign too, but on the secureOnlyDiscovery controller.
      const sign = endpoints.some((e) => e.securityPolicyUri === SecurityPolicy.Basic256Sha256 && e.securityMode === MessageSecurityMode.Sign);
      expect(sign, controller.id).toBe(!controller.spec.security.encryptedOnly);
    }
  });

  it("gives one controller an application certificate that expires within days", async () => {
    const target = weakness("shortLivedCertificate");
    for (const controller of plant.controllers) {
      const client = newClient();
      await client.connect(controller.endpointUrl);
      const [endpoint] = await client.getEndpoints();
      await client.disconnect();
      const certificate = new X509Certificate(endpoint!.serverCertificate);
      const daysLeft = (Date.parse(certificate.validTo) - Date.now()) / 86_400_000;
      if (controller.id === target.controllerId) {
        expect(daysLeft).toBeGreaterThan(target.validityDays - 2);
        expect(daysLeft).toBeLessThanOrEqual(target.validityDays + 1);
      } else {
        expect(daysLeft, controller.id).toBeGreaterThan(365);
      }
      expect(certificate.raw.equals(await controller.certificate())).toBe(true);
    }
  });

  it("has no Part 18 on one controller: the call fails, the account still logs in", async () => {
    const target = weakness("noPart18").controllerId;
    const status = await withSession(urlOf(target), technician(target), async (session) => {
      const result = await changePassword(session, account(target, TECHNICIAN_USER).initialPassword, "Whatever-Pass-123");
      return result.statusCode;
    });
    expect([StatusCodes.BadNodeIdUnknown, StatusCodes.BadMethodInvalid]).toContainEqual(status);
    const read = await withSession(urlOf(target), technician(target), (session) =>
      session.read({ nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value }),
    );
    expect(read.statusCode).toEqual(StatusCodes.BadNodeIdUnknown);
  });

  it("shares the maintenance password within a line and, on one controller, with another line", async () => {
    const cross = weakness("crossLineSharedPassword");
    expect(cross.userName).toBe(MAINTENANCE_USER);
    expect(spec(cross.controllerId).line).not.toBe(cross.line);
    expect(cross.sharesWith.length).toBeGreaterThan(0);
    const password = account(cross.controllerId, MAINTENANCE_USER).initialPassword;
    const group = plant.build.sharedPasswords.find((g) => g.userName === MAINTENANCE_USER && g.controllerIds.includes(cross.controllerId));
    expect(group?.controllerIds.slice().sort()).toEqual([cross.controllerId, ...cross.sharesWith].sort());
    for (const controller of plant.build.controllers) {
      const works = await tryLogin(urlOf(controller.id), user(MAINTENANCE_USER, password));
      if (group!.controllerIds.includes(controller.id)) expect(works, controller.id).toBe("ok");
      else expect(works, controller.id).toMatch(/BadUserAccessDenied/);
    }
    // The controller's own line shares another password among its other controllers.
    const ownLine = plant.build.sharedPasswords.find((g) => g.userName === MAINTENANCE_USER && !g.controllerIds.includes(cross.controllerId));
    for (const id of ownLine?.controllerIds ?? []) {
      expect(await tryLogin(urlOf(id), user(MAINTENANCE_USER, account(id, MAINTENANCE_USER).initialPassword))).toBe("ok");
    }
  });

  it("lists expired vendor accounts, which still log in (the controllers do not enforce expiry)", async () => {
    const expired = plant.build.weaknesses.filter((w): w is Extract<Weakness, { kind: "expiredVendorAccount" }> => w.kind === "expiredVendorAccount");
    expect(expired.length).toBeGreaterThan(0);
    const first = expired[0]!;
    expect(first.expiredOn < "2026-11-22").toBe(true);
    expect(await tryLogin(urlOf(first.controllerId), user(first.userName, account(first.controllerId, first.userName).initialPassword))).toBe("ok");
  });
});

describe("users and roles, the way OPC UA exposes them", () => {
  const readUsers = (session: ClientSession) => session.read({ nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value });

  it("lets a SecurityAdmin read Part 18 Users and the password policy over SignAndEncrypt", async () => {
    const id = ordinaryController();
    const [users, length, options, restrictions] = await withSession(urlOf(id), technician(id), (session) =>
      session.read([
        { nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value },
        { nodeId: VariableIds.UserManagement_PasswordLength, attributeId: AttributeIds.Value },
        { nodeId: VariableIds.UserManagement_PasswordOptions, attributeId: AttributeIds.Value },
        { nodeId: VariableIds.UserManagement_PasswordRestrictions, attributeId: AttributeIds.Value },
      ]),
    );
    expect(users!.statusCode).toEqual(StatusCodes.Good);
    const listed = (users!.value.value as { userName: string; userConfiguration: number; description: string }[]).map((u) => ({
      userName: u.userName,
      noDelete: (Number(u.userConfiguration) & 1) === 1,
      description: u.description,
    }));
    expect(listed).toEqual(spec(id).accounts.map((a) => ({ userName: a.userName, noDelete: a.noDelete, description: a.description })));
    expect(length!.value.value).toMatchObject({ low: plant.build.passwordPolicy.minLength, high: plant.build.passwordPolicy.maxLength });
    // SupportDisableUser | SupportDisableDeleteForUser | SupportNoChangeForUser | SupportDescriptionForUser | upper | lower | digit
    expect(options!.value.value).toBe(0b0_1111_1110);
    expect(String((restrictions!.value.value as { text: string }).text)).toMatch(/12 to 64 characters/);
  });

  it("refuses Users to an operator and to a SecurityAdmin over a Sign-only channel, but shows the policy", async () => {
    const id = controllerFor({ securityAdmin: true, sign: true });
    const operator = user(OPERATOR_USER, account(id, OPERATOR_USER).initialPassword);
    const [users, length] = await withSession(urlOf(id), operator, (session) =>
      session.read([
        { nodeId: VariableIds.UserManagement_Users, attributeId: AttributeIds.Value },
        { nodeId: VariableIds.UserManagement_PasswordLength, attributeId: AttributeIds.Value },
      ]),
    );
    expect(users!.statusCode).toEqual(StatusCodes.BadUserAccessDenied);
    expect(length!.statusCode).toEqual(StatusCodes.Good);
    const signOnly = await withSession(urlOf(id), technician(id), readUsers, { mode: MessageSecurityMode.Sign });
    expect(signOnly.statusCode).toEqual(StatusCodes.BadSecurityModeInsufficient);
  });

  it("publishes role membership in RoleSet Identities (UserName rules), for a SecurityAdmin only", async () => {
    const id = ordinaryController();
    const identitiesOf = async (session: ClientSession, roleId: number) => {
      const [path] = await session.translateBrowsePath([makeBrowsePath(`ns=0;i=${roleId}`, ".Identities")]);
      const nodeId = path!.targets![0]!.targetId;
      return session.read({ nodeId, attributeId: AttributeIds.Value });
    };
    const admins = await withSession(urlOf(id), technician(id), (session) => identitiesOf(session, ObjectIds.WellKnownRole_SecurityAdmin));
    expect(admins.statusCode).toEqual(StatusCodes.Good);
    const rules = admins.value.value as { criteriaType: number; criteria: string }[];
    const expected = spec(id).accounts.filter((a) => a.roles.includes("SecurityAdmin")).map((a) => a.userName);
    expect(rules.map((rule) => [Number(rule.criteriaType), rule.criteria])).toEqual(expected.map((name) => [1, name]));
    const operators = await withSession(urlOf(id), technician(id), (session) => identitiesOf(session, ObjectIds.WellKnownRole_Operator));
    expect((operators.value.value as { criteria: string }[]).map((rule) => rule.criteria).sort()).toEqual([MAINTENANCE_USER, OPERATOR_USER].sort());

    const operator = user(OPERATOR_USER, account(id, OPERATOR_USER).initialPassword);
    const refused = await withSession(urlOf(id), operator, (session) => identitiesOf(session, ObjectIds.WellKnownRole_SecurityAdmin));
    expect(refused.statusCode).toEqual(StatusCodes.BadUserAccessDenied);
  });
});

describe("Part 18 password changes", () => {
  it("changes the session's own password over SignAndEncrypt: new accepted, old rejected, session goes on", async () => {
    const id = ordinaryController();
    const old = account(id, OPERATOR_USER).initialPassword;
    const next = "Operator-Rotated-2026";
    passwordsSet.push(next);
    const opened = await open(urlOf(id), user(OPERATOR_USER, old));
    try {
      const result = await changePassword(opened.session, old, next);
      expect(result.statusCode).toEqual(StatusCodes.Good);
      // The session that made the change keeps working; only new sessions need the new password.
      const still = await opened.session.read({ nodeId: VariableIds.Server_ServerStatus_State, attributeId: AttributeIds.Value });
      expect(still.statusCode).toEqual(StatusCodes.Good);
    } finally {
      await opened.close();
    }
    expect(await tryLogin(urlOf(id), user(OPERATOR_USER, next))).toBe("ok");
    expect(await tryLogin(urlOf(id), user(OPERATOR_USER, old))).toMatch(/BadUserAccessDenied/);
    expect(plant.controller(id).users().find((u) => u.userName === OPERATOR_USER)?.passwordChangedAt).toBeDefined();
  });

  it("answers a wrong old password with BadIdentityTokenInvalid and a weak new one with BadOutOfRange", async () => {
    const id = ordinaryController();
    const password = account(id, TECHNICIAN_USER).initialPassword;
    const [wrongOld, tooShort, noDigit, same] = await withSession(urlOf(id), technician(id), async (session) => [
      (await changePassword(session, "not-my-password", "Fresh-Password-123")).statusCode,
      (await changePassword(session, password, "Sh0rt")).statusCode,
      (await changePassword(session, password, "No-Digits-In-Here")).statusCode,
      (await changePassword(session, password, password)).statusCode,
    ]);
    expect(wrongOld).toEqual(StatusCodes.BadIdentityTokenInvalid);
    expect(tooShort).toEqual(StatusCodes.BadOutOfRange);
    expect(noDigit).toEqual(StatusCodes.BadOutOfRange);
    expect(same).toEqual(StatusCodes.BadAlreadyExists);
    expect(await plant.controller(id).verifyPassword(TECHNICIAN_USER, password)).toBe(true);
  });

  it("refuses changes over a Sign-only or a None channel with BadSecurityModeInsufficient", async () => {
    const id = weakness("securityPolicyNone").controllerId;
    const password = account(id, TECHNICIAN_USER).initialPassword;
    for (const channel of [{ mode: MessageSecurityMode.Sign }, { mode: MessageSecurityMode.None }]) {
      const status = await withSession(urlOf(id), technician(id), async (session) => (await changePassword(session, password, "Fresh-Password-123")).statusCode, channel);
      expect(status, MessageSecurityMode[channel.mode]).toEqual(StatusCodes.BadSecurityModeInsufficient);
      const modify = await withSession(urlOf(id), technician(id), async (session) => (await modifyPassword(session, OPERATOR_USER, "Fresh-Password-123")).statusCode, channel);
      expect(modify).toEqual(StatusCodes.BadSecurityModeInsufficient);
    }
    expect(await plant.controller(id).verifyPassword(TECHNICIAN_USER, password)).toBe(true);
  });

  it("lets only a SecurityAdmin use ModifyUser, and checks the policy there too", async () => {
    const id = ordinaryController();
    const maint = user(MAINTENANCE_USER, account(id, MAINTENANCE_USER).initialPassword);
    const denied = await withSession(urlOf(id), maint, async (session) => (await modifyPassword(session, MAINTENANCE_USER, "Maint-Rotated-2026")).statusCode);
    expect(denied).toEqual(StatusCodes.BadUserAccessDenied);

    const next = "Maint-Rotated-2026";
    passwordsSet.push(next);
    const [weak, unknown, good] = await withSession(urlOf(id), technician(id), async (session) => [
      (await modifyPassword(session, MAINTENANCE_USER, "weak")).statusCode,
      (await modifyPassword(session, "nobody", next)).statusCode,
      (await modifyPassword(session, MAINTENANCE_USER, next)).statusCode,
    ]);
    expect(weak).toEqual(StatusCodes.BadOutOfRange);
    expect(unknown).toEqual(StatusCodes.BadNotFound);
    expect(good).toEqual(StatusCodes.Good);
    expect(await tryLogin(urlOf(id), user(MAINTENANCE_USER, next))).toBe("ok");
    expect(await tryLogin(urlOf(id), maint)).toMatch(/BadUserAccessDenied/);
  });
});

describe("Part 18 account management", () => {
  const addUser = (session: ClientSession, userName: string, password: string, configuration = 0) =>
    session.call({
      objectId: ObjectIds.UserManagement,
      methodId: MethodIds.UserManagement_AddUser,
      inputArguments: [
        { dataType: DataType.String, value: userName },
        { dataType: DataType.String, value: password },
        { dataType: DataType.UInt32, value: configuration },
        { dataType: DataType.String, value: "Contractor, work order 4711" },
      ],
    });
  const removeUser = (session: ClientSession, userName: string) =>
    session.call({ objectId: ObjectIds.UserManagement, methodId: MethodIds.UserManagement_RemoveUser, inputArguments: [{ dataType: DataType.String, value: userName }] });
  const disableUser = (session: ClientSession, userName: string) =>
    session.call({
      objectId: ObjectIds.UserManagement,
      methodId: MethodIds.UserManagement_ModifyUser,
      inputArguments: [
        { dataType: DataType.String, value: userName },
        { dataType: DataType.Boolean, value: false },
        { dataType: DataType.String, value: "" },
        { dataType: DataType.Boolean, value: true },
        { dataType: DataType.UInt32, value: 2 },
        { dataType: DataType.Boolean, value: false },
        { dataType: DataType.String, value: "" },
      ],
    });

  it("adds, disables and removes accounts for a SecurityAdmin only, with the spec's refusals", async () => {
    const id = ordinaryController();
    const password = "Contractor-Pass-2026";
    passwordsSet.push(password);
    // The vendor account is a ConfigureAdmin, not a SecurityAdmin.
    const vendor = spec(id).accounts.find((a) => a.flags.vendor)!;
    const byVendor = await withSession(urlOf(id), user(vendor.userName, vendor.initialPassword), async (session) => (await addUser(session, "intruder", password)).statusCode);
    expect(byVendor).toEqual(StatusCodes.BadUserAccessDenied);

    const added = await withSession(urlOf(id), technician(id), async (session) => ({
      add: (await addUser(session, "contractor1", password)).statusCode,
      again: (await addUser(session, "contractor1", password)).statusCode,
      weak: (await addUser(session, "contractor2", "short")).statusCode,
      unsupported: (await addUser(session, "contractor3", password, 8)).statusCode,
    }));
    expect(added).toEqual({
      add: StatusCodes.Good,
      again: StatusCodes.BadAlreadyExists,
      weak: StatusCodes.BadOutOfRange,
      unsupported: StatusCodes.BadNotSupported,
    });
    expect(plant.controller(id).users().find((u) => u.userName === "contractor1")).toMatchObject({ roles: [], description: "Contractor, work order 4711" });

    // Disabling a user closes its sessions (Part 18 5.2.6) and blocks new logins. node-opcua's client
    // does not fail the next request: it tries to repair the session, which the server refuses.
    const contractor = await open(urlOf(id), user("contractor1", password));
    try {
      const before = await contractor.session.read({ nodeId: VariableIds.Server_ServerStatus_State, attributeId: AttributeIds.Value });
      expect(before.statusCode).toEqual(StatusCodes.Good);
      const disabled = await withSession(urlOf(id), technician(id), async (session) => (await disableUser(session, "contractor1")).statusCode);
      expect(disabled).toEqual(StatusCodes.Good);
      const afterDisable = await Promise.race([
        contractor.session
          .read({ nodeId: VariableIds.Server_ServerStatus_State, attributeId: AttributeIds.Value })
          .then((value) => value.statusCode.toString(), (error: unknown) => (error instanceof Error ? error.message : String(error))),
        new Promise<string>((resolve) => setTimeout(resolve, 1_000, "no answer: the client is repairing its session")),
      ]);
      expect(afterDisable).not.toMatch(/^Good/);
    } finally {
      await contractor.client.disconnect();
    }
    expect(await tryLogin(urlOf(id), user("contractor1", password))).toMatch(/BadUserAccessDenied/);

    const removed = await withSession(urlOf(id), technician(id), async (session) => ({
      contractor: (await removeUser(session, "contractor1")).statusCode,
      unknown: (await removeUser(session, "contractor1")).statusCode,
      noDelete: (await removeUser(session, "breakglass")).statusCode,
      self: (await removeUser(session, TECHNICIAN_USER)).statusCode,
    }));
    expect(removed).toEqual({
      contractor: StatusCodes.Good,
      unknown: StatusCodes.BadNotFound,
      noDelete: StatusCodes.BadNotSupported,
      self: StatusCodes.BadInvalidSelfReference,
    });
    expect(plant.controller(id).users().some((u) => u.userName === "contractor1")).toBe(false);
  });
});

describe("fault injection", () => {
  // The faults run on a Part 18 controller the tests above leave alone, with its technician account
  // (ChangePassword of one's own account: no SecurityAdmin needed).
  let id: string;
  let current: string;
  let counter = 0;
  const fresh = (): string => {
    const password = `Fault-Rotation-${++counter}x`;
    passwordsSet.push(password);
    return password;
  };
  const login = (password: string) => tryLogin(urlOf(id), user(TECHNICIAN_USER, password));

  beforeAll(() => {
    id = controllerFor({ exclude: [ordinaryController(), controllerFor({ securityAdmin: true, sign: true }), weakness("securityPolicyNone").controllerId] });
    current = account(id, TECHNICIAN_USER).initialPassword;
  });

  it("denyChange: BadUserAccessDenied and nothing changes", async () => {
    plant.controller(id).setFault({ kind: "denyChange" });
    const next = fresh();
    const status = await withSession(urlOf(id), user(TECHNICIAN_USER, current), async (session) => (await changePassword(session, current, next)).statusCode);
    plant.controller(id).setFault(null);
    expect(status).toEqual(StatusCodes.BadUserAccessDenied);
    expect(await login(current)).toBe("ok");
    expect(await login(next)).toMatch(/BadUserAccessDenied/);
  });

  it("once: the fault fires on the first change only", async () => {
    plant.controller(id).setFault({ kind: "denyChange", once: true });
    const next = fresh();
    const [first, second] = await withSession(urlOf(id), user(TECHNICIAN_USER, current), async (session) => [
      (await changePassword(session, current, next)).statusCode,
      (await changePassword(session, current, next)).statusCode,
    ]);
    expect(first).toEqual(StatusCodes.BadUserAccessDenied);
    expect(second).toEqual(StatusCodes.Good);
    expect(plant.controller(id).fault).toBeNull();
    current = next;
  });

  it("keepOldPassword: reports Good, the new password works and the old one still does", async () => {
    plant.controller(id).setFault({ kind: "keepOldPassword" });
    const old = current;
    const next = fresh();
    const status = await withSession(urlOf(id), user(TECHNICIAN_USER, old), async (session) => (await changePassword(session, old, next)).statusCode);
    plant.controller(id).setFault(null);
    expect(status).toEqual(StatusCodes.Good);
    expect(await login(next)).toBe("ok");
    expect(await login(old)).toBe("ok");
    // A clean change afterwards drops every stale password.
    const cleaned = fresh();
    const again = await withSession(urlOf(id), user(TECHNICIAN_USER, next), async (session) => (await changePassword(session, next, cleaned)).statusCode);
    expect(again).toEqual(StatusCodes.Good);
    expect(await login(old)).toMatch(/BadUserAccessDenied/);
    expect(await login(next)).toMatch(/BadUserAccessDenied/);
    current = cleaned;
  });

  it("hangOnChange: the call outlasts the client's patience, then the change lands", async () => {
    plant.controller(id).setFault({ kind: "hangOnChange", ms: 1_500 });
    const next = fresh();
    const opened = await open(urlOf(id), user(TECHNICIAN_USER, current));
    try {
      const started = Date.now();
      const call = changePassword(opened.session, current, next);
      const raced = await Promise.race([call.then(() => "answered"), new Promise((resolve) => setTimeout(resolve, 400, "timed out"))]);
      expect(raced).toBe("timed out");
      expect(await plant.controller(id).verifyPassword(TECHNICIAN_USER, next)).toBe(false);
      const result = await call;
      expect(result.statusCode).toEqual(StatusCodes.Good);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
    } finally {
      plant.controller(id).setFault(null);
      await opened.close();
    }
    expect(await login(next)).toBe("ok");
    current = next;
  });

  it("hangOnChange with apply: false: the late answer is BadTimeout and nothing changed", async () => {
    plant.controller(id).setFault({ kind: "hangOnChange", ms: 300, apply: false });
    const next = fresh();
    const status = await withSession(urlOf(id), user(TECHNICIAN_USER, current), async (session) => (await changePassword(session, current, next)).statusCode);
    plant.controller(id).setFault(null);
    expect(status).toEqual(StatusCodes.BadTimeout);
    expect(await login(current)).toBe("ok");
  });

  for (const applyBefore of [true, false]) {
    it(`dropOnChange (applyBefore: ${applyBefore}): the connection dies mid-call and the change is ${applyBefore ? "saved" : "lost"}`, async () => {
      plant.controller(id).setFault({ kind: "dropOnChange", applyBefore });
      const next = fresh();
      const opened = await open(urlOf(id), user(TECHNICIAN_USER, current));
      let outcome: string;
      try {
        outcome = await changePassword(opened.session, current, next).then(
          (result) => `answered ${result.statusCode.toString()}`,
          (error: unknown) => `failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      } finally {
        plant.controller(id).setFault(null);
        await opened.close().catch(() => undefined);
      }
      // node-opcua's client reports "socket has been disconnected by third party".
      expect(outcome).toMatch(/^failed: .*disconnected/);
      const [withNew, withOld] = [await login(next), await login(current)];
      if (applyBefore) {
        expect(withNew).toBe("ok");
        expect(withOld).toMatch(/BadUserAccessDenied/);
        current = next;
      } else {
        expect(withNew).toMatch(/BadUserAccessDenied/);
        expect(withOld).toBe("ok");
      }
    });
  }

  it("stop() makes the controller unreachable and start() brings it back on the same port", async () => {
    const controller = plant.controller(id);
    const port = controller.port;
    await controller.stop();
    expect(controller.running).toBe(false);
    expect(await login(current)).not.toBe("ok");
    await controller.start();
    expect(controller.port).toBe(port);
    expect(await login(current)).toBe("ok");
  });
});

describe("the state folder", () => {
  it("holds no password in clear, only scrypt hashes", async () => {
    const stateDir = join(dir.path, "state");
    const files = await listFiles(stateDir);
    expect(files.some((file) => file.endsWith("state.json"))).toBe(true);
    const contents = await Promise.all(files.map((file) => readFile(file)));
    // Factory defaults ("admin", "1234") are too short to search for meaningfully; every other
    // initial password and every password set in this file is.
    const secrets = [
      ...plant.build.controllers.flatMap((controller) => controller.accounts.filter((a) => !a.flags.default).map((a) => a.initialPassword)),
      ...passwordsSet,
    ];
    expect(secrets.length).toBeGreaterThan(25);
    for (const secret of secrets) {
      for (const [i, content] of contents.entries()) {
        expect(content.includes(secret), `${secret} in ${files[i]}`).toBe(false);
      }
    }
    const state = JSON.parse(await readFile(files.find((file) => file.endsWith("state.json"))!, "utf8")) as { users: { password: { algorithm: string } }[] };
    expect(state.users.every((u) => u.password.algorithm === "scrypt")).toBe(true);
  });
});

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? listFiles(join(folder, entry.name)) : Promise.resolve([join(folder, entry.name)]))),
  );
  return nested.flat();
}

import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { OPCUACertificateManager, OPCUAClient, MessageSecurityMode, SecurityPolicy, UserTokenType, type ClientSession } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ControllerPosture } from "../../shared/domain/posture";
import { createOpcUaConnector, type Login, type OpcUaConnector } from "../../main/connectors/opcua";
import { TECHNICIAN_USER, startDemoPlant, type DemoPlant, type ProfileKind, type SimControllerSpec, type Weakness } from "../../main/simulator";
import { sha256 } from "./connectorFixtures";
import { tempDir } from "../support/tempDir";

// The connector against the demo plant: five real node-opcua controllers on 127.0.0.1.
const NOW = new Date("2026-11-22T08:00:00Z");

let dir: ReturnType<typeof tempDir>;
let plant: DemoPlant;
let connector: OpcUaConnector;
const pins = new Map<string, string>();

beforeAll(async () => {
  dir = tempDir("fieldproof-connector-");
  plant = await startDemoPlant({ controllers: 5, seed: "connector", stateDir: join(dir.path, "plant"), now: NOW });
  connector = createOpcUaConnector({ pkiDir: join(dir.path, "pki"), timeoutMs: 5_000 });
  // The plant's strict controller refuses a client it does not know: this laptop is known to all.
  await plant.trustClient((await connector.clientCertificate()).der);
  for (const controller of plant.controllers) pins.set(controller.id, sha256(await controller.certificate()));
});

afterAll(async () => {
  await connector?.close();
  await plant?.stop();
  dir?.cleanup();
});

const spec = (id: string): SimControllerSpec => plant.build.controllers.find((c) => c.id === id)!;
const urlOf = (id: string): string => plant.controller(id).endpointUrl;
const pin = (id: string) => ({ expectedThumbprint: pins.get(id)! });
const weak = <K extends Weakness["kind"]>(kind: K): string => plant.build.weaknesses.find((w) => w.kind === kind)!.controllerId;
const login = (id: string, userName: string, password?: string): Login => ({
  userName,
  password: password ?? spec(id).accounts.find((a) => a.userName === userName)!.initialPassword,
});
const technician = (id: string): Login => login(id, TECHNICIAN_USER);
const hasProfile = (id: string, kind: ProfileKind): boolean => plant.build.profiles.some((p) => p.controllerId === id && p.kind === kind);
/** A controller with Part 18, no profile and no deliberate weakness (but a shared password), not in `exclude`. */
function ordinary(exclude: readonly string[] = []): string {
  const profiled = new Set(plant.build.profiles.map((p) => p.controllerId));
  const weakIds = new Set(plant.build.weaknesses.filter((w) => w.kind !== "expiredVendorAccount" && w.kind !== "crossLineSharedPassword").map((w) => w.controllerId));
  const plain = plant.build.controllers.filter((c) => !profiled.has(c.id) && !exclude.includes(c.id));
  return (plain.find((c) => !weakIds.has(c.id)) ?? plain.find((c) => c.security.part18 && !c.security.allowAnonymous))!.id;
}

describe("discover", () => {
  it("reports endpoints, anonymous access, None and the certificate of every controller without a session", async () => {
    for (const controller of plant.controllers) {
      const discovery = await connector.discover(controller.endpointUrl);
      const none = discovery.endpoints.filter((e) => e.securityPolicy === "None");
      expect(none.length > 0, controller.id).toBe(controller.id === weak("securityPolicyNone"));
      expect(discovery.anonymousAllowed, controller.id).toBe(controller.id === weak("anonymousAccess"));
      expect(discovery.secureEndpoint).toMatchObject({ securityMode: "SignAndEncrypt", securityPolicy: "Aes256_Sha256_RsaPss" });
      expect(discovery.secureEndpoint!.userTokens.map((t) => t.type)).toContain("UserName");
      expect(discovery.certificate!.thumbprintSha256).toBe(pins.get(controller.id));
      expect(discovery.applicationUri).toBe(spec(controller.id).applicationUri);
      expect(discovery.applicationName).toBe(spec(controller.id).name);
      const daysLeft = (Date.parse(discovery.certificate!.notAfter) - Date.now()) / 86_400_000;
      if (controller.id === weak("shortLivedCertificate")) expect(daysLeft).toBeLessThan(6);
      else expect(daysLeft, controller.id).toBeGreaterThan(365);
    }
  });
});

describe("readPosture", () => {
  it("reads every account with its roles and description, the policy, Part 18 / Part 12 and the clock", async () => {
    for (const controller of plant.controllers) {
      const id = controller.id;
      const posture = await connector.readPosture(urlOf(id), technician(id), pin(id));
      expect(ControllerPosture.safeParse(posture).success).toBe(true);
      expect(posture.reachable).toBe(true);
      expect(Math.abs(Date.parse(posture.serverTime!) - Date.now())).toBeLessThan(10_000);
      expect(posture.productName).toBe(spec(id).model);
      expect(posture.certificate!.thumbprintSha256).toBe(pins.get(id));
      if (hasProfile(id, "limitedTechnicianRole")) {
        // The technician's login is an Engineer here: Part 12 is there but not for it, nor the user list.
        expect(posture.pushManagement.available, id).toBe(false);
        expect(posture.accounts).toBeNull();
        expect(posture.userManagement).toMatchObject({ available: true, modifyUsers: false });
        expect(posture.gaps.map((g) => `${g.stage} ${g.code}`)).toEqual(["capabilities BadUserAccessDenied", "capabilities BadUserAccessDenied", "accounts BadUserAccessDenied", "roles BadUserAccessDenied"]);
        continue;
      }
      expect(posture.pushManagement.available, id).toBe(true);
      if (hasProfile(id, "noUserList")) {
        // Neither Part 18 Users nor a RoleSet: nothing can list the accounts.
        expect(posture.userManagement).toEqual({ available: false, passwordPolicy: null, modifyUsers: false });
        expect(posture.accounts).toBeNull();
        continue;
      }
      if (!spec(id).security.part18) {
        expect(posture.userManagement).toEqual({ available: false, passwordPolicy: null, modifyUsers: false });
        // No Part 18 Users: the RoleSet's UserName mappings still name every account, with its roles.
        expect(posture.accounts!.map((a) => ({ userName: a.userName, roles: [...a.roles].sort(), description: a.description }))).toEqual(
          [...spec(id).accounts].sort((a, b) => a.userName.localeCompare(b.userName)).map((a) => ({ userName: a.userName, roles: [...a.roles].sort(), description: "" })),
        );
        expect(posture.gaps).toEqual([
          expect.objectContaining({ stage: "accounts", code: "BadNodeIdUnknown" }),
          expect.objectContaining({ stage: "accounts", code: "FROM_ROLESET" }),
        ]);
        continue;
      }
      expect(posture.gaps).toEqual([]);
      expect(posture.userManagement.available).toBe(true);
      expect(posture.userManagement.passwordPolicy).toEqual({
        minLength: plant.build.passwordPolicy.minLength,
        maxLength: plant.build.passwordPolicy.maxLength,
        options: 0b1111_1110,
        restrictions: expect.stringMatching(/^12 to 64 characters/),
      });
      const expected = spec(id).accounts.map((a) => ({ userName: a.userName, description: a.description, userConfiguration: a.noDelete ? 1 : 0, roles: [...a.roles].sort() }));
      expect(posture.accounts!.map((a) => ({ ...a, roles: [...a.roles].sort() }))).toEqual(expected);
    }
  });

  it("serves concurrent calls from a fresh connector: one certificate, created once, no interference", async () => {
    const pkiDir = join(dir.path, "fresh-pki");
    const fresh = createOpcUaConnector({ pkiDir, timeoutMs: 5_000 });
    try {
      const round = () => Promise.all(plant.controllers.map((c) => fresh.readPosture(c.endpointUrl, technician(c.id), pin(c.id))));
      for (const postures of [await round(), await round()]) {
        // The ones that cannot list accounts (or not for this login) list none, and the strict one does
        // not know this fresh connector's certificate yet.
        expect(postures.map((p) => p.accounts?.length ?? null)).toEqual(plant.controllers.map((c) => (hasProfile(c.id, "noUserList") || hasProfile(c.id, "limitedTechnicianRole") || hasProfile(c.id, "strictClientTrust") ? null : 6)));
      }
      expect((await readdir(join(pkiDir, "own", "certs"))).filter((name) => name.endsWith(".pem"))).toEqual(["client_certificate.pem"]);
    } finally {
      await fresh.close();
    }
  });

  it("lists the controller's other sessions but not its own", async () => {
    const id = ordinary();
    const other = await openRawSession(id, "maintenance-laptop");
    try {
      const posture = await connector.readPosture(urlOf(id), technician(id), pin(id));
      expect(posture.sessions!.map((s) => s.clientName)).toEqual(["maintenance-laptop"]);
    } finally {
      await other.close();
    }
  });

  it("without a login, or with one the controller refuses, returns what discovery gives and says why", async () => {
    const id = ordinary();
    const anonymous = await connector.readPosture(urlOf(id), null);
    expect(anonymous).toMatchObject({ reachable: true, accounts: null, sessions: null, serverTime: null });
    expect(anonymous.certificate!.thumbprintSha256).toBe(pins.get(id));
    expect(anonymous.gaps).toEqual([expect.objectContaining({ stage: "session", code: "NO_LOGIN" })]);
    const refused = await connector.readPosture(urlOf(id), login(id, TECHNICIAN_USER, "Not-The-Password-1"), pin(id));
    expect(refused.accounts).toBeNull();
    expect(refused.gaps).toEqual([expect.objectContaining({ stage: "session", code: "ACCESS_DENIED", message: expect.stringContaining("BadUserAccessDenied") })]);
    expect(JSON.stringify(refused)).not.toContain("Not-The-Password-1");
  });

  it("as an operator: the account list is refused and says so, the policy is still read", async () => {
    const id = ordinary();
    const posture = await connector.readPosture(urlOf(id), login(id, "operator"), pin(id));
    expect(posture.accounts).toBeNull();
    // Part 12 needs SecurityAdmin: implemented (Executable) but not for this login (UserExecutable).
    expect(posture.pushManagement.available).toBe(false);
    expect(posture.userManagement).toMatchObject({ available: true, modifyUsers: false });
    expect(posture.gaps).toEqual([
      {
        stage: "capabilities",
        code: "BadUserAccessDenied",
        message: "The controller implements Part 12 certificate push, but operator may not call CreateSigningRequest, UpdateCertificate, ApplyChanges (UserExecutable is false): store a login with the SecurityAdmin role for this controller to use it.",
      },
      expect.objectContaining({ stage: "capabilities", code: "BadUserAccessDenied", message: expect.stringContaining("Part 18 user management, but operator may not call ModifyUser") }),
      expect.objectContaining({ stage: "accounts", code: "BadUserAccessDenied" }),
      expect.objectContaining({ stage: "roles", code: "BadUserAccessDenied" }),
    ]);
    const admin = await connector.readPosture(urlOf(id), technician(id), pin(id));
    expect(admin.pushManagement.available).toBe(true);
    expect(posture.userManagement.passwordPolicy?.minLength).toBe(12);
  });
});

describe("tryLogin", () => {
  it("accepts the right password and reports the refusal of a wrong one", async () => {
    const id = ordinary();
    expect(await connector.tryLogin(urlOf(id), technician(id), pin(id))).toEqual({ accepted: true, statusCode: "Good" });
    expect(await connector.tryLogin(urlOf(id), login(id, TECHNICIAN_USER, "Wrong-Password-9"), pin(id))).toEqual({ accepted: false, statusCode: "BadUserAccessDenied" });
  });
});

describe("Part 18 password changes", () => {
  it("changes the login's own password: Good, then the new one is accepted and the old one refused", async () => {
    const id = ordinary();
    const old = login(id, "maint");
    const outcome = await connector.changePassword(urlOf(id), old, "Maint-Rotated-2026", pin(id));
    expect(outcome).toEqual({ statusCode: "Good", good: true });
    expect(await connector.tryLogin(urlOf(id), { userName: "maint", password: "Maint-Rotated-2026" }, pin(id))).toEqual({ accepted: true, statusCode: "Good" });
    expect(await connector.tryLogin(urlOf(id), old, pin(id))).toEqual({ accepted: false, statusCode: "BadUserAccessDenied" });
  });

  it("sets another account's password as a SecurityAdmin; a non-admin is refused with BadUserAccessDenied", async () => {
    const id = ordinary();
    const vendor = spec(id).accounts.find((a) => a.flags.vendor)!.userName;
    expect(await connector.setUserPassword(urlOf(id), technician(id), vendor, "Vendor-Rotated-2026", pin(id))).toEqual({ statusCode: "Good", good: true });
    expect(await plant.controller(id).verifyPassword(vendor, "Vendor-Rotated-2026")).toBe(true);
    const operator = login(id, "operator");
    expect(await connector.setUserPassword(urlOf(id), operator, vendor, "Operator-Tried-2026", pin(id))).toEqual({ statusCode: "BadUserAccessDenied", good: false });
    expect(await connector.setUserPassword(urlOf(id), technician(id), "nobody", "Nobody-Pass-2026", pin(id))).toEqual({ statusCode: "BadNotFound", good: false });
  });

  it("passes the controller's refusals through as outcomes: policy, same password", async () => {
    const id = ordinary();
    const operator = login(id, "operator");
    expect(await connector.changePassword(urlOf(id), operator, "short", pin(id))).toEqual({ statusCode: "BadOutOfRange", good: false });
    expect(await connector.changePassword(urlOf(id), login(id, "breakglass"), login(id, "breakglass").password, pin(id))).toEqual({ statusCode: "BadAlreadyExists", good: false });
  });

  it("on a controller without Part 18 answers BadNodeIdUnknown, for a manual rotation", async () => {
    const id = weak("noPart18");
    const outcome = await connector.changePassword(urlOf(id), technician(id), "Manual-Only-2026", pin(id));
    expect(["BadNodeIdUnknown", "BadMethodInvalid"]).toContain(outcome.statusCode);
    expect(outcome.good).toBe(false);
    expect(await connector.tryLogin(urlOf(id), technician(id), pin(id))).toMatchObject({ accepted: true });
  });

  it("a wrong login is ACCESS_DENIED before any change is attempted", async () => {
    const id = ordinary();
    await expect(connector.changePassword(urlOf(id), login(id, "operator", "Wrong-Old-1"), "Whatever-Pass-2026", pin(id))).rejects.toMatchObject({
      code: "ACCESS_DENIED",
      stage: "session",
      outcomeUnknown: false,
      message: expect.stringMatching(/refused the login for operator \(BadUserAccessDenied\)/),
    });
  });
});

describe("faults during a change", () => {
  it("dropOnChange: the cut is UNREACHABLE with the outcome unknown; a login then tells the truth", async () => {
    const id = ordinary();
    const controller = plant.controller(id);
    controller.setFault({ kind: "dropOnChange", applyBefore: true, once: true });
    const account = login(id, "breakglass");
    const started = Date.now();
    const error = await connector.changePassword(urlOf(id), account, "Breakglass-Cut-2026x", pin(id)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(error).toMatchObject({ code: "UNREACHABLE", stage: "call", outcomeUnknown: true, message: expect.stringMatching(/cut while calling ChangePassword.*may or may not have been applied/) });
    expect(String((error as Error).message)).not.toContain("Breakglass-Cut-2026x");
    expect(await connector.tryLogin(urlOf(id), { userName: "breakglass", password: "Breakglass-Cut-2026x" }, pin(id))).toMatchObject({ accepted: true });
    expect(await connector.tryLogin(urlOf(id), account, pin(id))).toMatchObject({ accepted: false });
  });

  it("hangOnChange: TIMEOUT within the timeout, outcome unknown, nothing left hanging", async () => {
    // Not the controller of the drop test: a cut connection leaves its session on the controller until it times out.
    const id = plant.build.controllers.find((c) => c.security.part18 && c.id !== ordinary())!.id;
    plant.controller(id).setFault({ kind: "hangOnChange", ms: 3_000, apply: false, once: true });
    const started = Date.now();
    const error = await connector.changePassword(urlOf(id), login(id, "operator"), "Operator-Hang-2026", { ...pin(id), timeoutMs: 700 }).catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: "TIMEOUT", stage: "call", outcomeUnknown: true });
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(3_000);
    // The timed-out call closed its session: the controller lists none but the reader's own.
    expect((await connector.readPosture(urlOf(id), technician(id), pin(id))).sessions).toEqual([]);
  });

  it("an AbortSignal mid-call ends it with CANCELLED at once", async () => {
    const id = ordinary();
    plant.controller(id).setFault({ kind: "hangOnChange", ms: 4_000, apply: false, once: true });
    const abort = new AbortController();
    const call = connector.changePassword(urlOf(id), login(id, "operator"), "Operator-Abort-2026", { ...pin(id), signal: abort.signal });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const started = Date.now();
    abort.abort();
    await expect(call).rejects.toMatchObject({ code: "CANCELLED" });
    expect(Date.now() - started).toBeLessThan(2_500);
    await expect(connector.discover(urlOf(id), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: "CANCELLED" });
  });
});

/** Another client's session on a controller (a maintenance laptop), opened with plain node-opcua. */
async function openRawSession(id: string, clientName: string): Promise<{ session: ClientSession; close(): Promise<void> }> {
  const manager = new OPCUACertificateManager({ rootFolder: join(dir.path, "other-pki"), automaticallyAcceptUnknownCertificate: true });
  const client = OPCUAClient.create({
    applicationName: clientName,
    clientCertificateManager: manager,
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0 },
  });
  await client.connect(urlOf(id));
  const session = await client.createSession({ type: UserTokenType.UserName, userName: TECHNICIAN_USER, password: technician(id).password });
  return {
    session,
    close: async () => {
      await session.close();
      await client.disconnect();
    },
  };
}

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpcUaConnector, type OpcUaConnector } from "../../main/connectors/opcua";
import {
  MessageSecurityMode,
  SecurityPolicy,
  StatusCodes,
  answerSessionsWith,
  foreignCertificate,
  listCertificate,
  sha256,
  startTestServer,
  type TestServer,
} from "./connectorFixtures";
import { tempDir } from "../support/tempDir";

// The rules about when a password may leave the process, against purpose-built node-opcua servers
// that record every login attempt (isValidUser) they see.
const USER = { userName: "tech", password: "Tech-Password-2026" };

let dir: ReturnType<typeof tempDir>;
let connector: OpcUaConnector;
let secure: TestServer;
let plain: TestServer;
let locked: TestServer;
let pin: string;
let impostor: Buffer;

beforeAll(async () => {
  dir = tempDir("fieldproof-connector-security-");
  connector = createOpcUaConnector({ pkiDir: join(dir.path, "pki"), timeoutMs: 3_000 });
  [secure, plain, locked, impostor] = await Promise.all([
    startTestServer({
      pkiDir: join(dir.path, "secure-pki"),
      securityPolicies: [SecurityPolicy.Basic256Sha256],
      securityModes: [MessageSecurityMode.SignAndEncrypt],
      users: { [USER.userName]: USER.password },
      changePasswordStatus: StatusCodes.BadIdentityTokenInvalid,
    }),
    startTestServer({ pkiDir: join(dir.path, "plain-pki"), securityPolicies: [SecurityPolicy.None], securityModes: [MessageSecurityMode.None], users: { [USER.userName]: USER.password } }),
    startTestServer({
      pkiDir: join(dir.path, "locked-pki"),
      securityPolicies: [SecurityPolicy.Aes128_Sha256_RsaOaep],
      securityModes: [MessageSecurityMode.SignAndEncrypt],
      users: { [USER.userName]: USER.password },
      trustClients: false,
    }),
    foreignCertificate(join(dir.path, "impostor-pki")),
  ]);
  pin = sha256(await secure.certificate());
});

afterAll(async () => {
  await connector?.close();
  await Promise.all([secure?.stop(), plain?.stop(), locked?.stop()]);
  dir?.cleanup();
});

beforeEach(() => {
  secure.loginAttempts.length = 0;
  plain.loginAttempts.length = 0;
});

describe("a controller without an encrypted endpoint", () => {
  it("gets no password: PRECONDITION_FAILED before anything is sent", async () => {
    const discovery = await connector.discover(plain.url);
    expect(discovery.secureEndpoint).toBeNull();
    const refusal = { code: "PRECONDITION_FAILED", message: expect.stringMatching(/offers no encrypted endpoint \(SignAndEncrypt with Basic256Sha256 or newer\); Fieldproof will not send a password to it\. It offers: None\/None/) };
    await expect(connector.tryLogin(plain.url, USER, { expectedThumbprint: pin })).rejects.toMatchObject(refusal);
    await expect(connector.changePassword(plain.url, USER, "Next-Password-2026", { expectedThumbprint: pin })).rejects.toMatchObject(refusal);
    const posture = await connector.readPosture(plain.url, USER);
    expect(posture.gaps).toEqual([expect.objectContaining({ stage: "session", code: "PRECONDITION_FAILED" })]);
    expect(plain.loginAttempts).toEqual([]);
    expect(plain.sessionsCreated()).toBe(0);
  });
});

describe("certificate pinning", () => {
  it("logs in when the certificate is the trusted one", async () => {
    expect(await connector.tryLogin(secure.url, USER, { expectedThumbprint: pin.toUpperCase().replace(/(..)/g, "$1:").slice(0, -1) })).toEqual({ accepted: true, statusCode: "Good" });
    expect(secure.loginAttempts).toEqual([USER.userName]);
  });

  it("refuses another certificate with INTEGRITY_ERROR; the password never reaches the server", async () => {
    const other = sha256(impostor);
    const error = await connector.changePassword(secure.url, USER, "Next-Password-2026", { expectedThumbprint: other }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "INTEGRITY_ERROR",
      message: `The certificate of ${secure.url} changed since it was trusted (was ${other.slice(0, 16)}…, now ${pin.slice(0, 16)}…): possible impersonation. Nothing was sent. If the controller's certificate was renewed on purpose, compare the new thumbprint with the one shown on the controller and trust it again.`,
    });
    const posture = await connector.readPosture(secure.url, USER, { expectedThumbprint: other });
    expect(posture.certificate!.thumbprintSha256).toBe(pin);
    expect(posture.gaps).toEqual([expect.objectContaining({ code: "INTEGRITY_ERROR" })]);
    expect(secure.loginAttempts).toEqual([]);
  });

  it("binds the channel to the pinned certificate: listing a certificate the server cannot use fails before any login", async () => {
    // GetEndpoints shows the trusted certificate, but the server holds another key (an impostor
    // replaying a listing): the channel cannot be opened, so nothing is sent.
    const restore = listCertificate(secure.server, impostor);
    try {
      const error = await connector.tryLogin(secure.url, USER, { expectedThumbprint: sha256(impostor) }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROTOCOL_ERROR", stage: "connect", message: expect.stringMatching(/refused the encrypted channel.*Nothing was sent/) });
    } finally {
      restore();
    }
    expect(secure.loginAttempts).toEqual([]);
  });

  it("checks the certificate CreateSession answers with, which node-opcua would encrypt the password to", async () => {
    const sessionsBefore = secure.sessionsCreated();
    const restore = answerSessionsWith(secure.server, impostor);
    try {
      await expect(connector.tryLogin(secure.url, USER, { expectedThumbprint: pin })).rejects.toMatchObject({
        code: "INTEGRITY_ERROR",
        stage: "session",
        message: expect.stringMatching(/the session answered with another certificate than the secure channel.*Nothing was sent/),
      });
    } finally {
      restore();
    }
    expect(secure.sessionsCreated()).toBe(sessionsBefore + 1);
    expect(secure.loginAttempts).toEqual([]);
  });

  it("first use: readPosture without a pin logs in over the current certificate and reports it", async () => {
    const posture = await connector.readPosture(secure.url, USER);
    expect(posture.certificate!.thumbprintSha256).toBe(pin);
    expect(posture.serverTime).not.toBeNull();
    expect(secure.loginAttempts).toEqual([USER.userName]);
  });
});

describe("a controller that does not trust Fieldproof yet", () => {
  it("refuses the channel: PROTOCOL_ERROR telling to accept Fieldproof's certificate, no password sent", async () => {
    const lockedPin = sha256(await locked.certificate());
    const error = await connector.tryLogin(locked.url, USER, { expectedThumbprint: lockedPin }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROTOCOL_ERROR", stage: "connect", message: expect.stringMatching(/may not trust Fieldproof's application certificate/) });
    // The controller's own answer (its ERR message) is kept, not "disconnected by third party".
    expect(error).toMatchObject({ statusCode: "BadSecurityChecksFailed", message: expect.stringContaining(`${locked.url} refused the encrypted channel (BadSecurityChecksFailed). Nothing was sent.`) });
    expect((error as Error).message).toContain('It said: "certificate invalid".');
    expect((error as Error).message).toMatch(/SHA-256 thumbprint [0-9a-f]{64}, file .*client_certificate\.pem/);
    expect(locked.loginAttempts).toEqual([]);
  });
});

describe("status codes and the client's own PKI", () => {
  it("passes a refused ChangePassword through as an outcome (BadIdentityTokenInvalid)", async () => {
    expect(await connector.changePassword(secure.url, USER, "Next-Password-2026", { expectedThumbprint: pin })).toEqual({ statusCode: "BadIdentityTokenInvalid", good: false });
  });

  it("a refused login is ACCESS_DENIED naming the user and the status, never the password", async () => {
    const wrong = { userName: USER.userName, password: "Wrong-Secret-77" };
    const error = (await connector.changePassword(secure.url, wrong, "Next-Password-2026", { expectedThumbprint: pin }).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ code: "ACCESS_DENIED", message: expect.stringMatching(/refused the login for tech \(BadUserAccessDenied\)/) });
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toMatch(/Wrong-Secret-77|Next-Password-2026/);
  });

  it("keeps its application certificate and key in pkiDir", () => {
    expect(existsSync(join(dir.path, "pki", "own", "certs", "client_certificate.pem"))).toBe(true);
    expect(existsSync(join(dir.path, "pki", "own", "private", "private_key.pem"))).toBe(true);
  });
});

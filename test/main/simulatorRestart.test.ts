import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { Command } from "commander";
import {
  DataType,
  MessageSecurityMode,
  MethodIds,
  ObjectIds,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  StatusCodes,
  UserTokenType,
  type ClientSession,
  type UserIdentityInfo,
} from "node-opcua";
import { CertificateAuthority } from "node-opcua-pki";
import { ClientPushCertificateManagement } from "node-opcua-server-configuration";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PlantFile } from "../../shared/domain/plant";
import { registerSimCommand } from "../../main/cli/sim";
import type { CliIo } from "../../main/cli/io";
import { OPERATOR_USER, TECHNICIAN_USER, startDemoPlant, type DemoPlant, type DemoPlantOptions } from "../../main/simulator";
import { tempDir } from "../support/tempDir";

// A small plant (two controllers, both with Part 18) that is stopped and started again on the same
// state folder: rotated passwords, ports and certificates must survive.
const NOW = new Date("2026-11-22T08:00:00Z");

let dir: ReturnType<typeof tempDir>;
let plant: DemoPlant;
let clientCertificates: OPCUACertificateManager;
let options: DemoPlantOptions;

beforeAll(async () => {
  dir = tempDir("fieldproof-sim-restart-");
  clientCertificates = new OPCUACertificateManager({ rootFolder: join(dir.path, "client-pki"), automaticallyAcceptUnknownCertificate: true });
  await clientCertificates.initialize();
  options = { controllers: 2, seed: "restart-plant", stateDir: join(dir.path, "state"), now: NOW };
  plant = await startDemoPlant(options);
});

afterAll(async () => {
  await plant?.stop();
  await clientCertificates?.dispose();
  dir?.cleanup();
});

function newClient(mode: MessageSecurityMode = MessageSecurityMode.SignAndEncrypt): OPCUAClient {
  return OPCUAClient.create({
    applicationName: "fieldproof-simulator-test",
    securityMode: mode,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    clientCertificateManager: clientCertificates,
    connectionStrategy: { maxRetry: 0, initialDelay: 50, maxDelay: 100 },
    keepSessionAlive: false,
  });
}

async function withSession<T>(endpointUrl: string, identity: UserIdentityInfo, work: (session: ClientSession) => Promise<T>, mode?: MessageSecurityMode): Promise<T> {
  const client = newClient(mode);
  await client.connect(endpointUrl);
  try {
    const session = await client.createSession(identity);
    try {
      return await work(session);
    } finally {
      await session.close().catch(() => undefined);
    }
  } finally {
    await client.disconnect();
  }
}

async function tryLogin(endpointUrl: string, identity: UserIdentityInfo): Promise<string> {
  try {
    await withSession(endpointUrl, identity, async () => undefined);
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** SHA-1 thumbprint of the certificate the server presents in GetEndpoints. */
async function presentedThumbprint(endpointUrl: string): Promise<string> {
  const client = newClient();
  await client.connect(endpointUrl);
  try {
    const [endpoint] = await client.getEndpoints();
    return sha1(endpoint!.serverCertificate);
  } finally {
    await client.disconnect();
  }
}

const sha1 = (der: Buffer): string => createHash("sha1").update(der).digest("hex");
const user = (userName: string, password: string): UserIdentityInfo => ({ type: UserTokenType.UserName, userName, password });

function technicianOf(index: number): { id: string; url: string; password: string } {
  const entry = plant.plant.controllers[index]!;
  return { id: entry.id, url: entry.endpointUrl, password: entry.technicianLogin!.password };
}

function derFromPem(pem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem)?.[1] ?? "";
  return Buffer.from(body.replace(/\s+/g, ""), "base64");
}

describe("restarting on the same state folder", () => {
  it("keeps the ports, the rotated password and the certificates", async () => {
    const { id, url, password } = technicianOf(0);
    const rotated = "Rotated-Before-Restart-1";
    const status = await withSession(url, user(TECHNICIAN_USER, password), async (session) => {
      const result = await session.call({
        objectId: ObjectIds.UserManagement,
        methodId: MethodIds.UserManagement_ChangePassword,
        inputArguments: [
          { dataType: DataType.String, value: password },
          { dataType: DataType.String, value: rotated },
        ],
      });
      return result.statusCode;
    });
    expect(status).toEqual(StatusCodes.Good);
    const ports = plant.controllers.map((controller) => controller.port);
    const thumbprints = await Promise.all(plant.controllers.map((controller) => presentedThumbprint(controller.endpointUrl)));
    const build = plant.build;

    await plant.stop();
    expect(await tryLogin(url, user(TECHNICIAN_USER, rotated))).not.toBe("ok");
    plant = await startDemoPlant({ ...options, now: new Date("2030-01-01T00:00:00Z") });

    expect(plant.controllers.map((controller) => controller.port)).toEqual(ports);
    // The plant's clock comes from the state folder, not from the new `now`.
    expect(plant.build).toEqual(build);
    expect(await Promise.all(plant.controllers.map((controller) => presentedThumbprint(controller.endpointUrl)))).toEqual(thumbprints);
    expect(await tryLogin(url, user(TECHNICIAN_USER, rotated))).toBe("ok");
    expect(await tryLogin(url, user(TECHNICIAN_USER, password))).toMatch(/BadUserAccessDenied/);
    expect(await plant.controller(id).verifyPassword(TECHNICIAN_USER, rotated)).toBe(true);
  });

  it("refuses a state folder made for another seed or size", async () => {
    await expect(startDemoPlant({ ...options, seed: "another" })).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
    await expect(startDemoPlant({ ...options, controllers: 3 })).rejects.toThrow(/2 controllers from seed "restart-plant"/);
  });

  it("fails with a clear message when a pinned port is taken", async () => {
    await plant.stop();
    const port = plant.controllers[1]!.port;
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startDemoPlant(options)).rejects.toThrow(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    plant = await startDemoPlant(options);
    expect(plant.controllers[1]!.port).toBe(port);
  });
});

describe("Part 12 push certificate management", () => {
  it("refuses an operator and a Sign-only channel", async () => {
    const { url } = technicianOf(1);
    const operatorPassword = plant.build.controllers[1]!.accounts.find((a) => a.userName === OPERATOR_USER)!.initialPassword;
    const csr = (session: ClientSession) =>
      new ClientPushCertificateManagement(session).createSigningRequest("DefaultApplicationGroup", ClientPushCertificateManagement.rsaSha256ApplicationCertificateType, null);
    const asOperator = await withSession(url, user(OPERATOR_USER, operatorPassword), csr);
    expect(asOperator.statusCode).toEqual(StatusCodes.BadUserAccessDenied);
    const signOnly = await withSession(url, user(TECHNICIAN_USER, technicianOf(1).password), csr, MessageSecurityMode.Sign);
    expect(signOnly.statusCode).toEqual(StatusCodes.BadSecurityModeInsufficient);
  });

  it("shows the trust list to a SecurityAdmin: the client certificate it accepted is in it", async () => {
    const { url, password } = technicianOf(1);
    const trusted = await withSession(url, user(TECHNICIAN_USER, password), async (session) => {
      const trustList = await (await new ClientPushCertificateManagement(session).getApplicationGroup()).getTrustList();
      return (await trustList.readTrustedCertificateList()).trustedCertificates ?? [];
    });
    const ownCertificate = derFromPem(await readFile(join(dir.path, "client-pki", "own", "certs", "client_certificate.pem"), "utf8"));
    expect(trusted.map(sha1)).toContain(sha1(ownCertificate));
  });

  it("rotates the application certificate: CSR, CA signature, UpdateCertificate, ApplyChanges, and it survives a restart", async () => {
    const { id, url, password } = technicianOf(1);
    const before = await presentedThumbprint(url);

    // A CA the client trusts, standing in for the site's (or IT's) issuing CA.
    const ca = new CertificateAuthority({ keySize: 2048, location: join(dir.path, "ca") });
    await ca.initialize();
    const caDer = derFromPem(await readFile(ca.caCertificate, "utf8"));
    await clientCertificates.addIssuer(caDer, false, true);
    await clientCertificates.addRevocationList(await readFile(ca.revocationListDER));

    const newCertificate = await withSession(url, user(TECHNICIAN_USER, password), async (session) => {
      const push = new ClientPushCertificateManagement(session);
      const type = ClientPushCertificateManagement.rsaSha256ApplicationCertificateType;
      const request = await push.createSigningRequest("DefaultApplicationGroup", type, null);
      expect(request.statusCode).toEqual(StatusCodes.Good);
      const csrFile = join(dir.path, "controller.csr");
      const csrBase64 = request.certificateSigningRequest!.toString("base64").replace(/.{64}/g, "$&\n");
      await writeFile(csrFile, `-----BEGIN CERTIFICATE REQUEST-----\n${csrBase64}\n-----END CERTIFICATE REQUEST-----\n`);
      const signed = await ca.signCertificateRequest(join(dir.path, "controller.pem"), csrFile, {
        applicationUri: plant.controller(id).spec.applicationUri,
        startDate: new Date(Date.now() - 60_000),
        validity: 365,
      });
      const certificate = derFromPem(await readFile(signed, "utf8"));
      const update = await push.updateCertificate("DefaultApplicationGroup", type, certificate, [caDer]);
      expect(update.statusCode).toEqual(StatusCodes.Good);
      expect(update.applyChangesRequired).toBe(true);
      expect(await push.applyChanges()).toEqual(StatusCodes.Good);
      return certificate;
    });
    const after = sha1(newCertificate);
    expect(after).not.toBe(before);

    // node-opcua 2.157 restarts its endpoints ~2 s after ApplyChanges.
    const deadline = Date.now() + 8_000;
    let presented = before;
    while (presented !== after && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      presented = await presentedThumbprint(url).catch(() => presented);
    }
    expect(presented).toBe(after);
    expect(await tryLogin(url, user(TECHNICIAN_USER, password))).toBe("ok");

    const controller = plant.controller(id);
    await controller.stop();
    await controller.start();
    expect(await presentedThumbprint(url)).toBe(after);
    expect(sha1(await controller.certificate())).toBe(after);
  });
});

describe("fieldproof sim", () => {
  it("starts the plant, writes the plant file, prints a summary, and stops when asked", async () => {
    await plant.stop();
    let stdout = "";
    let stderr = "";
    const io: CliIo = {
      out: (text) => (stdout += `${text}\n`),
      err: (text) => (stderr += `${text}\n`),
      progress: (done, total, label) => (stderr += `[${done}/${total}] ${label}\n`),
    };
    const plantFile = join(dir.path, "cli", "plant.json");
    let whileRunning = "";
    const program = new Command("fieldproof").exitOverride();
    registerSimCommand(program, {
      io,
      untilStopped: async () => {
        const file = PlantFile.parse(JSON.parse(await readFile(plantFile, "utf8")));
        const second = file.controllers[1]!;
        whileRunning = await tryLogin(second.endpointUrl, user(second.technicianLogin!.username, second.technicianLogin!.password));
        return "test done";
      },
    });
    await program.parseAsync(["sim", "--controllers", "2", "--seed", "restart-plant", "--state-dir", options.stateDir, "--plant-file", plantFile], { from: "user" });

    expect(whileRunning).toBe("ok");
    expect(stderr).toMatch(/\[2\/2\]/);
    expect(stderr).toMatch(/Stopping the demo plant \(test done\)/);
    expect(stdout).toContain(plantFile);
    for (const controller of plant.controllers) expect(stdout).toContain(controller.endpointUrl);
    expect(stdout).toMatch(/anonymous access/);
    expect(await tryLogin(plant.controllers[1]!.endpointUrl, user(TECHNICIAN_USER, technicianOf(1).password))).not.toBe("ok");
  });

  it("rejects a controller count that is not a whole number", async () => {
    const program = new Command("fieldproof").exitOverride().configureOutput({ writeErr: () => undefined });
    registerSimCommand(program, { io: { out: () => undefined, err: () => undefined, progress: () => undefined } });
    await expect(program.parseAsync(["sim", "--controllers", "two"], { from: "user" })).rejects.toThrow(/whole number/);
  });
});

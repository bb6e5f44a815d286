// The Part 12 preflight (issue 13): read only, against the demo plant's controllers (node-opcua push
// certificate management) and an independent OPC UA server that has none, as most PLCs do.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpcUaConnector } from "../../main/connectors/opcua";
import { decodeTrustList } from "../../main/connectors/opcua/part12";
import { openBay, type Bay } from "../support/bay";
import { runBinAsync } from "../support/cli";
import { openLaptop, type Laptop } from "../support/evidence";
import { testInvoke } from "../support/invoke";
import { tempDir } from "../support/tempDir";
import { MessageSecurityMode, SecurityPolicy, sha256, startTestServer, type TestServer } from "./connectorFixtures";

describe("certificates preflight on the demo plant (Part 12 push certificate management)", () => {
  let bay: Bay;

  beforeAll(async () => {
    bay = await openBay(5);
  }, 120_000);
  afterAll(async () => {
    await bay?.close();
  });

  const technicianRoles = (controllerId: string): readonly string[] => bay.plant.build.controllers.find((c) => c.id === controllerId)!.accounts.find((a) => a.flags.technician)!.roles;

  it("a controller whose login is a SecurityAdmin: push, every method callable, the application group and its RSA types, the trust list read whole with the laptop's own certificate, the clock; nothing written", async () => {
    const controller = bay.plant.build.controllers.find((c) => technicianRoles(c.id).includes("SecurityAdmin"))!;
    const journal = bay.services.evidence.journalSize();
    const result = await bay.invoke("certificates.preflight", { controllerId: controller.id });
    expect(result.verdict).toBe("push");
    expect(result.setup.methods).toEqual({ CreateSigningRequest: "callable", UpdateCertificate: "callable", ApplyChanges: "callable", GetRejectedList: "callable" });
    const group = result.setup.groups.find((g) => g.name === "DefaultApplicationGroup");
    expect(group?.certificateTypes).toEqual(expect.arrayContaining(["RsaSha256ApplicationCertificateType"]));
    expect(group?.trustList?.complete).toBe(true);
    const client = await bay.services.system.clientCertificate();
    expect(group!.trustList!.trusted.map((c) => c.sha256)).toContain(client.thumbprintSha256);
    expect(result.notes.map((n) => n.text)).toContain(`Fieldproof's own certificate is in ${controller.name}'s trust list; every list the rotation writes keeps it there.`);
    expect(Math.abs(result.setup.clockSkewSeconds!)).toBeLessThan(60);
    // The channel and every secure endpoint present the certificate the laptop trusts.
    const trusted = bay.services.repos.plant.controller(controller.id)!.trustedThumbprint!;
    expect(result.setup.channelCertificateSha256).toBe(trusted);
    expect(result.setup.endpointCertificates.filter((e) => e.securityMode !== "None").map((e) => e.sha256)).toEqual(expect.arrayContaining([trusted]));
    expect(result.notes.filter((n) => n.severity === "blocker")).toEqual([]);
    expect(bay.services.evidence.journalSize()).toBe(journal);
  });

  it("a controller whose stored login is not a SecurityAdmin: blocked, and says which login to store", async () => {
    const limited = bay.plant.build.controllers.find((c) => !technicianRoles(c.id).includes("SecurityAdmin"));
    expect(limited, "the demo plant of five places limitedTechnicianRole on one controller").toBeDefined();
    const result = await bay.invoke("certificates.preflight", { controllerId: limited!.id });
    expect(result.verdict).toBe("blocked");
    expect(result.setup.methods.UpdateCertificate).toBe("not-permitted");
    expect(result.notes[0]).toMatchObject({ severity: "blocker", text: expect.stringMatching(/^The stored login \(.+\) may not call CreateSigningRequest, UpdateCertificate, ApplyChanges on .+\. Store a login with the SecurityAdmin role for it\.$/) as unknown });
  });

  it("fieldproof certificates preflight prints the verdict, the notes, the methods, the clock and each group (the built command)", async () => {
    const controller = bay.plant.build.controllers.find((c) => technicianRoles(c.id).includes("SecurityAdmin"))!;
    // Async: this process runs the demo plant the command talks to.
    const run = await runBinAsync(["certificates", "preflight", controller.id], { FIELDPROOF_DATA_DIR: join(bay.dir.path, "laptop"), FIELDPROOF_PASSPHRASE: "bay laptop passphrase" });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${controller.id}: PUSH: a Part 12 rotation can run$`, "m"));
    expect(run.stdout).toMatch(/^ {2}methods: CreateSigningRequest callable, UpdateCertificate callable, ApplyChanges callable, GetRejectedList callable$/m);
    expect(run.stdout).toMatch(/^ {2}group DefaultApplicationGroup: .*RsaSha256ApplicationCertificateType.*; trust list \d+ trusted, \d+ issuers, \d+ CRLs, \d+ bytes$/m);
  });

  it("refuses an unknown controller before anything is sent", async () => {
    await expect(bay.invoke("certificates.preflight", { controllerId: "no-such-plc" })).rejects.toThrow(/No controller "no-such-plc"/);
  });
});

describe("certificates preflight on an OPC UA server without Part 12 (as most PLCs)", () => {
  let server: TestServer;
  let laptop: Laptop;
  let pki: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    pki = tempDir("fieldproof-preflight-server-");
    server = await startTestServer({ pkiDir: join(pki.path, "server"), securityPolicies: [SecurityPolicy.Basic256Sha256], securityModes: [MessageSecurityMode.SignAndEncrypt], users: { tech: "tech-pass-1" } });
    laptop = openLaptop();
    laptop.services.identity.ensureDevice();
    await laptop.services.plant.importPlant(
      {
        format: "fieldproof-plant/v1",
        site: { id: "other", name: "Other" },
        generatedAt: new Date().toISOString(),
        controllers: [{ id: "plain-1", name: "Plain PLC", kind: "plc", vendor: "Other", model: "X", area: "A", line: "L", cell: "C", endpointUrl: server.url }],
      },
      "test",
    );
  }, 60_000);
  afterAll(async () => {
    await laptop?.close();
    laptop?.dir.cleanup();
    await server?.stop();
    pki?.cleanup();
  });

  it("the connector reads what is there: every Part 12 method absent, the standard groups, the clock", async () => {
    const connector = createOpcUaConnector({ pkiDir: join(pki.path, "client") });
    try {
      const setup = await connector.readCertificateSetup(server.url, { userName: "tech", password: "tech-pass-1" }, { expectedThumbprint: sha256(await server.certificate()) });
      expect(setup.methods).toEqual({ CreateSigningRequest: "absent", UpdateCertificate: "absent", ApplyChanges: "absent", GetRejectedList: "absent" });
      expect(setup.serverTime).not.toBeNull();
      // The standard nodeset lists the groups, but nothing implements their trust lists: said, not guessed.
      expect(setup.groups.map((g) => g.name)).toEqual(expect.arrayContaining(["DefaultApplicationGroup"]));
      expect(setup.groups.find((g) => g.name === "DefaultApplicationGroup")?.trustList).toBeNull();
      expect(setup.gaps).toEqual(expect.arrayContaining([expect.objectContaining({ stage: "certificates", message: expect.stringMatching(/^DefaultApplicationGroup's trust list could not be opened for reading/) as unknown })]));
      expect(JSON.stringify(setup)).not.toContain("tech-pass-1");
    } finally {
      await connector.close();
    }
  });

  it("the service says manual, and how: the vendor tool's CSR and fieldproof certificates issue", async () => {
    await expect(laptop.services.ca.preflight("plain-1")).rejects.toThrow(/Plain PLC's certificate is not trusted yet, so nothing is sent to it/);
    // A scan sees its certificate and trusts it (first use, the technician's decision), as on the Plant screen.
    await testInvoke(laptop.services).job("plant.scan", { controllerIds: ["plain-1"], trustNewCertificates: true, concurrency: 1, timeoutMs: 15_000 }, "plant.scanResult");
    expect(laptop.services.repos.plant.controller("plain-1")?.trustedThumbprint).toBe(sha256(await server.certificate()));
    await expect(laptop.services.ca.preflight("plain-1")).rejects.toThrow(/No login is stored for Plain PLC/);
    laptop.services.plant.setLogin("plain-1", "tech", "tech-pass-1");
    const result = await laptop.services.ca.preflight("plain-1");
    expect(result.verdict).toBe("manual");
    expect(result.notes[0]).toMatchObject({
      severity: "warning",
      text: "Plain PLC has no Part 12 certificate push (CreateSigningRequest, UpdateCertificate, ApplyChanges not there). Rotate it by the manual path: its vendor tool makes a CSR, fieldproof certificates issue --csr FILE --controller plain-1 writes the certificate and chain for the tool, and the next scan proves what it presents.",
    });
  });
});

describe("the trust list file as a controller sends it (TrustListDataType, binary)", () => {
  const int32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const byteString = (data: Buffer): Buffer => Buffer.concat([int32(data.length), data]);

  it("decodes the four lists and refuses a file that ends inside a field or claims absurd counts", async () => {
    const ua = await import("node-opcua");
    const file = Buffer.concat([int32(15), int32(2), byteString(Buffer.from("cert-a")), byteString(Buffer.from("cert-b")), int32(-1), int32(1), byteString(Buffer.from("issuer")), int32(0)]);
    const list = decodeTrustList(ua, file);
    expect(list.specified).toBe(15);
    expect(list.trusted.map(String)).toEqual(["cert-a", "cert-b"]);
    expect(list.trustedCrls).toEqual([]);
    expect(list.issuers.map(String)).toEqual(["issuer"]);
    expect(list.issuerCrls).toEqual([]);
    // A length that runs past the end, a count past any real list, a file cut in the middle.
    expect(() => decodeTrustList(ua, Buffer.concat([int32(1), int32(1), int32(1000), Buffer.from("short")]))).toThrow(/ends inside a field/);
    expect(() => decodeTrustList(ua, Buffer.concat([int32(1), int32(5_000_000)]))).toThrow(/claims 5000000 entries/);
    expect(() => decodeTrustList(ua, file.subarray(0, 10))).toThrow(/ends inside a field/);
  });
});

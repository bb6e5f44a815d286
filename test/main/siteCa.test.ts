// The offline site CA (issue 13, first slice): IT's root, a laptop's issuing intermediate asked for
// by a request file and installed from IT's signed answer, and a controller certificate issued from
// it for the controller's own CSR, each one a journal record; checked with openssl as IT would.
import { execFileSync, spawnSync } from "node:child_process";
import Sqlite from "better-sqlite3";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ItCaService, CA_LOG_FILE, CA_ROOT_FILE, CA_ROOT_KEY_FILE } from "../../main/services/itCaService";
import { certificateFacts, checkIntermediate, issueIntermediate, makeCrl, makeIntermediateRequest, makeRootCa } from "../../main/evidence/siteCa";
import { SITE_CA_FORMAT, siteCaSigningBytes } from "../../main/evidence/siteCaFiles";
import { passphraseProtector } from "../../main/evidence/protector";
import { BIN } from "../support/cli";
import { initIt, IT_PASSPHRASE, openLaptop, type ItSide, type Laptop } from "../support/evidence";
import { tempDir } from "../support/tempDir";

const CA_PASSPHRASE = "ca passphrase for tests";
const SITE = "North Bay";

function openssl(args: readonly string[], input?: string): { code: number; out: string } {
  const r = spawnSync("openssl", args, { encoding: "utf8", input });
  return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
}

/** The journal's record at `back` from the end (0: the latest): kind and statement data. */
async function recordFromEnd(laptop: Laptop, back = 0): Promise<{ kind: string; data: Record<string, unknown> }> {
  const detail = await laptop.services.evidence.record(laptop.services.evidence.journalSize() - 1 - back);
  const statement = JSON.parse(detail.statementJson) as { predicate: { data: Record<string, unknown> } };
  return { kind: detail.kind, data: statement.predicate.data };
}

/** The laptop's settings row (sealed values only), read from its SQLite file. */
function settingsRow(laptop: Laptop, key: string): string | undefined {
  const db = new Sqlite(join(laptop.dir.path, "fieldproof.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT value FROM settings WHERE key = ?").get(key) as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

/** A CSR's DER with its last byte (inside the signature) flipped, as PEM: it parses, its signature does not verify. */
function badSignature(csrPem: string): string {
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  der[der.length - 1] = der[der.length - 1]! ^ 0x01;
  return `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n")}\n-----END CERTIFICATE REQUEST-----\n`;
}

/** A controller's own key and CSR, as its vendor tool makes them (openssl here), with the SAN of an OPC UA server. */
function controllerCsr(dir: string, san = "URI:urn:plc-07:opcua:server,DNS:plc-07.bay.local,IP:10.20.0.7", key = "rsa:2048", subject = "/CN=PLC 07/O=Bay"): string {
  const csr = join(dir, `plc-${Math.random().toString(36).slice(2)}.csr`);
  const keyArgs = key.startsWith("ec:") ? ["-newkey", "ec", "-pkeyopt", `ec_paramgen_curve:${key.slice(3)}`] : ["-newkey", key];
  execFileSync("openssl", ["req", "-new", ...keyArgs, "-nodes", "-keyout", `${csr}.key`, "-out", csr, "-subj", subject, ...(san ? ["-addext", `subjectAltName=${san}`] : [])], { stdio: "pipe" });
  return readFileSync(csr, "utf8");
}

describe("the offline site CA: root at IT, an issuing intermediate on the laptop, controller certificates from it", () => {
  let itSide: ItSide;
  let laptop: Laptop;
  let work: ReturnType<typeof tempDir>;
  let ca: ItCaService;
  let fingerprint: string;
  let requestPath: string;
  let answerPath: string;

  beforeAll(async () => {
    itSide = await initIt();
    laptop = openLaptop();
    work = tempDir("fieldproof-site-ca-");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    laptop.services.identity.ensureDevice();
    fingerprint = laptop.services.identity.status().fingerprint!;
    await laptop.services.plant.importPlant(
      {
        format: "fieldproof-plant/v1",
        site: { id: "north-bay", name: SITE },
        generatedAt: new Date().toISOString(),
        controllers: [{ id: "plc-07", name: "PLC 07", kind: "plc", vendor: "Acme", model: "M", area: "A", line: "L1", cell: "C1", endpointUrl: "opc.tcp://127.0.0.1:1" }],
      },
      "test",
    );
    ca = new ItCaService(itSide.open(), async () => CA_PASSPHRASE);
  });
  afterAll(async () => {
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  it("it ca init makes a root whose key is sealed (not PEM on disk), pins it in it-public.json signed by IT's key, and refuses to make a second", async () => {
    const same = itSide.open();
    try {
      await expect(new ItCaService(same, async () => IT_PASSPHRASE).init("Same")).rejects.toThrow(/The CA passphrase must not be IT's passphrase/);
    } finally {
      await same.close();
    }
    expect(readdirSync(itSide.dir.path)).not.toContain(CA_ROOT_FILE);
    const made = await ca.init("Acme Plants");
    const trust = JSON.parse(readFileSync(itSide.trustPath, "utf8")) as { siteCa: { rootSha256: string } };
    expect(trust.siteCa.rootSha256).toBe(made.sha256);
    // An edited pin is refused when a laptop installs the file.
    const edited = JSON.parse(readFileSync(itSide.trustPath, "utf8")) as { siteCa: { rootSha256: string } };
    edited.siteCa.rootSha256 = "0".repeat(64);
    const editedPath = join(work.path, "edited-it-public.json");
    writeFileSync(editedPath, JSON.stringify(edited));
    await expect(laptop.services.evidence.trustIt(editedPath, false)).rejects.toThrow(/site CA root pin is not the one IT's key signed: the file was altered/);
    expect(made.subject).toBe("CN=Acme Plants, O=Fieldproof site CA");
    const root = readFileSync(join(itSide.dir.path, CA_ROOT_FILE), "utf8");
    const text = openssl(["x509", "-noout", "-text"], root).out;
    expect(text).toMatch(/CA:TRUE/);
    expect(text).toMatch(/Certificate Sign, CRL Sign/);
    expect(text).toMatch(/Public-Key: \(3072 bit\)/);
    const key = readFileSync(join(itSide.dir.path, CA_ROOT_KEY_FILE), "utf8");
    expect(key).not.toMatch(/PRIVATE KEY/);
    expect(JSON.parse(key)).toMatchObject({ kdf: "scrypt" });
    await expect(ca.init("Again")).rejects.toThrow(/already exists .*Refusing to replace it/);
  });

  it("the laptop asks for a site's intermediate: the key stays here, the request is signed by the device key and recorded", async () => {
    requestPath = join(work.path, "request.json");
    const r = await laptop.services.ca.request(SITE, requestPath);
    expect(r).toMatchObject({ site: SITE, deviceFingerprint: fingerprint });
    const file = JSON.parse(readFileSync(requestPath, "utf8")) as Record<string, string>;
    expect(file.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    // The key is kept here, sealed as the device key is (never PKCS#8 in clear).
    const pending = JSON.parse(settingsRow(laptop, `siteCa.pending:${SITE}`)!) as { protectedKey: string };
    expect(JSON.parse(pending.protectedKey)).toMatchObject({ v: 1, kdf: "scrypt" });
    expect(openssl(["req", "-noout", "-verify"], file.csr).out).toMatch(/verify OK/i);
    expect(await recordFromEnd(laptop)).toMatchObject({ kind: "ca.requested", data: { site: SITE, csrSha256: r.csrSha256 } });
  });

  it("IT refuses a request for another device, another site, or one altered on the way; nothing is issued", async () => {
    const other = openLaptop();
    try {
      other.services.identity.ensureDevice();
      await expect(ca.issue(requestPath, { device: other.services.identity.status().fingerprint!, site: SITE, days: 90 })).rejects.toThrow(/The request is not signed by device key SHA256:.* as given\. Compare the fingerprint with the laptop's own screen/);
    } finally {
      await other.close();
      other.dir.cleanup();
    }
    await expect(ca.issue(requestPath, { device: fingerprint, site: "South Bay", days: 90 })).rejects.toThrow(/asked for site "North Bay", not "South Bay"/);
    const altered = JSON.parse(readFileSync(requestPath, "utf8")) as Record<string, string>;
    altered.site = "South Bay";
    const alteredPath = join(work.path, "altered-request.json");
    writeFileSync(alteredPath, JSON.stringify(altered));
    await expect(ca.issue(alteredPath, { device: fingerprint, site: "South Bay", days: 90 })).rejects.toThrow(/not signed by the device key it names: it was altered/);
    await expect(ca.issue(requestPath, { device: "not a fingerprint", site: SITE, days: 90 })).rejects.toThrow(/is not a device key fingerprint/);
    await expect(ca.issue(requestPath, { device: fingerprint, site: SITE, days: 400 })).rejects.toThrow(/--days must be a whole number from 1 to 397/);
    await expect(ca.issue(requestPath, { device: fingerprint, site: SITE, days: 90, out: join(work.path, "no-such-folder", "answer.json") })).rejects.toThrow(/could not be written to .*Nothing was issued or logged/);
    expect(readdirSync(itSide.dir.path)).not.toContain(CA_LOG_FILE);
  });

  it("IT signs it (CA, path length 0, chained to the root, openssl agrees) and logs it; the laptop refuses an altered answer and installs the true one", async () => {
    answerPath = join(work.path, "site-ca.json");
    const issued = await ca.issue(requestPath, { device: fingerprint.toLowerCase().replace(/ /g, ""), site: SITE, days: 90, out: answerPath });
    const answer = JSON.parse(readFileSync(answerPath, "utf8")) as Record<string, string>;
    const rootPem = join(work.path, "root.pem");
    const interPem = join(work.path, "intermediate.pem");
    writeFileSync(rootPem, answer.root!);
    writeFileSync(interPem, answer.intermediate!);
    expect(openssl(["verify", "-CAfile", rootPem, interPem]).out).toMatch(/intermediate\.pem: OK/);
    expect(openssl(["x509", "-noout", "-text", "-in", interPem]).out).toMatch(/CA:TRUE, pathlen:0/);
    const days = (Date.parse(issued.notAfter) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89);
    expect(days).toBeLessThan(90.1);
    const log = readFileSync(join(itSide.dir.path, CA_LOG_FILE), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, string>);
    expect(log).toEqual([expect.objectContaining({ site: SITE, deviceFingerprint: fingerprint, serial: issued.serial, sha256: issued.sha256 })]);

    // Another root in the file (an impostor's CA): IT's signature no longer covers it.
    const impostor = JSON.parse(readFileSync(answerPath, "utf8")) as Record<string, string>;
    impostor.root = answer.intermediate!;
    const impostorPath = join(work.path, "impostor.json");
    writeFileSync(impostorPath, JSON.stringify(impostor));
    await expect(laptop.services.ca.install(impostorPath)).rejects.toThrow(/not signed by IT's key .*Nothing was installed/);

    // Before the laptop holds the root's pin (it trusted it-public.json before it ca init), nothing is installed.
    await expect(laptop.services.ca.install(answerPath)).rejects.toThrow(/no pin for IT's site CA root. Install the it-public.json IT wrote after fieldproof it ca init/);
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    expect(await recordFromEnd(laptop)).toMatchObject({ kind: "it.trusted", data: { siteCaRoot: { sha256: certificateFacts(answer.root!).sha256 } } });

    // Whoever holds IT's key (a collector does) makes a root of their own, signs this laptop's CSR
    // with it and signs the file: refused, the root is not the one the trust file pins.
    const rogue = await makeRootCa("Rogue", new Date());
    const rogueIntermediate = await issueIntermediate(rogue, (JSON.parse(readFileSync(requestPath, "utf8")) as { csr: string }).csr, { site: SITE, deviceFingerprint: fingerprint, days: 90, now: new Date() });
    const it = itSide.open();
    try {
      const body = { format: SITE_CA_FORMAT, site: SITE, deviceFingerprint: fingerprint, intermediate: rogueIntermediate, root: rogue.certificatePem, rootCrl: await makeCrl(rogue, [], { now: new Date(), days: 30, number: 1 }), issuedAt: new Date().toISOString(), itKeyName: it.repo.identity()!.keyName } as const;
      const rogueFile = join(work.path, "rogue.json");
      writeFileSync(rogueFile, JSON.stringify({ ...body, signature: (await it.signAsIt(siteCaSigningBytes(body))).signature }));
      await expect(laptop.services.ca.install(rogueFile)).rejects.toThrow(/REFUSED, POSSIBLE IMPOSTOR: the site CA file's root \(CN=Rogue, O=Fieldproof site CA, SHA-256 [0-9a-f]{64}\) is not the root IT's trust file pins/);
    } finally {
      await it.close();
    }
    expect(laptop.services.ca.list()).toEqual([]);

    const installed = await laptop.services.ca.install(answerPath);
    expect(installed).toMatchObject({ site: SITE, state: "valid", serial: issued.serial, sha256: issued.sha256, rootSubject: "CN=Acme Plants, O=Fieldproof site CA" });
    expect(laptop.services.ca.list()).toEqual([installed]);
    // Installed once: the request is spent.
    await expect(laptop.services.ca.install(answerPath)).rejects.toThrow(/This site CA for "North Bay" is installed already/);
    expect(await recordFromEnd(laptop)).toMatchObject({ kind: "ca.installed", data: { site: SITE, serial: issued.serial, sha256: issued.sha256 } });
  });

  it("issues a controller certificate for its CSR: EKU, key usages, SAN kept, random serial, recorded whole; openssl verifies it against IT's root and the intermediate", async () => {
    const csr = controllerCsr(work.path);
    const issued = await laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: csr, days: 365, method: "manual" });
    const leaf = join(work.path, "leaf.pem");
    const chain = join(work.path, "chain.pem");
    const rootPem = join(work.path, "root.pem");
    writeFileSync(leaf, issued.certificatePem);
    writeFileSync(chain, issued.chainPem);
    expect(openssl(["verify", "-CAfile", rootPem, "-untrusted", chain, leaf]).out).toMatch(/leaf\.pem: OK/);
    const text = openssl(["x509", "-noout", "-text", "-in", leaf]).out;
    expect(text).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(text).toMatch(/Digital Signature, Non Repudiation, Key Encipherment, Data Encipherment/);
    expect(text).toMatch(/URI:urn:plc-07:opcua:server, DNS:plc-07\.bay\.local, IP Address:10\.20\.0\.7/);
    expect(text).toMatch(/CA:FALSE/);
    // The key is the controller's (its CSR's), not one made here.
    const csrKey = openssl(["req", "-noout", "-pubkey"], csr).out;
    expect(openssl(["x509", "-noout", "-pubkey", "-in", leaf]).out).toBe(csrKey);
    expect(issued.serial).toMatch(/^[0-9a-f]{32}$/);
    const second = await laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: csr, method: "manual" });
    expect(second.serial).not.toBe(issued.serial);
    // 365 days asked; the intermediate ends in 90: the certificate ends with it, never after.
    const intermediate = certificateFacts(issued.chainPem.split(/(?<=-----END CERTIFICATE-----)\n/)[0]!);
    expect(issued.notAfter).toBe(intermediate.notAfter);
    expect(openssl(["x509", "-noout", "-subject", "-in", leaf]).out).toMatch(/subject=CN = PLC 07, O = Bay/);

    expect((await recordFromEnd(laptop)).kind).toBe("certificate.issued");
    const earlier = await recordFromEnd(laptop, 1);
    expect(earlier.kind).toBe("certificate.issued");
    const data = earlier.data as { certificate: string; sha256: string; controllerId: string; applicationUri: string; method: string };
    expect(data).toMatchObject({ controllerId: "plc-07", applicationUri: "urn:plc-07:opcua:server", method: "manual", sha256: certificateFacts(issued.certificatePem).sha256 });
    // The record holds the certificate whole: IT can take it out of the record and verify it.
    expect(Buffer.from(data.certificate, "base64").equals(Buffer.from(issued.certificatePem.replace(/-----[^-]+-----|\s/g, ""), "base64"))).toBe(true);
  });

  it("refuses a CSR whose signature does not verify, a key that is not RSA 2048-4096, an empty subject, names that are wildcards or malformed, one with no application URI unless given, and an unknown controller; nothing is recorded", async () => {
    const before = laptop.services.evidence.journalSize();
    const csr = controllerCsr(work.path);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: badSignature(csr), method: "manual" })).rejects.toThrow(/The certificate signing request's signature does not verify/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: controllerCsr(work.path, undefined, "ec:P-256"), method: "manual" })).rejects.toThrow(/The CSR's key is ECDSA; the site CA signs RSA keys of 2048 to 4096 bits only/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: controllerCsr(work.path, undefined, "rsa:1024"), method: "manual" })).rejects.toThrow(/\(1024 bits\); the site CA signs RSA keys of 2048 to 4096 bits only/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: controllerCsr(work.path, undefined, "rsa:2048", "/"), method: "manual" })).rejects.toThrow(/The CSR has an empty subject/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: controllerCsr(work.path, "URI:urn:plc-07,DNS:*.corp.example"), method: "manual" })).rejects.toThrow(/no wildcard names \("\*\.corp\.example"\)/);
    const bareCsr = controllerCsr(work.path, "");
    const names = (n: Partial<{ applicationUri: string; dns: string[]; ips: string[] }>) => ({ applicationUri: "urn:plc-07:typed", dns: [], ips: [], ...n });
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: bareCsr, names: names({ applicationUri: "not a uri" }), method: "manual" })).rejects.toThrow(/"not a uri" is not an application URI/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: bareCsr, names: names({ ips: ["10.20.0.300"] }), method: "manual" })).rejects.toThrow(/"10\.20\.0\.300" is not an IPv4 or IPv6 address/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: bareCsr, names: names({ dns: Array.from({ length: 33 }, (_, i) => `h${i}.bay`) }), method: "manual" })).rejects.toThrow(/at most 32 host names/);
    expect(laptop.services.evidence.journalSize()).toBe(before);
    const bare = bareCsr;
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: bare, method: "manual" })).rejects.toThrow(/names no application URI .*--uri/);
    const named = await laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: bare, names: { applicationUri: "urn:plc-07:typed", dns: [], ips: ["10.20.0.7"] }, method: "manual" });
    expect(openssl(["x509", "-noout", "-ext", "subjectAltName"], named.certificatePem).out).toMatch(/URI:urn:plc-07:typed, IP Address:10\.20\.0\.7/);
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "nope", csrPem: bare, method: "manual" })).rejects.toThrow(/No controller "nope"/);
    await expect(laptop.services.ca.issue({ site: "South Bay", controllerId: "plc-07", csrPem: bare, method: "manual" })).rejects.toThrow(/No site CA for "South Bay" is installed/);
  });

  it("revokes a controller certificate it issued: the issuing CA's CRL names it, openssl sees it revoked, recorded whole; a serial it did not issue or revoked twice is refused", async () => {
    const csr = controllerCsr(work.path);
    const issued = await laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: csr, method: "manual" });
    const out = join(work.path, "leaf.crl");
    await expect(laptop.services.ca.revokeIssued(SITE, "00ff", "superseded", out)).rejects.toThrow(/issued no certificate with serial 00ff for "North Bay"/);
    const r = await laptop.services.ca.revokeIssued(SITE, issued.serial, "superseded", out);
    expect(r).toMatchObject({ serial: issued.serial, controllerId: "plc-07" });
    await expect(laptop.services.ca.revokeIssued(SITE, issued.serial, "superseded", out)).rejects.toThrow(/is revoked already/);
    const leaf = join(work.path, "revoked-leaf.pem");
    const chain = join(work.path, "revoked-chain.pem");
    writeFileSync(leaf, issued.certificatePem);
    writeFileSync(chain, issued.chainPem);
    expect(openssl(["verify", "-crl_check", "-CAfile", join(work.path, "root.pem"), "-untrusted", chain, "-CRLfile", out, leaf]).out).toMatch(/certificate revoked/);
    expect(openssl(["crl", "-in", out, "-noout", "-text"]).out).toMatch(/Superseded/);
    expect(await recordFromEnd(laptop)).toMatchObject({ kind: "certificate.revoked", data: { site: SITE, serial: issued.serial, controllerId: "plc-07", reason: "superseded" } });
  });

  it("install refuses an answer for another laptop and one for an older request; a request that cannot be written changes nothing; a device id that is a path is refused at IT", async () => {
    const other = openLaptop();
    try {
      await other.services.evidence.trustIt(itSide.trustPath, false);
      other.services.identity.ensureDevice();
      const otherFpr = other.services.identity.status().fingerprint!;
      const first = join(work.path, "other-1.json");
      await other.services.ca.request(SITE, first);
      const answer = join(work.path, "other-answer-1.json");
      await ca.issue(first, { device: otherFpr, site: SITE, days: 30, out: answer });
      await expect(laptop.services.ca.install(answer)).rejects.toThrow(/IT issued this site CA for device key .*, not this laptop/);
      // The other laptop asked again since: the first answer is for a key it no longer waits with.
      await other.services.ca.request(SITE, join(work.path, "other-2.json"));
      await expect(other.services.ca.install(answer)).rejects.toThrow(/for another key than this laptop's latest request/);
      expect(other.services.ca.list()).toEqual([]);
    } finally {
      await other.close();
      other.dir.cleanup();
    }
    const size = laptop.services.evidence.journalSize();
    const pending = settingsRow(laptop, `siteCa.pending:${SITE}`);
    await expect(laptop.services.ca.request(SITE, join(work.path, "no-such-folder", "req.json"))).rejects.toThrow(/The request could not be written to .*Nothing changed; any earlier request still waits/);
    expect(laptop.services.evidence.journalSize()).toBe(size);
    expect(settingsRow(laptop, `siteCa.pending:${SITE}`)).toBe(pending);

    const traversal = JSON.parse(readFileSync(requestPath, "utf8")) as Record<string, string>;
    traversal.deviceId = "/../../escaped";
    const traversalPath = join(work.path, "traversal.json");
    writeFileSync(traversalPath, JSON.stringify(traversal));
    await expect(ca.issue(traversalPath, { device: fingerprint, site: SITE, days: 30 })).rejects.toThrow(/a device id has letters, digits, dashes and underscores only/);
  });

  it("an expired intermediate is refused at install, with what IT must do", async () => {
    const request = await makeIntermediateRequest("Old Bay", "bay-laptop");
    const rootPem = readFileSync(join(itSide.dir.path, CA_ROOT_FILE), "utf8");
    const rootKey = passphraseProtector(CA_PASSPHRASE, "CA passphrase", 12).unprotect(readFileSync(join(itSide.dir.path, CA_ROOT_KEY_FILE), "utf8").trim());
    const old = await issueIntermediate({ certificatePem: rootPem, keyDer: rootKey }, request.csrPem, { site: "Old Bay", deviceFingerprint: fingerprint, days: 1, now: new Date(Date.now() - 3 * 86_400_000) });
    await expect(checkIntermediate(old, rootPem, new Date())).rejects.toThrow(/expired on .* IT: issue a new one \(fieldproof ca request on the laptop, then fieldproof it ca issue\)/);
  });
});

describe("revocation: IT revokes a laptop's issuing certificate by a root CRL the laptop installs", () => {
  let itSide: ItSide;
  let laptop: Laptop;
  let work: ReturnType<typeof tempDir>;
  let ca: ItCaService;

  beforeAll(async () => {
    itSide = await initIt();
    laptop = openLaptop();
    work = tempDir("fieldproof-site-ca-crl-");
    ca = new ItCaService(itSide.open(), async () => CA_PASSPHRASE);
    await ca.init("Acme Plants");
    await laptop.services.evidence.trustIt(itSide.trustPath, false);
    laptop.services.identity.ensureDevice();
    await laptop.services.plant.importPlant(
      { format: "fieldproof-plant/v1", site: { id: "north-bay", name: SITE }, generatedAt: new Date().toISOString(), controllers: [{ id: "plc-07", name: "PLC 07", kind: "plc", vendor: "Acme", model: "M", area: "A", line: "L1", cell: "C1", endpointUrl: "opc.tcp://127.0.0.1:1" }] },
      "test",
    );
    const request = join(work.path, "req.json");
    await laptop.services.ca.request(SITE, request);
    const answer = join(work.path, "answer.json");
    await ca.issue(request, { device: laptop.services.identity.status().fingerprint!, site: SITE, days: 90, out: answer });
    await laptop.services.ca.install(answer);
  });
  afterAll(async () => {
    await laptop?.close();
    laptop?.dir.cleanup();
    itSide?.dir.cleanup();
    work?.cleanup();
  });

  it("revokes, openssl sees it revoked, the laptop takes the newer CRL and signs nothing more; an older CRL or another CA's is refused", async () => {
    const [installed] = laptop.services.ca.list();
    expect(installed).toMatchObject({ state: "valid" });
    // A fresh CRL with nothing revoked: newer than the one the answer carried.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const fresh = await ca.crl(30);
    const before = join(work.path, "before.crl");
    copyFileSync(fresh.crl, before);
    expect(await laptop.services.ca.updateCrl(before)).toMatchObject({ revoked: 0, sites: [SITE], revokedSites: [] });
    expect(await laptop.services.ca.updateCrl(before)).toMatchObject({ sites: [] });

    await expect(ca.revoke("00ff", "keyCompromise")).rejects.toThrow(/IT issued no issuing certificate with serial 00ff/);
    const revoked = await ca.revoke(installed!.serial.toUpperCase(), "keyCompromise");
    expect(revoked).toMatchObject({ serial: installed!.serial, revokedCount: 1 });
    await expect(ca.revoke(installed!.serial, "superseded")).rejects.toThrow(/is revoked already/);
    const rootPem = join(itSide.dir.path, CA_ROOT_FILE);
    const interPem = join(work.path, "intermediate.pem");
    const answer = JSON.parse(readFileSync(join(work.path, "answer.json"), "utf8")) as { intermediate: string };
    writeFileSync(interPem, answer.intermediate);
    expect(openssl(["crl", "-in", revoked.crl, "-noout", "-text"]).out).toMatch(new RegExp(`Serial Number: ${installed!.serial.toUpperCase()}[\\s\\S]*Key Compromise`));
    expect(openssl(["verify", "-crl_check", "-CAfile", rootPem, "-CRLfile", revoked.crl, interPem]).out).toMatch(/certificate revoked/);
    expect(openssl(["verify", "-crl_check", "-CAfile", rootPem, "-CRLfile", before, interPem]).out).toMatch(/intermediate\.pem: OK/);

    const after = await laptop.services.ca.updateCrl(revoked.crl);
    expect(after).toMatchObject({ revoked: 1, sites: [SITE], revokedSites: [SITE] });
    expect(laptop.services.ca.list()[0]).toMatchObject({ site: SITE, state: "revoked" });
    expect(await recordFromEnd(laptop)).toMatchObject({ kind: "ca.crlInstalled", data: { revokedSerials: [installed!.serial], revokedSites: [SITE] } });
    await expect(laptop.services.ca.issue({ site: SITE, controllerId: "plc-07", csrPem: controllerCsr(work.path), method: "manual" })).rejects.toThrow(/IT revoked this laptop's issuing certificate for "North Bay"/);
    await expect(laptop.services.ca.updateCrl(before)).rejects.toThrow(/is older than the one "North Bay" holds/);
    const rogue = await makeRootCa("Rogue", new Date());
    const rogueCrl = join(work.path, "rogue.crl");
    writeFileSync(rogueCrl, await makeCrl(rogue, [], { now: new Date(), days: 30, number: Date.now() + 1 }));
    await expect(laptop.services.ca.updateCrl(rogueCrl)).rejects.toThrow(/The CRL is not signed by CN=Acme Plants/);
  });
});

describe("fieldproof it ca and fieldproof ca (the built command)", () => {
  it("init, request, issue, install and list from the command line; the passphrases come from the environment and are never printed", () => {
    const work = tempDir("fieldproof-site-ca-cli-");
    try {
      const env = { ...process.env, FIELDPROOF_PASSPHRASE: "laptop passphrase 1", FIELDPROOF_IT_PASSPHRASE: "it passphrase 12345", FIELDPROOF_CA_PASSPHRASE: CA_PASSPHRASE, FIELDPROOF_DATA_DIR: join(work.path, "laptop"), FIELDPROOF_IT_DIR: join(work.path, "it"), FIELDPROOF_DEVICE_NAME: "bay-07" };
      const run = (args: string[]): { code: number; out: string } => {
        const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env, timeout: 120_000 });
        return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
      };
      expect(run(["it", "init"]).code).toBe(0);
      const init = run(["it", "ca", "init", "--name", "Acme <b>Plants</b>"]);
      expect(init.code).toBe(0);
      // Markup in the name stays text, escaped as RFC 4514 writes a name.
      expect(init.out).toMatch(/Site CA root made: .*site-ca-root\.pem \(CN=Acme \\<b\\>Plants\\<\/b\\>, O=Fieldproof site CA/);
      expect(run(["it", "trust", join(work.path, "it", "it-public.json")]).code).toBe(0);
      const req = run(["ca", "request", "--site", SITE, "--out", join(work.path, "req.json")]);
      expect(req.code).toBe(0);
      // The command for IT, with the request's own path: copied as it is.
      expect(req.out).toContain(`fieldproof it ca issue --request ${join(work.path, "req.json")} --device "SHA256:`);
      const fpr = /fieldproof it ca issue --request \S+ --device "([^"]+)" --site "North Bay"/.exec(req.out)?.[1];
      expect(fpr).toMatch(/^SHA256:/);
      const issue = run(["it", "ca", "issue", "--request", join(work.path, "req.json"), "--device", fpr!, "--site", SITE, "--out", join(work.path, "answer.json")]);
      expect(issue.out).toMatch(/Issuing CA for "North Bay" signed: serial [0-9a-f]+, SHA-256 [0-9a-f]{64}, valid until /);
      expect(run(["ca", "install", join(work.path, "answer.json")]).out).toMatch(/Site CA for "North Bay" installed: .*root CN=Acme \\<b\\>Plants\\<\/b\\>/);
      const list = JSON.parse(run(["ca", "list", "--json"]).out) as Array<{ site: string; state: string }>;
      expect(list).toEqual([expect.objectContaining({ site: SITE, state: "valid" })]);
      for (const out of [init.out, req.out, issue.out]) {
        expect(out).not.toContain(CA_PASSPHRASE);
        expect(out).not.toContain("it passphrase 12345");
      }
    } finally {
      work.cleanup();
    }
  });
});

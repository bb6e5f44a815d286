import { renameSync, rmSync, writeFileSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";
import type { JournalRepository } from "../db/journalRepository";
import type { PlantRepository } from "../db/plantRepository";
import type { SettingsRepository } from "../db/settingsRepository";
import { ed25519Sign, ed25519Verify, publicKeyFromPem, publicKeyFromRaw, rawPublicKey, sha256Hex } from "../evidence/crypto";
import type { Identity } from "../evidence/identity";
import { certificateFacts, checkIntermediate, checkLeafNames, csrNames, issueLeaf, makeIntermediateRequest, type LeafNames } from "../evidence/siteCa";
import { CA_REQUEST_FORMAT, caRequestSigningBytes, parseSiteCaFile, SiteCaFile, siteCaSigningBytes, SiteName } from "../evidence/siteCaFiles";
import { readSmallFile } from "./evidenceService";

/** The settings key of IT's site CA root pin (set when the laptop trusts IT's trust file). */
export const SITE_CA_ROOT_PIN = "siteCa.rootPin";
const PENDING = (site: string): string => `siteCa.pending:${site}`;
const INSTALLED = (site: string): string => `siteCa.installed:${site}`;
const INSTALLED_PREFIX = "siteCa.installed:";
const DER = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----|\s/g, ""), "base64");
export const DEFAULT_LEAF_DAYS = 365;

interface Installed {
  readonly site: string;
  readonly intermediate: string;
  readonly root: string;
  /** The intermediate's PKCS#8 key, sealed as the device key is (safeStorage or the passphrase). */
  readonly protectedKey: string;
  readonly installedAt: string;
}

export interface SiteCaStatus {
  readonly site: string;
  readonly state: "valid" | "expired" | "not-yet-valid";
  readonly serial: string;
  readonly subject: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
  readonly rootSubject: string;
  readonly rootSha256: string;
  readonly installedAt: string;
}

export interface IssuedCertificate {
  readonly certificatePem: string;
  /** The intermediate then the root: what a vendor tool or UpdateCertificate takes as issuers. */
  readonly chainPem: string;
  readonly serial: string;
  readonly sha256: string;
  readonly notAfter: string;
  readonly names: LeafNames;
}

export interface CaServiceDeps {
  readonly settings: SettingsRepository;
  readonly journal: JournalRepository;
  readonly plant: PlantRepository;
  readonly identity: Identity;
  readonly now: () => Date;
}

/**
 * The laptop's issuing CA for a site: it makes the key and asks IT (a request file by USB), installs
 * IT's answer, and issues controller certificates from it, each one a journal record with the
 * certificate whole. The key never leaves the laptop and is sealed like the device key.
 */
export class CaService {
  constructor(private readonly deps: CaServiceDeps) {}

  /** `fieldproof ca request`: a new key for the site's intermediate, and the request for IT (signed by the device key). */
  async request(siteInput: string, out: string): Promise<{ out: string; site: string; csrSha256: string; deviceFingerprint: string }> {
    const site = this.site(siteInput);
    const { identity } = this.deps;
    const device = identity.ensureDevice();
    const status = identity.status();
    const made = await makeIntermediateRequest(site, status.name);
    const protectedKey = identity.keyProtector().protect(made.keyDer);
    made.keyDer.fill(0);
    const body = {
      format: CA_REQUEST_FORMAT,
      site,
      deviceId: device.id,
      deviceName: status.name,
      deviceFingerprint: status.fingerprint!,
      devicePublicKey: rawPublicKey(publicKeyFromPem(identity.devicePublicKeyPem())).toString("base64"),
      csr: made.csrPem,
      requestedAt: this.deps.now().toISOString(),
    } as const;
    const signature = ed25519Sign(device.signer.key, caRequestSigningBytes(body)).toString("base64");
    const csrSha256 = sha256Hex(DER(made.csrPem));
    // The file first (aside, then moved): a stick that is full or gone leaves the earlier request waiting, unchanged.
    const tmp = `${out}.tmp`;
    try {
      writeFileSync(tmp, `${JSON.stringify({ ...body, signature }, null, 2)}\n`);
      renameSync(tmp, out);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw new AppError("IO_ERROR", `The request could not be written to ${out}: ${(error as Error).message}. Nothing changed; any earlier request still waits.`, { cause: error });
    }
    identity.journal.transaction(() => {
      this.deps.settings.set(PENDING(site), JSON.stringify({ csr: made.csrPem, protectedKey, requestedAt: body.requestedAt }));
      identity.journal.appendInTransaction("ca.requested", [{ name: `fieldproof:site-ca/${site}` }], { site, csrSha256, spkiSha256: made.spkiSha256 });
    });
    return { out, site, csrSha256, deviceFingerprint: body.deviceFingerprint };
  }

  /** `fieldproof ca install`: IT's answer, checked (IT's signature, this laptop, the key asked for, the chain, validity) and kept. */
  async install(path: string): Promise<SiteCaStatus> {
    const file = parseSiteCaFile(readSmallFile(path, "site CA file"), SiteCaFile, "site CA file", "fieldproof it ca issue");
    const { identity } = this.deps;
    const deviceId = identity.deviceId();
    const trust = this.deps.journal.itTrust(deviceId);
    if (!trust) throw new AppError("PRECONDITION_FAILED", "This laptop trusts no IT key yet, so it cannot tell IT's site CA from another. Install IT's it-public.json first (fieldproof it trust FILE, or Settings › IT keys).");
    const { signature, ...body } = file;
    if (!ed25519Verify(publicKeyFromRaw(Buffer.from(trust.publicKey, "base64")), siteCaSigningBytes(body), Buffer.from(signature, "base64"))) {
      throw new AppError("INTEGRITY_ERROR", `The site CA file is not signed by IT's key (${trust.fingerprint}): it was altered, or comes from another IT. Nothing was installed.`);
    }
    const fingerprint = identity.status().fingerprint;
    if (file.deviceFingerprint !== fingerprint) {
      throw new AppError("PRECONDITION_FAILED", `IT issued this site CA for device key ${file.deviceFingerprint}, not this laptop (${fingerprint}). Each laptop asks for its own (fieldproof ca request). Nothing was installed.`);
    }
    const pendingText = this.deps.settings.get(PENDING(file.site));
    if (!pendingText) {
      throw new AppError("PRECONDITION_FAILED", `This laptop has no request waiting for site "${file.site}" (it was installed already, or asked again since). Run fieldproof ca request --site "${file.site}" and give IT the new request. Nothing was installed.`);
    }
    const pending = JSON.parse(pendingText) as { csr: string; protectedKey: string };
    const facts = certificateFacts(file.intermediate);
    if (facts.spkiSha256 !== (await csrNames(pending.csr)).spkiSha256) {
      throw new AppError("PRECONDITION_FAILED", `IT's issuing certificate for "${file.site}" is for another key than this laptop's latest request (an older request?). Give IT the latest request file. Nothing was installed.`);
    }
    const root = certificateFacts(file.root);
    const pin = this.deps.settings.get(SITE_CA_ROOT_PIN);
    if (!pin) {
      throw new AppError("PRECONDITION_FAILED", "This laptop has no pin for IT's site CA root. Install the it-public.json IT wrote after fieldproof it ca init (fieldproof it trust FILE, or Settings › IT keys), then install this file again. Nothing was installed.");
    }
    if (root.sha256 !== pin) {
      throw new AppError(
        "INTEGRITY_ERROR",
        `REFUSED, POSSIBLE IMPOSTOR: the site CA file's root (${root.subject}, SHA-256 ${root.sha256}) is not the root IT's trust file pins (SHA-256 ${pin}). Nothing was installed. Ask IT.`,
      );
    }
    await checkIntermediate(file.intermediate, file.root, this.deps.now());
    const installed: Installed = { site: file.site, intermediate: facts.pem, root: root.pem, protectedKey: pending.protectedKey, installedAt: this.deps.now().toISOString() };
    identity.journal.transaction(() => {
      this.deps.settings.set(INSTALLED(file.site), JSON.stringify(installed));
      this.deps.settings.set(PENDING(file.site), "");
      identity.journal.appendInTransaction("ca.installed", [{ name: `fieldproof:site-ca/${file.site}`, sha256: facts.sha256 }], {
        site: file.site,
        serial: facts.serial,
        subject: facts.subject,
        sha256: facts.sha256,
        spkiSha256: facts.spkiSha256,
        notBefore: facts.notBefore,
        notAfter: facts.notAfter,
        rootSubject: root.subject,
        rootSha256: root.sha256,
        certificate: DER(facts.pem).toString("base64"),
        root: DER(root.pem).toString("base64"),
      });
    });
    return this.status(installed);
  }

  /** The site CAs installed here, with their state now. */
  list(): SiteCaStatus[] {
    return this.deps.settings
      .entries(INSTALLED_PREFIX)
      .filter(([, v]) => v !== "")
      .map(([, v]) => this.status(JSON.parse(v) as Installed))
      .sort((a, b) => a.site.localeCompare(b.site));
  }

  /**
   * A controller certificate from the site's intermediate, for a CSR (the controller's own, from its
   * vendor tool or Part 12 CreateSigningRequest). Recorded whole before it is returned; the
   * intermediate's key is opened for this one signature and zeroed.
   */
  async issue(o: { site: string; controllerId: string; csrPem: string; names?: LeafNames; days?: number; method: "manual" | "opcua-part12" }): Promise<IssuedCertificate> {
    const site = this.site(o.site);
    if (!this.deps.plant.controller(o.controllerId)) throw new AppError("NOT_FOUND", `No controller "${o.controllerId}" in this plant. Check the id (fieldproof plant list).`);
    const text = this.deps.settings.get(INSTALLED(site));
    if (!text) throw new AppError("PRECONDITION_FAILED", `No site CA for "${site}" is installed on this laptop. Ask IT: fieldproof ca request --site "${site}", then install IT's answer with fieldproof ca install FILE.`);
    const ca = JSON.parse(text) as Installed;
    const now = this.deps.now();
    await checkIntermediate(ca.intermediate, ca.root, now);
    const asked = await csrNames(o.csrPem);
    const named = o.names ?? asked.names;
    if (!named) {
      throw new AppError("INVALID_REQUEST", "The CSR names no application URI (subjectAltName URI), which every OPC UA certificate must carry. Give it with --uri (and --dns, --ip), as the controller's current certificate has them. Nothing was issued.");
    }
    // Checked before the key is opened: wildcards, malformed names and too many are refused here.
    const names = checkLeafNames(named);
    const days = o.days ?? DEFAULT_LEAF_DAYS;
    if (!Number.isInteger(days) || days < 1 || days > 825) throw new AppError("INVALID_REQUEST", "--days must be a whole number from 1 to 825. Nothing was issued.");
    const keyDer = this.deps.identity.keyProtector().unprotect(ca.protectedKey);
    let pem: string;
    try {
      pem = await issueLeaf({ certificatePem: ca.intermediate, keyDer }, o.csrPem, { names, days, now });
    } finally {
      keyDer.fill(0);
    }
    const facts = certificateFacts(pem);
    const issuer = certificateFacts(ca.intermediate);
    this.deps.identity.journal.append("certificate.issued", [{ name: `fieldproof:controller/${o.controllerId}` }, { name: `fieldproof:certificate/${facts.serial}`, sha256: facts.sha256 }], {
      site,
      controllerId: o.controllerId,
      method: o.method,
      serial: facts.serial,
      subject: facts.subject,
      sha256: facts.sha256,
      spkiSha256: facts.spkiSha256,
      csrSha256: sha256Hex(DER(o.csrPem)),
      applicationUri: names.applicationUri,
      dns: [...names.dns],
      ips: [...names.ips],
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      issuerSha256: issuer.sha256,
      certificate: DER(pem).toString("base64"),
    });
    return { certificatePem: pem, chainPem: `${ca.intermediate.trimEnd()}\n${ca.root.trimEnd()}\n`, serial: facts.serial, sha256: facts.sha256, notAfter: facts.notAfter, names };
  }

  private site(input: string): string {
    const parsed = SiteName.safeParse(input);
    if (!parsed.success) throw new AppError("INVALID_REQUEST", `"${input}" is not a site name: ${parsed.error.issues[0]?.message ?? "invalid"}.`);
    return parsed.data;
  }

  private status(ca: Installed): SiteCaStatus {
    const facts = certificateFacts(ca.intermediate);
    const root = certificateFacts(ca.root);
    const now = this.deps.now().toISOString();
    return {
      site: ca.site,
      state: now < facts.notBefore ? "not-yet-valid" : now > facts.notAfter ? "expired" : "valid",
      serial: facts.serial,
      subject: facts.subject,
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      sha256: facts.sha256,
      rootSubject: root.subject,
      rootSha256: root.sha256,
      installedAt: ca.installedAt,
    };
  }
}

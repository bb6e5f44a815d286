import { renameSync, rmSync, writeFileSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";
import type { JournalRepository } from "../db/journalRepository";
import type { PlantRepository } from "../db/plantRepository";
import type { SettingsRepository } from "../db/settingsRepository";
import { ed25519Sign, ed25519Verify, publicKeyFromPem, publicKeyFromRaw, rawPublicKey, sha256Hex } from "../evidence/crypto";
import type { Identity } from "../evidence/identity";
import { certificateFacts, checkCrl, derOf, checkIntermediate, checkLeafNames, crlFactsUnchecked, csrNames, issueLeaf, makeCrl, REVOCATION_REASONS, type RevocationReason, makeIntermediateRequest, type LeafNames } from "../evidence/siteCa";
import { CA_REQUEST_FORMAT, caRequestSigningBytes, parseSiteCaFile, SiteCaFile, siteCaSigningBytes, SiteName } from "../evidence/siteCaFiles";
import { readSmallFile } from "./evidenceService";
import type { CertificatePreflight } from "../../shared/contract";
import type { ControllerConnector, Login } from "../connectors/port";

/** The settings key of IT's site CA root pin (set when the laptop trusts IT's trust file). */
export const SITE_CA_ROOT_PIN = "siteCa.rootPin";
const PENDING = (site: string): string => `siteCa.pending:${site}`;
const INSTALLED = (site: string): string => `siteCa.installed:${site}`;
const INSTALLED_PREFIX = "siteCa.installed:";
const REVOKED = (site: string): string => `siteCa.revoked:${site}`;
export const DEFAULT_LEAF_DAYS = 365;

interface Installed {
  readonly site: string;
  readonly intermediate: string;
  readonly root: string;
  /** The root's latest CRL this laptop holds (from IT's answer, or fieldproof ca update-crl). */
  readonly rootCrl: string;
  /** The intermediate's PKCS#8 key, sealed as the device key is (safeStorage or the passphrase). */
  readonly protectedKey: string;
  readonly installedAt: string;
}

export interface SiteCaStatus {
  readonly site: string;
  readonly state: "valid" | "expired" | "not-yet-valid" | "revoked";
  /** The root CRL held: when it was made and when the next is due. */
  readonly crlThisUpdate: string;
  readonly crlNextUpdate: string | null;
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
  readonly connector: () => ControllerConnector;
  /** The technician login stored for a controller (the vault), or null. */
  readonly login: (controllerId: string) => Login | null;
  readonly timeoutMs: number;
}

/** A controller more than this behind the laptop would not yet accept a certificate valid from an hour ago. */
const CLOCK_BEHIND_LIMIT_S = 3600;
const CLOCK_WARN_S = 300;
/** Room a trust list needs for the site CA's two certificates and a CRL, roughly. */
const TRUST_LIST_ROOM = 6 * 1024;

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
    const csrSha256 = sha256Hex(derOf(made.csrPem));
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
    const held = this.deps.settings.get(INSTALLED(file.site));
    if (!pendingText && held && certificateFacts((JSON.parse(held) as Installed).intermediate).sha256 === certificateFacts(file.intermediate).sha256) {
      throw new AppError("CONFLICT", `This site CA for "${file.site}" is installed already (fieldproof ca list). Nothing changed.`);
    }
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
    const crl = await checkCrl(file.rootCrl, file.root);
    if (crl.revoked.includes(facts.serial)) throw new AppError("PRECONDITION_FAILED", `IT revoked this issuing certificate (serial ${facts.serial}) already. Ask IT for a new one (fieldproof ca request, then fieldproof it ca issue). Nothing was installed.`);
    const installed: Installed = { site: file.site, intermediate: facts.pem, root: root.pem, rootCrl: crl.pem, protectedKey: pending.protectedKey, installedAt: this.deps.now().toISOString() };
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
        certificate: derOf(facts.pem).toString("base64"),
        root: derOf(root.pem).toString("base64"),
      });
    });
    return this.status(installed);
  }

  /**
   * `fieldproof ca update-crl FILE`: IT's newer root CRL (signed by the pinned root). It replaces the
   * one each site CA holds when it is newer; an issuing certificate it revokes signs nothing more.
   */
  async updateCrl(path: string): Promise<{ thisUpdate: string; nextUpdate: string | null; revoked: number; sites: string[]; revokedSites: string[] }> {
    const text = readSmallFile(path, "CRL");
    const pin = this.deps.settings.get(SITE_CA_ROOT_PIN);
    const entries = this.deps.settings.entries(INSTALLED_PREFIX).filter(([, v]) => v !== "").map(([k, v]) => [k, JSON.parse(v) as Installed] as const);
    const ours = entries.filter(([, ca]) => certificateFacts(ca.root).sha256 === pin);
    if (!pin || ours.length === 0) throw new AppError("PRECONDITION_FAILED", "No site CA from IT's pinned root is installed on this laptop, so there is nothing this CRL applies to. Nothing was installed.");
    const crl = await checkCrl(text, ours[0]![1].root);
    const updated: string[] = [];
    const revokedSites: string[] = [];
    for (const [, ca] of ours) {
      const held = await checkCrl(ca.rootCrl, ca.root);
      // By CRLNumber: two CRLs made in the same second have the same thisUpdate.
      if (crl.number < held.number) {
        throw new AppError("PRECONDITION_FAILED", `This CRL (made ${crl.thisUpdate}) is older than the one "${ca.site}" holds (made ${held.thisUpdate}). Use IT's latest site-ca-root.crl. Nothing was installed.`);
      }
      if (crl.number > held.number) updated.push(ca.site);
      if (crl.revoked.includes(certificateFacts(ca.intermediate).serial)) revokedSites.push(ca.site);
    }
    if (updated.length > 0) {
      this.deps.identity.journal.transaction(() => {
        for (const [key, ca] of ours) if (updated.includes(ca.site)) this.deps.settings.set(key, JSON.stringify({ ...ca, rootCrl: crl.pem }));
        this.deps.identity.journal.appendInTransaction("ca.crlInstalled", [{ name: `fieldproof:site-ca-root/${pin}`, sha256: crl.sha256 }], {
          rootSha256: pin,
          sha256: crl.sha256,
          thisUpdate: crl.thisUpdate,
          nextUpdate: crl.nextUpdate,
          revokedSerials: [...crl.revoked].slice(0, 1000),
          revokedSites,
          crl: derOf(crl.pem).toString("base64"),
        });
      });
    }
    return { thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked: crl.revoked.length, sites: updated, revokedSites };
  }

  /**
   * `fieldproof certificates revoke`: revokes a controller certificate this laptop issued from a
   * site's intermediate and writes the intermediate's CRL (every certificate it revoked) to `out`,
   * for the controller's clients' trust lists. Recorded with the CRL whole.
   */
  async revokeIssued(siteInput: string, serialInput: string, reason: RevocationReason, out: string): Promise<{ out: string; serial: string; controllerId: string; revokedCount: number }> {
    const site = this.site(siteInput);
    if (!REVOCATION_REASONS.includes(reason)) throw new AppError("INVALID_REQUEST", `--reason must be one of ${REVOCATION_REASONS.join(", ")}.`);
    const serial = serialInput.trim().toLowerCase().replace(/[:\s]/g, "");
    const text = this.deps.settings.get(INSTALLED(site));
    if (!text) throw new AppError("PRECONDITION_FAILED", `No site CA for "${site}" is installed on this laptop; only the laptop that issued a certificate can revoke it.`);
    const ca = JSON.parse(text) as Installed;
    const issued = this.issuedRecords().find((d) => d.site === site && d.serial === serial);
    if (!issued) throw new AppError("NOT_FOUND", `This laptop issued no certificate with serial ${serial} for "${site}" (fieldproof records --json lists them, kind certificate.issued). Nothing was revoked.`);
    const listed = JSON.parse(this.deps.settings.get(REVOKED(site)) || "[]") as { serial: string; revokedAt: string; reason: RevocationReason }[];
    if (listed.some((r) => r.serial === serial)) throw new AppError("CONFLICT", `Certificate ${serial} is revoked already.`);
    const now = this.deps.now();
    const entries = [...listed, { serial, revokedAt: now.toISOString(), reason }];
    const keyDer = this.deps.identity.keyProtector().unprotect(ca.protectedKey);
    let pem: string;
    try {
      pem = await makeCrl({ certificatePem: ca.intermediate, keyDer }, entries, { now, days: 30, number: now.getTime() });
    } finally {
      keyDer.fill(0);
    }
    const crl = await checkCrl(pem, ca.intermediate);
    // The CRL file first: a stick that is gone leaves nothing revoked here that nobody can carry.
    const tmp = `${out}.tmp`;
    try {
      writeFileSync(tmp, pem);
      renameSync(tmp, out);
    } catch (error) {
      rmSync(tmp, { force: true });
      throw new AppError("IO_ERROR", `The CRL could not be written to ${out}: ${(error as Error).message}. Nothing was revoked.`, { cause: error });
    }
    this.deps.identity.journal.transaction(() => {
      this.deps.settings.set(REVOKED(site), JSON.stringify(entries));
      this.deps.identity.journal.appendInTransaction("certificate.revoked", [{ name: `fieldproof:controller/${issued.controllerId}` }, { name: `fieldproof:certificate/${serial}` }], {
        site,
        controllerId: issued.controllerId,
        serial,
        reason,
        crlSha256: crl.sha256,
        crl: derOf(crl.pem).toString("base64"),
      });
    });
    return { out, serial, controllerId: issued.controllerId, revokedCount: entries.length };
  }

  /** The certificate.issued records of this laptop's journal, their data. */
  private issuedRecords(): Array<{ site: string; serial: string; controllerId: string }> {
    const page = this.deps.journal.list({ offset: 0, limit: 100_000, kind: "certificate.issued" });
    return page.records.map((r) => (JSON.parse(Buffer.from(r.payload).toString("utf8")) as { predicate: { data: { site: string; serial: string; controllerId: string } } }).predicate.data);
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
    if (!this.deps.plant.controller(o.controllerId)) throw new AppError("NOT_FOUND", `No controller "${o.controllerId}" in this plant. Check the id: the Plant screen shows it, as does the controllerId of fieldproof scan --json.`);
    const text = this.deps.settings.get(INSTALLED(site));
    if (!text) throw new AppError("PRECONDITION_FAILED", `No site CA for "${site}" is installed on this laptop. Ask IT: fieldproof ca request --site "${site}", then install IT's answer with fieldproof ca install FILE.`);
    const ca = JSON.parse(text) as Installed;
    const now = this.deps.now();
    await checkIntermediate(ca.intermediate, ca.root, now);
    if ((await checkCrl(ca.rootCrl, ca.root)).revoked.includes(certificateFacts(ca.intermediate).serial)) {
      throw new AppError("PRECONDITION_FAILED", `IT revoked this laptop's issuing certificate for "${site}". Nothing can be signed with it: ask IT for a new one (fieldproof ca request --site "${site}", then fieldproof it ca issue). Nothing was issued.`);
    }
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
      csrSha256: sha256Hex(derOf(o.csrPem)),
      applicationUri: names.applicationUri,
      dns: [...names.dns],
      ips: [...names.ips],
      notBefore: facts.notBefore,
      notAfter: facts.notAfter,
      issuerSha256: issuer.sha256,
      certificate: derOf(pem).toString("base64"),
    });
    return { certificatePem: pem, chainPem: `${ca.intermediate.trimEnd()}\n${ca.root.trimEnd()}\n`, serial: facts.serial, sha256: facts.sha256, notAfter: facts.notAfter, names };
  }

  /**
   * Part 12 preflight, read only: what the controller offers for a certificate rotation, and whether
   * one can push (`push`), must go by the manual path (`manual`), or must wait for something to be
   * fixed first (`blocked`). Nothing is written to the controller or the journal.
   */
  async preflight(controllerId: string): Promise<CertificatePreflight> {
    const controller = this.deps.plant.controller(controllerId);
    if (!controller) throw new AppError("NOT_FOUND", `No controller "${controllerId}" in this plant. Check the id: the Plant screen shows it, as does the controllerId of fieldproof scan --json.`);
    if (!controller.trustedThumbprint) {
      throw new AppError("PRECONDITION_FAILED", `${controller.name}'s certificate is not trusted yet, so nothing is sent to it. Scan it and trust its certificate first (fieldproof scan --trust-new, or the Plant screen).`);
    }
    const login = this.deps.login(controllerId);
    if (!login) throw new AppError("PRECONDITION_FAILED", `No login is stored for ${controller.name}. Store its technician login (a SecurityAdmin account) first; reading its certificate set-up needs a session.`);
    const connector = this.deps.connector();
    const setup = await connector.readCertificateSetup(controller.endpointUrl, login, { expectedThumbprint: controller.trustedThumbprint, timeoutMs: this.deps.timeoutMs });
    const client = await connector.clientCertificate();
    const now = this.deps.now();
    const skew = setup.serverTime ? Math.round((Date.parse(setup.serverTime) - now.getTime()) / 1000) : null;
    const notes: CertificatePreflight["notes"] = [];
    const m = setup.methods;
    const push = ["CreateSigningRequest", "UpdateCertificate", "ApplyChanges"] as const;
    const absent = push.filter((name) => m[name] === "absent");
    const refused = push.filter((name) => m[name] === "not-permitted");
    let verdict: CertificatePreflight["verdict"] = "push";
    if (absent.length > 0) {
      verdict = "manual";
      notes.push({
        severity: "warning",
        text: `${controller.name} has no Part 12 certificate push (${absent.join(", ")} not there). Rotate it by the manual path: its vendor tool makes a CSR, fieldproof certificates issue --csr FILE --controller ${controllerId} writes the certificate and chain for the tool, and the next scan proves what it presents.`,
      });
    } else if (refused.length > 0) {
      verdict = "blocked";
      notes.push({ severity: "blocker", text: `The stored login (${login.userName}) may not call ${refused.join(", ")} on ${controller.name}. Store a login with the SecurityAdmin role for it.` });
    }
    if (skew === null) notes.push({ severity: "warning", text: `${controller.name}'s clock could not be read: check it by hand before a new certificate is pushed (it must not be more than an hour behind).` });
    else if (skew < -CLOCK_BEHIND_LIMIT_S) {
      if (verdict === "push") verdict = "blocked";
      notes.push({ severity: "blocker", text: `${controller.name}'s clock is ${formatSkew(-skew)} behind this laptop: a new certificate would not be valid yet on it, and it would refuse it. Set its clock first.` });
    } else if (Math.abs(skew) > CLOCK_WARN_S) notes.push({ severity: "warning", text: `${controller.name}'s clock is ${formatSkew(Math.abs(skew))} ${skew > 0 ? "ahead of" : "behind"} this laptop.` });
    const group = setup.groups.find((g) => g.name === "DefaultApplicationGroup");
    if (verdict === "push" && !group) {
      verdict = "blocked";
      notes.push({ severity: "blocker", text: `${controller.name} lists no DefaultApplicationGroup, the certificate group its own certificate belongs to. Its certificate cannot be pushed.` });
    }
    if (group && group.certificateTypes.length > 0 && !group.certificateTypes.some((t) => /Rsa(Sha256|Min)ApplicationCertificateType|^ApplicationCertificateType$/.test(t))) {
      notes.push({ severity: "warning", text: `${controller.name}'s application group takes ${group.certificateTypes.join(", ")}; the site CA issues RSA with SHA-256 certificates.` });
    }
    const list = group?.trustList;
    if (group && !list) notes.push({ severity: "warning", text: `${controller.name}'s trust list could not be read (see the gaps); the rotation reads it again before it adds the site CA.` });
    if (list?.complete) {
      if (list.trusted.some((c) => c.sha256 === client.thumbprintSha256)) notes.push({ severity: "info", text: `Fieldproof's own certificate is in ${controller.name}'s trust list; every list the rotation writes keeps it there.` });
      else notes.push({ severity: "warning", text: `Fieldproof's own certificate is not in ${controller.name}'s trust list (the controller trusts it another way); the rotation adds it to every list it writes, so it is not locked out.` });
      const installed = this.list();
      const known = new Set([...list.trusted, ...list.issuers].map((c) => c.sha256));
      for (const ca of installed) {
        const trusted = known.has(ca.rootSha256);
        notes.push({ severity: "info", text: trusted ? `${controller.name} trusts the site CA root (${ca.rootSubject}) already.` : `${controller.name} does not trust the site CA root (${ca.rootSubject}) yet: the rotation adds it first.` });
      }
      if (setup.maxTrustListSize && setup.maxTrustListSize > 0 && list.bytes + TRUST_LIST_ROOM > setup.maxTrustListSize) {
        notes.push({ severity: "warning", text: `${controller.name}'s trust list is ${list.bytes} bytes of at most ${setup.maxTrustListSize}: adding the site CA may not fit; remove stale certificates first.` });
      }
    }
    const presented = new Set(setup.endpointCertificates.filter((e) => e.securityMode !== "None").map((e) => e.sha256));
    if (presented.size > 1) notes.push({ severity: "warning", text: `${controller.name}'s secure endpoints present ${presented.size} different certificates; the rotation replaces the application group's and proves each endpoint.` });
    const order = { blocker: 0, warning: 1, info: 2 } as const;
    notes.sort((a, b) => order[a.severity] - order[b.severity]);
    return {
      controllerId,
      verdict,
      notes,
      setup: {
        serverTime: setup.serverTime,
        clockSkewSeconds: skew,
        methods: { ...setup.methods },
        supportedPrivateKeyFormats: setup.supportedPrivateKeyFormats ? [...setup.supportedPrivateKeyFormats] : null,
        maxTrustListSize: setup.maxTrustListSize,
        groups: setup.groups.map((g) => ({ ...g, certificateTypes: [...g.certificateTypes], trustList: g.trustList ? { ...g.trustList, trusted: [...g.trustList.trusted], issuers: [...g.trustList.issuers] } : null })),
        endpointCertificates: setup.endpointCertificates.map((e) => ({ ...e })),
        channelCertificateSha256: setup.channelCertificateSha256,
        gaps: setup.gaps.map((g) => ({ ...g })),
      },
    };
  }

  private site(input: string): string {
    const parsed = SiteName.safeParse(input);
    if (!parsed.success) throw new AppError("INVALID_REQUEST", `"${input}" is not a site name: ${parsed.error.issues[0]?.message ?? "invalid"}.`);
    return parsed.data;
  }

  private status(ca: Installed): SiteCaStatus {
    const facts = certificateFacts(ca.intermediate);
    const root = certificateFacts(ca.root);
    const crl = crlFactsUnchecked(ca.rootCrl);
    const now = this.deps.now().toISOString();
    return {
      site: ca.site,
      state: crl.revoked.includes(facts.serial) ? "revoked" : now < facts.notBefore ? "not-yet-valid" : now > facts.notAfter ? "expired" : "valid",
      crlThisUpdate: crl.thisUpdate,
      crlNextUpdate: crl.nextUpdate,
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

function formatSkew(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
}

import { appendFileSync, chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../shared/domain/errors";
import { canonicalFingerprint, ed25519Verify, fingerprintOf, publicKeyFromPem, publicKeyFromRaw, rawPublicKey } from "../evidence/crypto";
import { passphraseProtector } from "../evidence/protector";
import { siteCaRootPinBytes } from "../evidence/itKeys";
import { certificateFacts, issueIntermediate, makeCrl, makeRootCa, readCsr, REVOCATION_REASONS, type RevocationReason } from "../evidence/siteCa";
import { CaRequestFile, caRequestSigningBytes, parseSiteCaFile, SITE_CA_FORMAT, siteCaSigningBytes, type SiteCaFile } from "../evidence/siteCaFiles";
import { readSmallFile } from "./evidenceService";
import { IT_TRUST_FILE, type ItService } from "./itService";

export const CA_ROOT_FILE = "site-ca-root.pem";
export const CA_ROOT_KEY_FILE = "site-ca-root-key.txt";
export const CA_LOG_FILE = "site-ca-issued.jsonl";
export const CA_REVOKED_FILE = "site-ca-revoked.jsonl";
export const CA_CRL_FILE = "site-ca-root.crl";
/** Days a root CRL is valid: laptops and controllers need a fresh one within this. */
export const DEFAULT_CRL_DAYS = 30;
/** The CA passphrase is the root key's alone: the collector, which holds IT's passphrase, cannot sign certificates. */
const CA_PASSPHRASE_MIN = 12;
export const MAX_INTERMEDIATE_DAYS = 397;

/**
 * IT's offline site CA, in the IT folder: `it ca init` makes the root (its key sealed with a CA
 * passphrase of its own), `it ca issue` signs a laptop's intermediate for one site from the laptop's
 * request and writes it with the root into a file signed by IT's key. Every issue is appended to
 * site-ca-issued.jsonl (serial, SHA-256, device, site, validity).
 */
export class ItCaService {
  constructor(
    private readonly it: ItService,
    private readonly caPassphrase: () => Promise<string>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private path(file: string): string {
    return join(this.it.itDir, file);
  }

  async init(name: string): Promise<{ certificate: string; sha256: string; subject: string; notAfter: string; trust: string }> {
    if (existsSync(this.path(CA_ROOT_FILE)) || existsSync(this.path(CA_ROOT_KEY_FILE))) {
      throw new AppError("CONFLICT", `The site CA already exists in ${this.it.itDir} (${CA_ROOT_FILE}). Refusing to replace it: controllers and laptops trust its root.`);
    }
    const caPassphrase = await this.caPassphrase();
    if (await this.it.passphraseIs(caPassphrase)) {
      throw new AppError("INVALID_REQUEST", "The CA passphrase must not be IT's passphrase: the collector holds IT's passphrase, and must not be able to sign certificates. Choose another (FIELDPROOF_CA_PASSPHRASE). Nothing was made.");
    }
    const protector = passphraseProtector(caPassphrase, "CA passphrase", CA_PASSPHRASE_MIN);
    const root = await makeRootCa(name, this.now());
    const facts = certificateFacts(root.certificatePem);
    // Both files are written aside and moved into place: a failure leaves neither (init can run again).
    const keyTmp = `${this.path(CA_ROOT_KEY_FILE)}.tmp`;
    const certTmp = `${this.path(CA_ROOT_FILE)}.tmp`;
    try {
      writeFileSync(keyTmp, `${protector.protect(root.keyDer)}\n`, { mode: 0o600 });
      chmodSync(keyTmp, 0o600);
      writeFileSync(certTmp, root.certificatePem);
      renameSync(keyTmp, this.path(CA_ROOT_KEY_FILE));
      renameSync(certTmp, this.path(CA_ROOT_FILE));
    } catch (error) {
      for (const f of [keyTmp, certTmp, this.path(CA_ROOT_KEY_FILE)]) rmSync(f, { force: true });
      throw new AppError("IO_ERROR", `The site CA could not be written to ${this.it.itDir}: ${(error as Error).message}. Nothing was kept; run it ca init again.`, { cause: error });
    } finally {
      root.keyDer.fill(0);
    }
    // Laptops pin the root from the trust file, the one thing they install from IT by hand.
    const { signature } = await this.it.signAsIt(siteCaRootPinBytes(facts.sha256));
    const trust = { ...this.it.trustFile(), siteCa: { rootSha256: facts.sha256, rootSubject: facts.subject, signature } };
    writeFileSync(this.path(IT_TRUST_FILE), `${JSON.stringify(trust, null, 2)}\n`);
    return { certificate: this.path(CA_ROOT_FILE), sha256: facts.sha256, subject: facts.subject, notAfter: facts.notAfter, trust: this.path(IT_TRUST_FILE) };
  }

  /**
   * Signs the intermediate a laptop asked for. `device` is the fingerprint IT read off the laptop
   * (as for enrolment): the request must be signed by that device key, and by the key IT enrolled
   * for that device if it knows it.
   */
  async issue(requestPath: string, o: { device: string; site: string; days: number; out?: string }): Promise<{ out: string; serial: string; sha256: string; notAfter: string }> {
    if (!Number.isInteger(o.days) || o.days < 1 || o.days > MAX_INTERMEDIATE_DAYS) {
      throw new AppError("INVALID_REQUEST", `--days must be a whole number from 1 to ${MAX_INTERMEDIATE_DAYS} (an issuing CA on a laptop is short-lived; 90 is the default).`);
    }
    const expected = canonicalFingerprint(o.device);
    if (!expected) throw new AppError("INVALID_REQUEST", `"${o.device}" is not a device key fingerprint (SHA256: and 32 hex digits, as the laptop's Settings › IT collector or fieldproof info shows it).`);
    const request = parseSiteCaFile(readSmallFile(requestPath, "site CA request"), CaRequestFile, "site CA request", "fieldproof ca request");
    const { signature, ...body } = request;
    const deviceKey = publicKeyFromRaw(Buffer.from(request.devicePublicKey, "base64"));
    const fingerprint = fingerprintOf(deviceKey);
    if (fingerprint !== request.deviceFingerprint || !ed25519Verify(deviceKey, caRequestSigningBytes(body), Buffer.from(signature, "base64"))) {
      throw new AppError("INTEGRITY_ERROR", "The site CA request is not signed by the device key it names: it was altered. Ask the technician to run fieldproof ca request again. Nothing was issued.");
    }
    if (fingerprint !== expected) {
      // The request's own fingerprint is not shown: IT must read it off the laptop, not copy it from here.
      throw new AppError("PRECONDITION_FAILED", `The request is not signed by device key ${expected} as given. Compare the fingerprint with the laptop's own screen (Settings, or fieldproof info on it) again. Nothing was issued.`);
    }
    const enrolled = this.it.repo.device(request.deviceId);
    if (enrolled && rawPublicKey(publicKeyFromPem(enrolled.publicKey)).toString("base64") !== request.devicePublicKey) {
      throw new AppError("PRECONDITION_FAILED", `IT enrolled device ${request.deviceId} with key ${enrolled.fingerprint}; this request is signed by ${fingerprint}. Nothing was issued.`);
    }
    if (request.site !== o.site) throw new AppError("PRECONDITION_FAILED", `The laptop asked for site "${request.site}", not "${o.site}". Nothing was issued.`);
    // The CSR is checked before the root's key is opened.
    await readCsr(request.csr);
    const root = await this.root();
    const at = this.now();
    let intermediate: string;
    let rootCrl: string;
    try {
      intermediate = await issueIntermediate(root, request.csr, { site: request.site, deviceFingerprint: fingerprint, days: o.days, now: at });
      rootCrl = await this.signCrl(root, at, DEFAULT_CRL_DAYS);
    } finally {
      root.keyDer.fill(0);
    }
    const facts = certificateFacts(intermediate);
    const unsigned = { format: SITE_CA_FORMAT, site: request.site, deviceFingerprint: fingerprint, intermediate, root: root.certificatePem, rootCrl, issuedAt: at.toISOString(), itKeyName: this.it.repo.identity()!.keyName } as const;
    const signed: SiteCaFile = { ...unsigned, signature: (await this.it.signAsIt(siteCaSigningBytes(unsigned))).signature };
    const out = o.out ?? this.path(`site-ca-${request.site.replace(/[^A-Za-z0-9_-]+/g, "_")}-${request.deviceId.replace(/[^A-Za-z0-9_-]+/g, "_")}.json`);
    // Written aside first (a folder that does not exist fails here, before anything is logged), then
    // logged, then moved into place: no certificate leaves IT that the log does not name.
    try {
      writeFileSync(`${out}.tmp`, `${JSON.stringify(signed, null, 2)}\n`);
    } catch (error) {
      throw new AppError("IO_ERROR", `The answer could not be written to ${out}: ${(error as Error).message}. Nothing was issued or logged; give --out a folder that exists.`, { cause: error });
    }
    appendFileSync(
      this.path(CA_LOG_FILE),
      `${JSON.stringify({ issuedAt: signed.issuedAt, site: request.site, deviceId: request.deviceId, deviceName: request.deviceName, deviceFingerprint: fingerprint, serial: facts.serial, sha256: facts.sha256, notBefore: facts.notBefore, notAfter: facts.notAfter })}\n`,
    );
    renameSync(`${out}.tmp`, out);
    return { out, serial: facts.serial, sha256: facts.sha256, notAfter: facts.notAfter };
  }

  /** The issuing certificates IT revoked, from site-ca-revoked.jsonl. */
  revoked(): Array<{ serial: string; reason: RevocationReason; revokedAt: string; site: string; deviceFingerprint: string }> {
    if (!existsSync(this.path(CA_REVOKED_FILE))) return [];
    return readFileSync(this.path(CA_REVOKED_FILE), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { serial: string; reason: RevocationReason; revokedAt: string; site: string; deviceFingerprint: string });
  }

  /**
   * Revokes an issuing certificate IT signed (by its serial, from site-ca-issued.jsonl) and writes a
   * new root CRL. Give laptops and controllers the CRL (fieldproof ca update-crl on a laptop).
   */
  async revoke(serialInput: string, reason: RevocationReason): Promise<{ crl: string; serial: string; revokedCount: number }> {
    if (!REVOCATION_REASONS.includes(reason)) throw new AppError("INVALID_REQUEST", `--reason must be one of ${REVOCATION_REASONS.join(", ")}.`);
    const serial = serialInput.trim().toLowerCase().replace(/[:\s]/g, "");
    const issued = existsSync(this.path(CA_LOG_FILE))
      ? readFileSync(this.path(CA_LOG_FILE), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { serial: string; site: string; deviceFingerprint: string })
      : [];
    const entry = issued.find((e) => e.serial === serial);
    if (!entry) throw new AppError("NOT_FOUND", `IT issued no issuing certificate with serial ${serial} (see ${CA_LOG_FILE}). Nothing was revoked.`);
    if (this.revoked().some((r) => r.serial === serial)) throw new AppError("CONFLICT", `Serial ${serial} is revoked already. Run fieldproof it ca crl for a fresh CRL.`);
    const root = await this.root();
    try {
      const line = { serial, reason, revokedAt: this.now().toISOString(), site: entry.site, deviceFingerprint: entry.deviceFingerprint };
      // The CRL first (from the list with this entry), then the list: a failure leaves the list as it was.
      const crl = await this.signCrl(root, this.now(), DEFAULT_CRL_DAYS, [...this.revoked(), line]);
      appendFileSync(this.path(CA_REVOKED_FILE), `${JSON.stringify(line)}\n`);
      this.writeCrl(crl);
      return { crl: this.path(CA_CRL_FILE), serial, revokedCount: this.revoked().length };
    } finally {
      root.keyDer.fill(0);
    }
  }

  /** A fresh root CRL (site-ca-root.crl), valid `days` days: to carry to laptops and controllers before the last one runs out. */
  async crl(days = DEFAULT_CRL_DAYS): Promise<{ crl: string; revokedCount: number; nextUpdate: string }> {
    if (!Number.isInteger(days) || days < 1 || days > 397) throw new AppError("INVALID_REQUEST", "--days must be a whole number from 1 to 397.");
    const root = await this.root();
    try {
      this.writeCrl(await this.signCrl(root, this.now(), days));
    } finally {
      root.keyDer.fill(0);
    }
    return { crl: this.path(CA_CRL_FILE), revokedCount: this.revoked().length, nextUpdate: new Date(this.now().getTime() + days * 86_400_000).toISOString() };
  }

  private signCrl(root: { certificatePem: string; keyDer: Buffer }, at: Date, days: number, revoked = this.revoked()): Promise<string> {
    // CRLNumber: milliseconds since 1970, so every later CRL has a larger number, across processes.
    return makeCrl(root, revoked, { now: at, days, number: at.getTime() });
  }

  private writeCrl(pem: string): void {
    writeFileSync(`${this.path(CA_CRL_FILE)}.tmp`, pem);
    renameSync(`${this.path(CA_CRL_FILE)}.tmp`, this.path(CA_CRL_FILE));
  }

  private async root(): Promise<{ certificatePem: string; keyDer: Buffer }> {
    if (!existsSync(this.path(CA_ROOT_FILE)) || !existsSync(this.path(CA_ROOT_KEY_FILE))) {
      throw new AppError("PRECONDITION_FAILED", `${this.it.itDir} has no site CA. Run fieldproof it ca init --it-dir ${this.it.itDir} first (on the offline IT workstation).`);
    }
    const keyDer = passphraseProtector(await this.caPassphrase(), "CA passphrase", CA_PASSPHRASE_MIN).unprotect(readFileSync(this.path(CA_ROOT_KEY_FILE), "utf8").trim());
    return { certificatePem: readFileSync(this.path(CA_ROOT_FILE), "utf8"), keyDer };
  }
}

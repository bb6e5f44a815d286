import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash, type KeyObject } from "node:crypto";
import { join } from "node:path";
import { AppError } from "../../shared/domain/errors";
import { Statement, ZERO_HASH } from "../../shared/evidence";
import { IT_MIGRATIONS } from "../db/migrations/it";
import { ItRepository, type DeviceHead, type EnrolledDevice } from "../db/itRepository";
import { openDatabase, type Database } from "../db";
import { readBundle, type ParsedBundle } from "../evidence/bundleReader";
import { ed25519Sign, fingerprintOf, keyIdOf, privateKeyFromDer, publicKeyFromPem, sha256Hex } from "../evidence/crypto";
import { generateItKeys, type ItTrustFile } from "../evidence/itKeys";
import { introducedKey } from "../evidence/keyRing";
import { compactRange, EMPTY_ROOT, foldRange } from "../evidence/merkle";
import { cosign, parseNote } from "../evidence/note";
import { passphraseProtector } from "../evidence/protector";
import { certificateSha256, makeCollectorTls, privateKeyPem, signPin } from "../evidence/tls";
import { firstFailure, verifyBundle, type VerifiedRecord } from "../evidence/verifyBundle";

export const IT_STORE_FILE = "it.sqlite";
export const IT_IDENTITY_FILE = "it-identity.txt";
export const IT_TRUST_FILE = "it-public.json";
/** The collector's HTTPS certificate (public) and its key, protected by IT's passphrase. */
export const COLLECTOR_CERT_FILE = "collector-tls.pem";
export const COLLECTOR_KEY_FILE = "collector-tls-key.txt";

export interface ImportOptions {
  /** Fingerprint the operator read off the laptop, to enrol a device seen for the first time. */
  readonly enrolFingerprint?: string | undefined;
  readonly receiptOut?: string | undefined;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

/** What importBundle applied (or found already held), and IT's receipt for it. */
export interface BundleImport {
  readonly outcome: Omit<ImportResult, "receiptPath" | "sealedFiles">;
  /** IT's cosignature on the bundle's checkpoint: the text `import` writes to the receipt file. */
  readonly receipt: string;
}

export interface ImportResult {
  readonly status: "imported" | "already-imported";
  readonly deviceId: string;
  readonly deviceName: string;
  /** The bundle's device key fingerprint (SHA256:…), printed with the name: names can repeat, keys do not. */
  readonly deviceFingerprint: string;
  readonly enrolled: boolean;
  readonly newRecords: number;
  readonly range: { readonly first: number; readonly last: number };
  readonly treeSize: number;
  readonly receiptPath: string;
  readonly sealedFiles: readonly string[];
}

/** The IT side: its own store, cosigning key and age identity, in a folder of its own. */
export class ItService {
  private constructor(
    readonly itDir: string,
    private readonly db: Database,
    readonly repo: ItRepository,
    private readonly passphrase: () => Promise<string>,
    private readonly now: () => Date,
  ) {}

  /** Creates IT's keys and store. The laptop needs only it-public.json (`fieldproof it trust`). */
  static async init(itDir: string, passphrase: string, now: () => Date = () => new Date()): Promise<{ trust: ItTrustFile; files: { store: string; identity: string; trust: string } }> {
    const files = { store: join(itDir, IT_STORE_FILE), identity: join(itDir, IT_IDENTITY_FILE), trust: join(itDir, IT_TRUST_FILE) };
    if (existsSync(files.store) || existsSync(files.identity)) {
      throw new AppError("CONFLICT", `IT keys already exist in ${itDir}. Refusing to replace them: laptops trust the existing key.`);
    }
    const protector = passphraseProtector(passphrase, "IT passphrase");
    mkdirSync(itDir, { recursive: true });
    const keys = await generateItKeys(now());
    const db = openDatabase(files.store, { migrations: IT_MIGRATIONS, label: "The IT evidence store" });
    try {
      new ItRepository(db).insertIdentity({
        keyName: keys.keyName,
        publicKey: keys.publicKeyPem,
        protectedKey: protector.protect(keys.privateKeyDer),
        ageRecipient: keys.trust.ageRecipient,
        createdAt: now().toISOString(),
      });
    } finally {
      db.close();
    }
    writeFileSync(files.identity, `# Fieldproof IT age identity (created ${now().toISOString()})\n# public key: ${keys.trust.ageRecipient}\n${keys.ageIdentity}\n`, { mode: 0o600 });
    chmodSync(files.identity, 0o600);
    writeFileSync(files.trust, `${JSON.stringify(keys.trust, null, 2)}\n`);
    return { trust: keys.trust, files };
  }

  static open(itDir: string, passphrase: () => Promise<string>, now: () => Date = () => new Date()): ItService {
    const store = join(itDir, IT_STORE_FILE);
    if (!existsSync(store)) throw new AppError("PRECONDITION_FAILED", `There is no IT store in ${itDir}. Run \`fieldproof it init --it-dir ${itDir}\` first.`);
    const db = openDatabase(store, { migrations: IT_MIGRATIONS, label: "The IT evidence store" });
    const repo = new ItRepository(db);
    if (!repo.identity()) {
      db.close();
      throw new AppError("PRECONDITION_FAILED", `The IT store in ${itDir} has no IT key. Run \`fieldproof it init\` in an empty folder.`);
    }
    return new ItService(itDir, db, repo, passphrase, now);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  trustFile(): ItTrustFile {
    return JSON.parse(readFileSync(join(this.itDir, IT_TRUST_FILE), "utf8")) as ItTrustFile;
  }

  /**
   * Verifies a bundle against the enrolled device key and what IT already holds, applies all its new
   * records in one transaction (or none), and writes the receipt (IT's cosignature on the checkpoint).
   */
  async import(bundlePath: string, options: ImportOptions = {}): Promise<ImportResult> {
    const bundleSha = createHash("sha256").update(readFileSync(bundlePath)).digest("hex");
    const bundle = await readBundle(bundlePath);
    const applied = await this.importBundle(bundle, bundleSha, options);
    const receiptPath = options.receiptOut ?? defaultReceiptPath(bundlePath);
    writeFileSync(receiptPath, applied.receipt);
    const sealedFiles = applied.outcome.status === "imported" ? this.writeSealed(applied.outcome.deviceId, bundle.sealed) : [];
    return { ...applied.outcome, receiptPath, sealedFiles };
  }

  /**
   * The checks and the one transaction behind every import, USB file or collector upload alike:
   * verifies the parsed bundle against the enrolled device key and what IT already holds, applies
   * all its new records (or none) and returns IT's receipt. Writes no file; `import` does.
   */
  async importBundle(bundle: ParsedBundle, bundleSha: string, options: Pick<ImportOptions, "enrolFingerprint" | "onProgress"> = {}): Promise<BundleImport> {
    const view: ImportView = {
      device: (id) => this.repo.device(id),
      head: (id) => this.repo.head(id),
      payloads: (id, from, to) => this.repo.payloads(id, from, to),
      leaves: (id, size) => this.storedLeaves(id, size),
      coSignerKeys: (id) => this.coSignerKeys(id),
      revoked: (fingerprint) => this.repo.doorRow(fingerprint)?.status === "revoked",
    };
    const plan = await planImport(bundle, bundleSha, view, { ...options, at: this.now().toISOString() });
    const receipt = this.cosign(bundle.checkpoint, await this.itKey());
    if (plan.kind === "held") return { receipt, outcome: plan.outcome };
    const { apply } = plan;
    this.repo.transaction(() => {
      if (apply.enrol) this.repo.enrol(apply.enrol);
      const bundleId = this.repo.insertBundle({ ...apply.bundle, receipt });
      this.repo.insertRecords(apply.deviceId, bundleId, apply.fresh);
      for (const r of apply.fresh) this.repo.projector.applyParsed({ deviceId: apply.deviceId, seq: r.seq, recordedAt: r.recordedAt }, r.kind, r.data);
      for (const [file, data] of apply.sealed) this.repo.insertSealed(apply.deviceId, bundleId, file, sha256Hex(data), data);
      this.repo.setHead(apply.deviceId, apply.head, apply.at);
    });
    return { receipt, outcome: plan.outcome };
  }

  /**
   * Makes the collector's HTTPS key and self-signed certificate (once) and writes IT's signed pin into
   * it-public.json, which laptops install with `fieldproof it trust`. Idempotent: an existing
   * certificate is kept (laptops pin it), and `created` says whether one was made now.
   */
  /** `address`: where laptops reach the collector, written into it-public.json; none given keeps the one already there. */
  async addCollectorTls(hostnames: readonly string[] = [], address?: string): Promise<{ created: boolean; sha256: string; certificate: string; trust: string; address: string | null }> {
    const certPath = join(this.itDir, COLLECTOR_CERT_FILE);
    const keyPath = join(this.itDir, COLLECTOR_KEY_FILE);
    const trustPath = join(this.itDir, IT_TRUST_FILE);
    const it = await this.itKey();
    let created = false;
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      const tls = await makeCollectorTls(hostnames);
      writeFileSync(keyPath, `${passphraseProtector(await this.passphrase(), "IT passphrase").protect(tls.keyDer)}\n`, { mode: 0o600 });
      chmodSync(keyPath, 0o600);
      writeFileSync(certPath, tls.certificatePem);
      created = true;
    }
    const certificate = readFileSync(certPath, "utf8");
    const sha256 = certificateSha256(certificate);
    const previous = this.trustFile();
    const at = address ?? previous.collector?.address;
    const trust = { ...previous, collector: { certificate, sha256, signature: signPin(it.key, sha256), ...(at ? { address: at } : {}) } };
    writeFileSync(trustPath, `${JSON.stringify(trust, null, 2)}\n`);
    return { created, sha256, certificate: certPath, trust: trustPath, address: at ?? null };
  }

  /** The collector's certificate and key (the key opened with IT's passphrase), or what to run first. */
  async collectorTls(): Promise<{ certificatePem: string; keyPem: string; sha256: string }> {
    const certPath = join(this.itDir, COLLECTOR_CERT_FILE);
    const keyPath = join(this.itDir, COLLECTOR_KEY_FILE);
    if (!existsSync(certPath) || !existsSync(keyPath)) {
      throw new AppError("PRECONDITION_FAILED", `${this.itDir} has no collector certificate. Run \`fieldproof collector init --it-dir ${this.itDir}\` (it keeps IT's keys and adds the certificate), then give laptops the new it-public.json.`);
    }
    const certificatePem = readFileSync(certPath, "utf8");
    const keyDer = passphraseProtector(await this.passphrase(), "IT passphrase").unprotect(readFileSync(keyPath, "utf8").trim());
    return { certificatePem, keyPem: privateKeyPem(keyDer), sha256: certificateSha256(certificatePem) };
  }

  /** Whether `candidate` is IT's passphrase (so another secret can be refused for being the same). */
  async passphraseIs(candidate: string): Promise<boolean> {
    return candidate === (await this.passphrase());
  }

  /** IT's Ed25519 signature over `bytes` (a file IT hands a laptop, such as a site CA), and the key's name. */
  async signAsIt(bytes: Buffer): Promise<{ keyName: string; signature: string }> {
    const it = await this.itKey();
    return { keyName: it.name, signature: ed25519Sign(it.key, bytes).toString("base64") };
  }

  /** IT's cosignature on a bundle's checkpoint (the receipt), for a store that applies a plan itself (PostgreSQL). */
  async receiptFor(checkpoint: string): Promise<string> {
    return this.cosign(checkpoint, await this.itKey());
  }

  /**
   * Every co-signer key IT knows for a device: each technician key its records introduced (a replaced
   * key still verifies what it signed, should a re-export hold such records) and every approver's.
   */
  private coSignerKeys(deviceId: string): Map<string, KeyObject> {
    const keys = new Map<string, KeyObject>();
    for (const pem of this.repo.technicianKeys(deviceId)) {
      const key = publicKeyFromPem(pem);
      keys.set(keyIdOf(key), key);
    }
    const introducing = this.repo.db
      .prepare<[string], { payload: Buffer }>("SELECT payload FROM it_records WHERE device_id = ? AND kind = 'technician.set' ORDER BY seq")
      .all(deviceId);
    addIntroducedKeys(keys, introducing.map((r) => r.payload));
    return keys;
  }

  private storedLeaves(deviceId: string, size: number): Buffer[] {
    return this.repo.db
      .prepare<[string, number], { leaf_hash: Buffer }>("SELECT leaf_hash FROM it_records WHERE device_id = ? AND seq < ? ORDER BY seq")
      .all(deviceId, size)
      .map((r) => r.leaf_hash);
  }

  /**
   * IT's signing key, opened once per ItService: opening it is a scrypt derivation (about 100 ms),
   * which the collector would otherwise pay on every chunk of every sync. The process holds the
   * passphrase already; a wrong one is not remembered, so the next call asks again.
   */
  private itKey(): Promise<{ name: string; key: ReturnType<typeof privateKeyFromDer> }> {
    this.openedKey ??= (async () => {
      const identity = this.repo.identity()!;
      const der = passphraseProtector(await this.passphrase(), "IT passphrase").unprotect(identity.protectedKey);
      return { name: identity.keyName, key: privateKeyFromDer(der) };
    })().catch((error: unknown) => {
      this.openedKey = undefined;
      throw error;
    });
    return this.openedKey;
  }
  private openedKey: Promise<{ name: string; key: ReturnType<typeof privateKeyFromDer> }> | undefined;

  private cosign(checkpoint: string, it: { name: string; key: ReturnType<typeof privateKeyFromDer> }): string {
    return cosign(parseNote(checkpoint), it.name, it.key, BigInt(Math.floor(this.now().getTime() / 1000)));
  }

  /** Sealed secrets as files IT opens with `age -d -i it-identity.txt FILE` (after a new bundle: import, the collector). */
  writeSealed(deviceId: string, sealed: ReadonlyMap<string, Buffer>): string[] {
    if (sealed.size === 0) return [];
    const dir = join(this.itDir, "sealed", deviceId);
    mkdirSync(dir, { recursive: true });
    return [...sealed].map(([name, data]) => {
      const path = join(dir, name.slice("sealed/".length));
      if (!existsSync(path)) writeFileSync(path, data, { mode: 0o600 });
      return path;
    });
  }
}

/** Adds the co-signer keys that these record payloads introduce (technician.set, person.upserted). */
export function addIntroducedKeys(keys: Map<string, KeyObject>, payloads: Iterable<Buffer>): Map<string, KeyObject> {
  for (const payload of payloads) {
    const p = Statement.parse(JSON.parse(payload.toString("utf8"))).predicate;
    const introduced = introducedKey(p.kind, p.data);
    if (introduced) keys.set(introduced.keyid, introduced.key);
  }
  return keys;
}

type Awaitable<T> = T | Promise<T>;

/** What the checks read from a store about one device, as it is now (for PostgreSQL: under the device's row lock). */
export interface ImportView {
  device(deviceId: string): Awaitable<EnrolledDevice | undefined>;
  head(deviceId: string): Awaitable<DeviceHead | undefined>;
  /** Payload bytes held for seqs in [from, to]. */
  payloads(deviceId: string, from: number, to: number): Awaitable<Map<number, Buffer>>;
  /** Leaf hashes of seqs 0..size-1, in order. */
  leaves(deviceId: string, size: number): Awaitable<Buffer[]>;
  /** Every co-signer key known for the device before this bundle. */
  coSignerKeys(deviceId: string): Awaitable<Map<string, KeyObject>>;
  /** IT revoked this device key (`fieldproof collector devices revoke`). */
  revoked(fingerprint: string): Awaitable<boolean>;
}

/** What a store writes for an accepted bundle, in one transaction (the receipt is added by the caller). */
export interface ImportApply {
  readonly deviceId: string;
  readonly at: string;
  /** The device row to insert when this bundle enrols it. */
  readonly enrol: EnrolledDevice | undefined;
  readonly bundle: { readonly sha256: string; readonly deviceId: string; readonly firstSeq: number; readonly lastSeq: number; readonly treeSize: number; readonly rootHash: string; readonly importedAt: string };
  /** The bundle's records IT does not hold yet, in seq order. */
  readonly fresh: readonly VerifiedRecord[];
  readonly sealed: ReadonlyMap<string, Buffer>;
  readonly head: DeviceHead;
}

export type ImportPlan =
  | { readonly kind: "held"; readonly outcome: BundleImport["outcome"] }
  | { readonly kind: "apply"; readonly outcome: BundleImport["outcome"]; readonly apply: ImportApply };

/**
 * The checks behind every import, written once for every store: verifies the parsed bundle against
 * the device's enrolment and what IT holds (read through `view`), and says what to apply, that it
 * is all held already, or refuses with an AppError (signatures, chain, fork, gap, Merkle
 * root, checkpoint). Writes nothing.
 */
export async function planImport(
  bundle: ParsedBundle,
  bundleSha: string,
  view: ImportView,
  options: Pick<ImportOptions, "enrolFingerprint" | "onProgress"> & { readonly at: string },
): Promise<ImportPlan> {
  const m = bundle.manifest;
  const enrolled = await view.device(m.device.id);
  let bundleKey;
  try {
    bundleKey = publicKeyFromPem(bundle.devicePem);
  } catch {
    throw new AppError("INTEGRITY_ERROR", "Bundle rejected: device.pem is not an Ed25519 public key.");
  }
  const bundleFingerprint = fingerprintOf(bundleKey);
  if (await view.revoked(enrolled?.fingerprint ?? bundleFingerprint)) {
    throw new AppError(
      "FORBIDDEN",
      `Device "${m.device.name}" (${m.device.id}, key ${bundleFingerprint}) was revoked by IT. Its records are not imported; what IT held before the revocation stays. ` +
        "If the laptop is trusted again, IT approves its fingerprint again (fieldproof collector devices approve).",
    );
  }
  if (!enrolled) {
    if (!options.enrolFingerprint) {
      throw new AppError(
        "PRECONDITION_FAILED",
        `Unknown device "${m.device.name}" (${m.device.id}) with key fingerprint ${bundleFingerprint}. ` +
          `Compare it with the fingerprint on the laptop's Evidence screen; if they match, import again with --enrol "${bundleFingerprint}". Nothing was imported.`,
      );
    }
    if (normalise(options.enrolFingerprint) !== normalise(bundleFingerprint)) {
      throw new AppError("INTEGRITY_ERROR", `The fingerprint given for enrolment (${options.enrolFingerprint}) does not match the bundle's device key (${bundleFingerprint}). Nothing was imported.`);
    }
  }
  const deviceKey = enrolled ? publicKeyFromPem(enrolled.publicKey) : bundleKey;
  const result = await verifyBundle(bundle, { deviceKey, technicianKeys: await view.coSignerKeys(m.device.id), coSignerKeysComplete: true, onProgress: options.onProgress });
  const failure = firstFailure(result);
  if (failure) throw failure;

  const head = (await view.head(m.device.id)) ?? { treeSize: 0, rootHash: EMPTY_ROOT.toString("base64"), headHash: ZERO_HASH, peaks: [] };
  if (m.range.first > head.treeSize) {
    throw new AppError("INTEGRITY_ERROR", `Bundle rejected (gap): IT holds records 0..${head.treeSize - 1} of this device and the bundle starts at seq ${m.range.first}; records ${head.treeSize}..${m.range.first - 1} are missing. Import the earlier bundle first.`);
  }
  // Fork: the device signed a different record for a seq IT already holds.
  const held = await view.payloads(m.device.id, m.range.first, Math.min(m.range.last, head.treeSize - 1));
  for (const record of result.records) {
    const mine = held.get(record.seq);
    if (mine && !mine.equals(record.payload)) {
      throw new AppError(
        "INTEGRITY_ERROR",
        `FORK DETECTED: seq ${record.seq} in this bundle differs from the record IT already holds for device ${m.device.name} (${m.device.id}). ` +
          "The laptop's log was rewritten or restored from an old backup. Nothing was imported; keep both and investigate.",
      );
    }
  }
  // The tree before the bundle must be the one IT holds (catches a rewritten prefix the overlap does not show).
  const previousRoot = m.range.first === head.treeSize ? head.rootHash : foldRange(compactRange(await view.leaves(m.device.id, m.range.first))).toString("base64");
  if (previousRoot !== m.previous.rootHash) {
    throw new AppError("INTEGRITY_ERROR", `FORK DETECTED: the bundle's log before seq ${m.range.first} is not the log IT holds for this device. Nothing was imported.`);
  }
  if (m.treeSize <= head.treeSize) {
    // Everything is held: the same bundle again, a re-export of it, or an older chunk of the same log
    // (its records and the tree before it match what IT holds, checked above) changes nothing. A sync
    // that was cut off and sends a chunk again relies on this.
    return { kind: "held", outcome: { status: "already-imported", deviceId: m.device.id, deviceName: m.device.name, deviceFingerprint: bundleFingerprint, enrolled: false, newRecords: 0, range: m.range, treeSize: head.treeSize } };
  }

  const fresh = result.records.filter((r) => r.seq >= head.treeSize);
  const at = options.at;
  const last = result.records[result.records.length - 1]!;
  return {
    kind: "apply",
    outcome: { status: "imported", deviceId: m.device.id, deviceName: m.device.name, deviceFingerprint: bundleFingerprint, enrolled: !enrolled, newRecords: fresh.length, range: m.range, treeSize: m.treeSize },
    apply: {
      deviceId: m.device.id,
      at,
      enrol: enrolled ? undefined : { deviceId: m.device.id, name: m.device.name, publicKey: bundle.devicePem, keyId: keyIdOf(bundleKey), fingerprint: bundleFingerprint, enrolledAt: at },
      bundle: { sha256: bundleSha, deviceId: m.device.id, firstSeq: m.range.first, lastSeq: m.range.last, treeSize: m.treeSize, rootHash: m.rootHash, importedAt: at },
      fresh,
      sealed: bundle.sealed,
      head: { treeSize: m.treeSize, rootHash: m.rootHash, headHash: `sha256:${sha256Hex(last.payload)}`, peaks: result.peaks.map((p) => p.toString("base64")) },
    },
  };
}

export function defaultReceiptPath(bundlePath: string): string {
  return `${bundlePath.replace(/\.tar$/, "")}.receipt`;
}

function normalise(fingerprint: string): string {
  return fingerprint.replace(/^SHA256:/i, "").replace(/[\s:]/g, "").toUpperCase();
}

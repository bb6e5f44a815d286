import { z } from "zod";
import { ControllerKind, DeclaredAccountKind, OpcUaEndpointUrl } from "../domain/plant";
import { CertificateInfo, ControllerPosture } from "../domain/posture";

/** A controller as a plant file declares it (in `plant.loaded`), and as every view of it starts. */
export const ControllerDecl = z.object({
  id: z.string(),
  name: z.string(),
  kind: ControllerKind,
  vendor: z.string(),
  model: z.string(),
  area: z.string(),
  line: z.string(),
  cell: z.string(),
  endpointUrl: OpcUaEndpointUrl,
  /** Whether a technician login for it went into the laptop's vault (the password itself never does into a record). */
  hasLogin: z.boolean(),
});

const PersonId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, "ids are lower-case letters, digits, dots, dashes");
export const OwnerRef = z.object({ type: z.enum(["person", "team"]), id: PersonId });
export const OwnershipTarget = z.object({ type: z.enum(["identity", "line", "cell"]), id: z.string().max(300) });
export const AuthorityAction = z.enum(["approve", "revoke", "pause", "override"]);

export const RotationReason = z.enum(["schedule", "holder-left", "break-glass-used", "suspected-exposure", "commissioning", "vendor-session-ended"]);
export const OperationalState = z.enum(["normal", "maintenance-window", "emergency", "commissioning", "vendor-session"]);
export const RotationMethod = z.enum(["opcua-part18", "manual"]);
const Probe = z.object({ accepted: z.boolean(), statusCode: z.string(), at: z.string() });

export const Approval = z.object({
  personId: PersonId,
  name: z.string(),
  /** Key id of the approver's personal key; their signature is on this record's envelope. */
  keyid: z.string(),
  authority: z.enum(["approve", "override"]),
  approvedAt: z.string(),
});

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "a SHA-256 in lower-case hex");

export const PostureChangeRecord = z.object({ kind: z.string(), severity: z.string(), text: z.string() });

const ControllerIds = z.array(z.string().max(64)).max(10_000);

/** Where a password check was answered: one account, each controller it was tried on. */
const CredentialAnswers = z.object({
  identityId: z.string().max(300),
  userName: z.string().max(500),
  acceptedOn: ControllerIds,
  refusedOn: ControllerIds,
  unreachableOn: ControllerIds,
});

/**
 * What each kind of record carries. The journal refuses to sign data that does not match, and the
 * projection (laptop and IT alike) parses it with the same schema. Never a password or a hash of one.
 */
export const RecordData = {
  "device.enrolled": z.object({
    deviceId: z.string(),
    name: z.string(),
    publicKeyPem: z.string(),
    appVersion: z.string(),
  }),
  "device.renamed": z.object({ name: z.string().min(1).max(64) }),
  /** When rotations need a second person's approval; weakening it is co-signed by the approver named here. */
  "settings.dualControl": z.object({
    mode: z.enum(["always", "shared-and-break-glass", "off"]),
    previous: z.enum(["always", "shared-and-break-glass", "off"]),
    approval: Approval.nullable(),
  }),
  /** The site's setting for accounts a crew holds: a new password per controller or per line. */
  "settings.sharedScope": z.object({ scope: z.enum(["per-controller", "per-line"]), previous: z.enum(["per-controller", "per-line"]) }),
  "technician.set": z.object({
    name: z.string().min(1).max(120),
    publicKeyPem: z.string().nullable(),
  }),
  "it.trusted": z.object({
    keyName: z.string(),
    publicKey: z.string(),
    fingerprint: z.string(),
    ageRecipient: z.string(),
    /** IT's collector certificate, pinned (its SHA-256 signed by IT's key in the trust file). */
    collector: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), certificate: z.string().max(20_000) }).optional(),
    /** IT's site CA root, pinned (its SHA-256 signed by IT's key in the trust file): the only root a site CA file may carry. */
    siteCaRoot: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), subject: z.string().max(1000) }).optional(),
  }),
  "plant.loaded": z.object({
    site: z.object({ id: z.string(), name: z.string() }),
    source: z.string(),
    controllers: z.array(ControllerDecl).max(10_000),
  }),
  "controller.trusted": z.object({
    controllerId: z.string(),
    endpointUrl: z.string(),
    certificate: CertificateInfo,
    /** first-use: accepted on first contact; re-trusted: accepted after a change was verified; rejected: refused. */
    decision: z.enum(["first-use", "re-trusted", "rejected"]),
    previousThumbprint: z.string().nullable(),
    note: z.string().max(2000),
  }),
  "controller.observed": z.object({
    controllerId: z.string(),
    posture: ControllerPosture,
    /** What changed since the previous visit, in plain words. */
    changes: z.array(PostureChangeRecord).max(1000),
    /** How the scan logged in (never the password). */
    login: z.object({ userName: z.string(), securityPolicy: z.string(), securityMode: z.string() }).nullable(),
  }),
  "team.upserted": z.object({ teamId: PersonId, name: z.string().min(1).max(200), description: z.string().max(2000) }),
  "person.upserted": z.object({
    personId: PersonId,
    name: z.string().min(1).max(200),
    role: z.string().max(200),
    employer: z.enum(["staff", "contractor", "vendor"]),
    company: z.string().max(200),
    teamId: PersonId.nullable(),
    /** Their personal key, when they approve on this laptop with a PIN (verifies their co-signatures). */
    publicKeyPem: z.string().nullable(),
  }),
  "person.left": z.object({ personId: PersonId, leftAt: z.string() }),
  "ownership.set": z.object({
    target: OwnershipTarget,
    owner: OwnerRef.nullable(),
    purpose: z.string().max(2000),
    scope: z.string().max(2000),
    expiresAt: z.string().nullable(),
  }),
  "holder.added": z.object({ identityId: z.string().max(300), personId: PersonId, since: z.string() }),
  "holder.removed": z.object({ identityId: z.string().max(300), personId: PersonId, at: z.string() }),
  "usage.attested": z.object({
    identityId: z.string().max(300),
    personId: PersonId,
    controllerId: z.string().max(64),
    workOrder: z.string().max(200),
    from: z.string(),
    to: z.string().nullable(),
    breakGlass: z.boolean(),
  }),
  "authority.set": z.object({
    line: z.string().max(200),
    /** null: the whole line. */
    cell: z.string().max(200).nullable(),
    action: AuthorityAction,
    /** In escalation order: the first is asked first, the rest are backups. */
    people: z.array(PersonId).max(20),
  }),
  "rotation.pending": z.object({
    rotationId: z.string().max(64),
    batchId: z.string().max(64).nullable(),
    identityId: z.string().max(300),
    userName: z.string().max(500),
    controllerId: z.string().max(64),
    endpointUrl: z.string().max(1000),
    /** The certificate the change will be made against (pinned). */
    controllerThumbprint: z.string(),
    method: RotationMethod,
    /** ChangePassword (own account), ModifyUser (as SecurityAdmin) or manual (vendor tool). */
    call: z.enum(["ChangePassword", "ModifyUser", "manual"]),
    actingUser: z.string().max(500),
    reason: RotationReason,
    workOrder: z.string().max(200),
    operationalState: OperationalState,
    approvals: z.array(Approval).max(10),
    /** The new password sealed to IT (age): the bundle entry and the SHA-256 of its bytes. Never the password. */
    sealed: z.object({ file: z.string(), sha256: z.string(), recipient: z.string() }),
    policy: z.object({ length: z.number().int(), classes: z.array(z.string()) }),
  }),
  "rotation.committed": z.object({
    rotationId: z.string().max(64),
    changeStatus: z.string(),
    proof: z.object({ newPassword: Probe, oldPassword: Probe }),
    securityPolicy: z.string(),
    securityMode: z.string(),
    controllerClock: z.string().nullable(),
  }),
  "rotation.failed": z.object({
    rotationId: z.string().max(64),
    stage: z.enum(["change", "proof-new", "proof-old", "connect"]),
    statusCode: z.string(),
    message: z.string().max(2000),
    /** What the controller holds now, as far as Fieldproof could tell. */
    controllerHolds: z.enum(["old", "new", "new-and-old", "unknown"]),
    proof: z.object({ newPassword: Probe.nullable(), oldPassword: Probe.nullable() }),
  }),
  "rotation.resolved": z.object({
    rotationId: z.string().max(64),
    /** After an interruption: which password the controller accepts, found by probing. */
    outcome: z.enum(["completed", "not-applied", "new-and-old", "unreachable", "neither"]),
    proof: z.object({ newPassword: Probe.nullable(), oldPassword: Probe.nullable() }),
  }),
  /** One login attempt per controller with a password the technician typed (never recorded). */
  "credential.checked": CredentialAnswers,
  /**
   * The vendor's published factory password(s) for this account name (at most two, from
   * shared/findings/defaults.ts) tried once each per controller, on the technician's request.
   * The passwords are public but still not recorded: only where one worked.
   */
  "credential.defaultChecked": CredentialAnswers.extend({
    /** Controllers whose vendor publishes no default password for this name: not tried. */
    notApplicableOn: ControllerIds,
    /** Refused logins this check spent in all (what lock-out policies count). */
    failedLogins: z.number().int().min(0),
  }),
  "account.declared": z.object({
    controllerId: z.string().max(64),
    userName: z.string().min(1).max(200),
    kind: DeclaredAccountKind,
    description: z.string().max(2000),
    /** Where it comes from: a plant file, the technician, or a login that worked in the factory password check. */
    source: z.enum(["plant-file", "technician", "default-check"]),
  }),
  /** A shared account's new password given to one of its current holders, per controller. */
  "secret.handedOver": z.object({
    identityId: z.string().max(300),
    userName: z.string().max(200),
    personId: PersonId,
    personName: z.string().max(200),
    rotations: z.array(z.object({ rotationId: z.string().max(64), controllerId: z.string().max(64) })).min(1).max(10_000),
    /** pin: shown to the holder after their PIN (their key co-signs this record); slip: written on a slip the technician handed over. */
    method: z.enum(["pin", "slip"]),
  }),
  /** The laptop dropped its handover copies: every holder has them, the technician closed it, or they expired. */
  "secret.handoverClosed": z.object({
    identityId: z.string().max(300),
    rotationIds: z.array(z.string().max(64)).min(1).max(10_000),
    reason: z.enum(["all-holders", "closed", "expired"]),
    /** Current holders who never received it (they ask IT, who holds the sealed copy). */
    notReceived: z.array(z.string().max(200)),
  }),
  "secret.revealed": z.object({
    rotationId: z.string().max(64),
    purpose: z.enum(["manual-rotation"]),
    controllerId: z.string().max(64),
  }),
  /** The laptop asked IT for a site's issuing CA: its key was made here and stays here. */
  "ca.requested": z.object({ site: z.string().max(64), csrSha256: Sha256Hex, spkiSha256: Sha256Hex }),
  /** IT's issuing intermediate for a site, installed: the certificate and IT's root, whole (DER, base64). */
  "ca.installed": z.object({
    site: z.string().max(64),
    serial: z.string().max(64),
    subject: z.string().max(1000),
    sha256: Sha256Hex,
    spkiSha256: Sha256Hex,
    notBefore: z.string(),
    notAfter: z.string(),
    rootSubject: z.string().max(1000),
    rootSha256: Sha256Hex,
    certificate: z.string().max(20_000),
    root: z.string().max(20_000),
  }),
  /** IT's root CRL installed (newer than the one held): which issuing certificates IT revoked, the CRL whole. */
  "ca.crlInstalled": z.object({
    rootSha256: Sha256Hex,
    sha256: Sha256Hex,
    thisUpdate: z.string(),
    nextUpdate: z.string().nullable(),
    revokedSerials: z.array(z.string().max(64)).max(1000),
    /** Sites whose issuing certificate on this laptop the CRL revokes. */
    revokedSites: z.array(z.string().max(64)).max(100),
    crl: z.string().max(200_000),
  }),
  /**
   * A controller certificate this laptop issued from a site's intermediate, whole (DER, base64), so
   * IT can check it with openssl against the root and compare it with what the controller presents.
   */
  "certificate.issued": z.object({
    site: z.string().max(64),
    controllerId: z.string().max(64),
    /** manual: written as files for a vendor tool; opcua-part12: pushed by the rotation. */
    method: z.enum(["manual", "opcua-part12"]),
    serial: z.string().max(64),
    subject: z.string().max(1000),
    sha256: Sha256Hex,
    spkiSha256: Sha256Hex,
    csrSha256: Sha256Hex,
    applicationUri: z.string().max(1000),
    dns: z.array(z.string().max(253)).max(32),
    ips: z.array(z.string().max(45)).max(32),
    notBefore: z.string(),
    notAfter: z.string(),
    issuerSha256: Sha256Hex,
    certificate: z.string().max(20_000),
  }),
  /** A controller certificate this laptop issued, revoked; the issuing intermediate's CRL whole (DER, base64). */
  "certificate.revoked": z.object({
    site: z.string().max(64),
    controllerId: z.string().max(64),
    serial: z.string().max(64),
    reason: z.enum(["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation"]),
    crlSha256: Sha256Hex,
    crl: z.string().max(200_000),
  }),
  "receipt.imported": z.object({
    itKeyName: z.string(),
    treeSize: z.number().int().nonnegative(),
    rootHash: z.string(),
    cosignedAt: z.string(),
  }),
} as const;

export type RecordKind = keyof typeof RecordData;
export type RecordDataOf<K extends RecordKind> = z.infer<(typeof RecordData)[K]>;

export function isRecordKind(kind: string): kind is RecordKind {
  return Object.hasOwn(RecordData, kind);
}

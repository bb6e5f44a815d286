import type { CertificateInfo, ControllerPosture, EndpointInfo } from "../../shared/domain/posture";

// What the services need from a controller connector. main/connectors/opcua implements it; a test can
// pass another (ServicesConfig.connector). It lives beside the connectors, below the services, so a
// connector can declare `implements` without importing the services.

/** A UserName login on a controller. The password never appears in an error, a log or a result. */
export interface Login {
  readonly userName: string;
  readonly password: string;
}

export interface CallOptions {
  /** Aborting ends the call promptly with CANCELLED; the connection is closed. */
  readonly signal?: AbortSignal;
  /** Bound on each step (connect, every request), not on the whole call. Default: the connector's. */
  readonly timeoutMs?: number;
}

/** What a password-sending call needs: the SHA-256 thumbprint (hex) of the certificate the caller trusts. */
export interface PinnedCallOptions extends CallOptions {
  readonly expectedThumbprint: string;
}

export interface PostureOptions extends CallOptions {
  /**
   * The trusted certificate's SHA-256 thumbprint. Leave it out only on first use (the caller is about to
   * show the technician the certificate to trust): the login is then sent to whatever certificate the
   * controller presents now, over an encrypted channel bound to that certificate.
   */
  readonly expectedThumbprint?: string;
}

/** A method's result: the controller's own status code, e.g. "Good", "BadIdentityTokenInvalid". */
export interface CallOutcome {
  readonly statusCode: string;
  readonly good: boolean;
}

export interface LoginOutcome {
  readonly accepted: boolean;
  /** "Good" when accepted; the refusal's status code otherwise (e.g. "BadUserAccessDenied"). */
  readonly statusCode: string;
}

/** What a controller tells without a session. */
export interface Discovery {
  readonly endpointUrl: string;
  readonly endpoints: readonly EndpointInfo[];
  /** The certificate of the endpoint Fieldproof would log in over (else the first one listed). */
  readonly certificate: CertificateInfo | null;
  readonly applicationUri: string | null;
  readonly productName: string | null;
  readonly anonymousAllowed: boolean;
  /** The best SignAndEncrypt endpoint with an acceptable UserName token; null if none. */
  readonly secureEndpoint: EndpointInfo | null;
}

/** The laptop's own OPC UA application certificate: what a controller must trust before it lets Fieldproof in. */
export interface ClientCertificate {
  readonly der: Buffer;
  readonly thumbprintSha256: string;
  readonly subject: string;
  readonly notAfter: string;
  /** Where the connector keeps it (PEM). */
  readonly file: string;
}

/** A Part 12 method for this login: there and callable, there but not for this login (SecurityAdmin), or not implemented. */
export type MethodAccess = "callable" | "not-permitted" | "absent";

export interface CertificateRef {
  /** SHA-256 of the DER, lower-case hex. */
  readonly sha256: string;
  readonly subject: string;
  readonly notAfter: string;
}

export interface TrustListInfo {
  /** Bytes read (the whole list when `complete`). */
  readonly bytes: number;
  readonly trusted: readonly CertificateRef[];
  readonly issuers: readonly CertificateRef[];
  readonly trustedCrls: number;
  readonly issuerCrls: number;
  /** false: larger than Fieldproof reads at once; the lists are empty and `bytes` is the size. */
  readonly complete: boolean;
}

export interface CertificateGroupInfo {
  /** BrowseName, e.g. DefaultApplicationGroup. */
  readonly name: string;
  readonly nodeId: string;
  /** e.g. RsaSha256ApplicationCertificateType; a NodeId string for a type node-opcua does not name. */
  readonly certificateTypes: readonly string[];
  /** null when the group has none, or it could not be read (a gap says why). */
  readonly trustList: TrustListInfo | null;
}

/** What a controller offers for a certificate rotation (Part 12), read only; the preflight. */
export interface CertificateSetup {
  readonly serverTime: string | null;
  readonly methods: Readonly<Record<"CreateSigningRequest" | "UpdateCertificate" | "ApplyChanges" | "GetRejectedList", MethodAccess>>;
  readonly supportedPrivateKeyFormats: readonly string[] | null;
  readonly maxTrustListSize: number | null;
  readonly groups: readonly CertificateGroupInfo[];
  /** Every endpoint's certificate, as GetEndpoints lists them. */
  readonly endpointCertificates: readonly { readonly securityPolicyUri: string; readonly securityMode: string; readonly sha256: string }[];
  /** The certificate the secure channel was opened to (the pinned one). */
  readonly channelCertificateSha256: string;
  readonly gaps: readonly { readonly stage: string; readonly code: string; readonly message: string }[];
}

export interface ControllerConnector {
  /** Fieldproof's application certificate (made on first use), to add to a controller's trust list. */
  clientCertificate(): Promise<ClientCertificate>;
  /** No session: endpoints, security policies/modes, user token types, server certificate, app description. */
  discover(endpointUrl: string, opts?: CallOptions): Promise<Discovery>;
  /**
   * Full posture. With a login: a session over the secure endpoint reads accounts and roles, password
   * policy, sessions, Part 18 / Part 12 availability (for this login) and the controller's clock.
   * Without a login, or when the login or a read fails, what could be read plus `gaps`. An unreachable
   * controller gives `reachable: false` and a "connect" gap; only INVALID_REQUEST and CANCELLED are thrown.
   */
  readPosture(endpointUrl: string, login: Login | null, opts?: PostureOptions): Promise<ControllerPosture>;
  /** Activates a session with these credentials: accepted, or refused with the controller's status code. */
  tryLogin(endpointUrl: string, login: Login, opts: PinnedCallOptions): Promise<LoginOutcome>;
  /** Part 18 ChangePassword on the login's own account (OldPassword is the login's password). */
  changePassword(endpointUrl: string, login: Login, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  /** Part 18 ModifyUser as a SecurityAdmin, setting another account's password. */
  setUserPassword(endpointUrl: string, admin: Login, userName: string, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  /** Part 12 preflight, read only, in a pinned session with this login (SecurityAdmin to read trust lists). */
  readCertificateSetup(endpointUrl: string, login: Login, opts: PinnedCallOptions): Promise<CertificateSetup>;
  /** Cancels calls in flight, waits for them to close their connections, releases what it holds. */
  close(): Promise<void>;
}

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
  /** Cancels calls in flight, waits for them to close their connections, releases what it holds. */
  close(): Promise<void>;
}

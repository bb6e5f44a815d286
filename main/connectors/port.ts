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
  discover(endpointUrl: string, opts?: CallOptions): Promise<Discovery>;
  readPosture(endpointUrl: string, login: Login | null, opts?: PostureOptions): Promise<ControllerPosture>;
  tryLogin(endpointUrl: string, login: Login, opts: PinnedCallOptions): Promise<LoginOutcome>;
  changePassword(endpointUrl: string, login: Login, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  setUserPassword(endpointUrl: string, admin: Login, userName: string, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  close(): Promise<void>;
}

import type { ControllerPosture, EndpointInfo } from "../../../shared/domain/posture";
import type { CallOptions, CallOutcome, ControllerConnector, Discovery as PortDiscovery, Login, LoginOutcome, PinnedCallOptions, PostureOptions } from "../port";

export type { CallOptions, CallOutcome, Login, LoginOutcome, PinnedCallOptions, PostureOptions };

/** What GetEndpoints tells without a session. */
export interface Discovery extends PortDiscovery {
  readonly endpoints: EndpointInfo[];
  /** The server's ApplicationName as advertised (a controller's own label, e.g. "Body Line 1 Cell 10 PLC"). */
  readonly applicationName: string | null;
  readonly productUri: string | null;
  /**
   * Always null here: discovery does not carry the product name, only a session can read it
   * (BuildInfo.ProductName, which readPosture fills in).
   */
  readonly productName: null;
}

export interface OpcUaConnectorOptions {
  /** The connector's own PKI folder (application certificate and key); created if missing. */
  readonly pkiDir: string;
  /** Default bound on each step, ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** The client's ApplicationName, also in its certificate's URI. Default "Fieldproof". */
  readonly applicationName?: string;
  /**
   * Where node-opcua's own log lines go (at the level FIELDPROOF_OPCUA_LOG names: off, error (the
   * default), warning or debug); stderr when not given. Never stdout.
   */
  readonly logFile?: string;
}

export interface OpcUaConnector extends ControllerConnector {
  /** No session: endpoints, security policies/modes, user token types, server certificate, app description. */
  discover(endpointUrl: string, opts?: CallOptions): Promise<Discovery>;
  /**
   * Full posture. With a login: a session over the secure endpoint reads accounts and roles, password
   * policy, sessions, Part 18 / Part 12 availability and the controller's clock. Without a login, or when
   * the login or a read fails, what could be read plus `gaps`. An unreachable controller gives
   * `reachable: false` and a "connect" gap; only INVALID_REQUEST and CANCELLED are thrown.
   */
  readPosture(endpointUrl: string, login: Login | null, opts?: PostureOptions): Promise<ControllerPosture>;
  /** Activates a session with these credentials: accepted, or refused with the controller's status code. */
  tryLogin(endpointUrl: string, login: Login, opts: PinnedCallOptions): Promise<LoginOutcome>;
  /** Part 18 ChangePassword on the login's own account (OldPassword is the login's password). */
  changePassword(endpointUrl: string, login: Login, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  /** Part 18 ModifyUser as a SecurityAdmin, setting another account's password. */
  setUserPassword(endpointUrl: string, admin: Login, userName: string, newPassword: string, opts: PinnedCallOptions): Promise<CallOutcome>;
  /** Cancels calls in flight, waits for them to close their connections, releases the PKI. */
  close(): Promise<void>;
}

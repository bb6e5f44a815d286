import type { EndpointInfo } from "../../../shared/domain/posture";
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

/** The OPC UA connector: the port, with discovery's OPC UA details. */
export interface OpcUaConnector extends ControllerConnector {
  discover(endpointUrl: string, opts?: CallOptions): Promise<Discovery>;
}

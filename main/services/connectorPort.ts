import type { CertificateInfo, ControllerPosture, EndpointInfo } from "../../shared/domain/posture";

/** What the services need from a controller connector (main/connectors/opcua implements it). */
export interface Login {
  readonly userName: string;
  readonly password: string;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface CallOutcome {
  readonly statusCode: string;
  readonly good: boolean;
}

export interface Discovery {
  readonly endpointUrl: string;
  readonly endpoints: readonly EndpointInfo[];
  readonly certificate: CertificateInfo | null;
  readonly applicationUri: string | null;
  readonly productName: string | null;
  readonly anonymousAllowed: boolean;
  readonly secureEndpoint: EndpointInfo | null;
}

export interface ControllerConnector {
  discover(endpointUrl: string, opts?: CallOptions): Promise<Discovery>;
  readPosture(endpointUrl: string, login: Login | null, opts?: CallOptions & { expectedThumbprint?: string }): Promise<ControllerPosture>;
  tryLogin(endpointUrl: string, login: Login, opts: CallOptions & { expectedThumbprint: string }): Promise<{ accepted: boolean; statusCode: string }>;
  changePassword(endpointUrl: string, login: Login, newPassword: string, opts: CallOptions & { expectedThumbprint: string }): Promise<CallOutcome>;
  setUserPassword(endpointUrl: string, admin: Login, userName: string, newPassword: string, opts: CallOptions & { expectedThumbprint: string }): Promise<CallOutcome>;
  close(): Promise<void>;
}

import type { ClientSession, EndpointDescription, OPCUACertificateManager, OPCUAClient } from "node-opcua";
import { leafCertificate, sha256Hex, shortThumbprint } from "./certificate";
import { allowsPassword } from "./endpoints";
import { OpcUaError, classify } from "./errors";
import type { CallGuard } from "./guard";
import type { ClientIdentity, ClientPki, Ua } from "./loader";
import type { Login } from "./types";

/** What every client of one connector shares. */
export interface ClientEnv {
  readonly ua: Ua;
  readonly pki: ClientPki;
  readonly manager: OPCUACertificateManager;
  readonly applicationName: string;
  /** Fieldproof's certificate, named in messages when a controller does not trust it. */
  readonly client: ClientIdentity;
}

export interface PinnedSession {
  readonly session: ClientSession;
  /** The endpoint the session was opened on (as the controller listed it over the secure channel). */
  readonly endpoint: EndpointDescription;
  /** Closes the session and the connection; never throws, never waits more than a bounded time. */
  close(): Promise<void>;
}

/** How long closing may take before the connection is simply dropped. */
const CLOSE_MS = 2_000;
const NODE_OPCUA_SLACK_MS = 2_000;
const MIN_SESSION_TIMEOUT_MS = 5_000;

function newClient(env: ClientEnv, guard: CallGuard, channel: { mode: "None" } | { mode: "SignAndEncrypt"; endpoint: EndpointDescription }): OPCUAClient {
  const { ua } = env;
  env.pki.retain(env.manager);
  const secure = channel.mode === "SignAndEncrypt";
  return ua.OPCUAClient.create({
    applicationName: env.applicationName,
    clientName: env.applicationName,
    clientCertificateManager: env.manager,
    securityMode: secure ? ua.MessageSecurityMode.SignAndEncrypt : ua.MessageSecurityMode.None,
    securityPolicy: secure ? (channel.endpoint.securityPolicyUri as string) : ua.SecurityPolicy.None,
    // Given the certificate, node-opcua encrypts the channel handshake to that key and skips its own
    // discovery and trust-list check: only the holder of the pinned certificate's key can open the
    // channel. The pin itself is checked by the caller against the trusted thumbprint.
    ...(secure ? { serverCertificate: channel.endpoint.serverCertificate } : {}),
    // The controller may list itself under another host name than the one dialled.
    endpointMustExist: false,
    // Short-lived clients: fail fast, never retry in the background. maxRetry 0 also turns off
    // node-opcua's re-creation of a dropped channel, which would re-activate the session (re-sending the
    // password) on its own.
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    keepSessionAlive: false,
    // Idle time before the controller drops a session; short, because a session whose connection was
    // cut stays on the controller (and counts against its session limit) until then.
    requestedSessionTimeout: Math.max(MIN_SESSION_TIMEOUT_MS, guard.timeoutMs * 2),
    // Later than the guard's own timeout, so a slow answer is reported as TIMEOUT (by the guard), not
    // as the "Connection Break" node-opcua produces when its socket timer fires first.
    defaultTransactionTimeout: guard.timeoutMs + NODE_OPCUA_SLACK_MS,
    transportTimeout: guard.timeoutMs + NODE_OPCUA_SLACK_MS,
  });
}

/** GetEndpoints over an unsecured channel (what discovery is for); no session, nothing secret sent. */
export async function fetchEndpoints(env: ClientEnv, guard: CallGuard): Promise<EndpointDescription[]> {
  const client = newClient(env, guard, { mode: "None" });
  // connect() already asks for the endpoints; keep that answer instead of asking a second time.
  let listed: EndpointDescription[] | undefined;
  client.on("receive_response", (response: unknown) => {
    if (response instanceof env.ua.GetEndpointsResponse) listed = response.endpoints ?? [];
  });
  let action = "connecting";
  try {
    await guard.step({ stage: "connect", action }, () => client.connect(guard.url));
    action = "reading the endpoints";
    return listed ?? (await guard.step({ stage: "discover", action }, () => client.getEndpoints()));
  } catch (error) {
    throw classify(error, { url: guard.url, stage: "discover", action, timeoutMs: guard.timeoutMs, secrets: [], client: env.client });
  } finally {
    await settle(client.disconnect());
  }
}

/**
 * Opens a SignAndEncrypt session as `login` on `endpoint`, whose certificate the caller has pinned.
 * Two checks stand between the password and the network: the channel is encrypted to the pinned
 * certificate (a server without its private key cannot open it), and the certificate the server
 * returns in CreateSession, which node-opcua 2.157 uses to encrypt the password but does not compare
 * with the channel's, must be the pinned one too, on an endpoint that still allows a password.
 * Either failing stops node-opcua before ActivateSession, so the password is never sent.
 */
export async function openPinnedSession(env: ClientEnv, guard: CallGuard, endpoint: EndpointDescription, login: Login, secrets: readonly string[]): Promise<PinnedSession> {
  const { ua } = env;
  const pinnedLeaf = leafCertificate(endpoint.serverCertificate);
  if (!pinnedLeaf) throw new OpcUaError("PROTOCOL_ERROR", `${guard.url} listed a malformed certificate; nothing was sent.`, { stage: "connect" });
  const pinned = sha256Hex(pinnedLeaf);
  const client = newClient(env, guard, { mode: "SignAndEncrypt", endpoint });
  // Set from an event handler, hence an object (control flow analysis does not see the assignment).
  const check: { refusal: OpcUaError | null } = { refusal: null };
  client.on("receive_response", (response: unknown) => {
    if (!(response instanceof ua.CreateSessionResponse)) return;
    check.refusal = checkCreateSession(guard.url, pinned, response, client.endpoint);
    // A bad service result makes node-opcua abandon the session before it builds the identity token.
    if (check.refusal) response.responseHeader.serviceResult = ua.StatusCodes.BadSecurityChecksFailed;
  });
  let session: ClientSession | undefined;
  const close = async (): Promise<void> => {
    // A client that lost its channel is trying to re-create it (node-opcua retries forever); closing the
    // session would wait for that. Disconnect at once: the controller drops the session on its timeout.
    if (session && !client.isReconnecting) await settle(session.close(true));
    await settle(client.disconnect());
  };
  let stage: "connect" | "session" = "connect";
  try {
    await guard.step({ stage, action: "opening the secure channel" }, () => client.connect(guard.url));
    stage = "session";
    session = await guard.step({ stage, action: "opening a session" }, () =>
      client.createSession({ type: ua.UserTokenType.UserName, userName: login.userName, password: login.password }),
    );
    const used = client.endpoint;
    if (!used) throw new OpcUaError("PROTOCOL_ERROR", `${guard.url} opened a session without an endpoint description.`, { stage: "session" });
    return { session, endpoint: used, close };
  } catch (error) {
    await close();
    if (check.refusal) throw check.refusal;
    const action = stage === "connect" ? "opening the secure channel" : "opening a session";
    throw classify(error, { url: guard.url, stage, action, userName: login.userName, timeoutMs: guard.timeoutMs, secrets, client: env.client });
  }
}

function checkCreateSession(url: string, pinned: string, response: { serverCertificate: Buffer | null }, endpoint: EndpointDescription | undefined): OpcUaError | null {
  const leaf = response.serverCertificate ? leafCertificate(response.serverCertificate) : null;
  const presented = leaf ? sha256Hex(leaf) : null;
  if (presented !== pinned) {
    return new OpcUaError(
      "INTEGRITY_ERROR",
      `The certificate of ${url} changed since it was trusted (was ${shortThumbprint(pinned)}, now ${presented ? shortThumbprint(presented) : "none"}): the session answered with another certificate than the secure channel, possible impersonation. Nothing was sent. Check the controller before trusting its certificate again.`,
      { stage: "session" },
    );
  }
  if (!endpoint || !allowsPassword(endpoint)) {
    return new OpcUaError(
      "PRECONDITION_FAILED",
      `${url} offers no encrypted endpoint (SignAndEncrypt with Basic256Sha256 or newer) for a password once connected; Fieldproof will not send a password to it. Nothing was sent.`,
      { stage: "session" },
    );
  }
  return null;
}

/** Waits for a closing step at most CLOSE_MS and swallows its failure: closing must never hang or throw. */
async function settle(work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CLOSE_MS);
  });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), limit]);
  } finally {
    clearTimeout(timer);
  }
}

import type { ClientSession } from "node-opcua";
import { describeEndpoints } from "./discovery";
import { parseEndpointUrl } from "./endpointUrl";
import { OpcUaError, classify } from "./errors";
import { CallGuard } from "./guard";
import { ClientPki, loadOpcua } from "./loader";
import { createHash } from "node:crypto";
import { leafCertificate } from "./certificate";
import { GapList } from "./gaps";
import { callPart18, changePasswordArguments, setPasswordArguments } from "./part18";
import { readCertificateSetup } from "./part12";
import { NODE } from "./reads";
import { parseThumbprint, pinnedEndpoint } from "./pin";
import { collectPosture } from "./posture";
import { fetchEndpoints, openPinnedSession, type ClientEnv } from "./session";
import { withOwnSockets } from "./transports";
import type { CallOptions, Login, OpcUaConnector, OpcUaConnectorOptions } from "./types";

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 600_000;
const MAX_SECRET = 1024;
/** Statuses with which a controller refuses a login: an answer for tryLogin, not a failure. */
const LOGIN_REFUSALS = new Set(["BadUserAccessDenied", "BadIdentityTokenInvalid", "BadIdentityTokenRejected", "BadUserSignatureInvalid"]);

/**
 * The OPC UA client side of Fieldproof. Every call is independent: its own connection(s), closed
 * before it returns, whatever happens. What is shared is the PKI folder and the application
 * certificate, created on first use. See docs/connector.md.
 */
export function createOpcUaConnector(options: OpcUaConnectorOptions): OpcUaConnector {
  const defaultTimeout = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const applicationName = options.applicationName ?? "Fieldproof";
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$/.test(applicationName)) {
    throw new OpcUaError("INVALID_REQUEST", "The connector's application name must be 1 to 64 letters, digits, spaces, dots, dashes or underscores.", { stage: "validate" });
  }
  const pki = new ClientPki(options.pkiDir, applicationName);
  const running = new Set<{ readonly stop: AbortController; readonly done: Promise<unknown> }>();
  let closed = false;

  /** Validates first (no network, no node-opcua for a bad request), then runs `work` with its own guard. */
  async function run<T>(url: unknown, opts: CallOptions | undefined, work: (env: ClientEnv, guard: CallGuard) => Promise<T>): Promise<T> {
    if (closed) throw new OpcUaError("PRECONDITION_FAILED", "The OPC UA connector was closed.", { stage: "validate" });
    const address = parseEndpointUrl(url);
    const timeoutMs = opts?.timeoutMs === undefined ? defaultTimeout : checkTimeout(opts.timeoutMs);
    const stop = new AbortController();
    const signal = opts?.signal ? AbortSignal.any([stop.signal, opts.signal]) : stop.signal;
    const guard = new CallGuard(address.url, timeoutMs, signal);
    guard.check({ stage: "validate", action: "starting" });
    const done = withOwnSockets(async () => {
      const env = await guard.step({ stage: "connect", action: "preparing Fieldproof's certificate", untimed: true }, () => openEnv());
      return work(env, guard);
    });
    const entry = { stop, done };
    running.add(entry);
    try {
      return await done;
    } finally {
      running.delete(entry);
    }
  }

  async function openEnv(): Promise<ClientEnv> {
    try {
      const ua = await loadOpcua({ logFile: options.logFile });
      const manager = await pki.open(ua);
      return { ua, pki, manager, applicationName, client: await pki.identity() };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new OpcUaError("IO_ERROR", `Fieldproof's OPC UA certificate could not be prepared in ${options.pkiDir}: ${detail}`, { stage: "connect" });
    }
  }

  /** Discovery, pin, pinned session; `use` runs inside it and the session is always closed. */
  async function withSession<T>(env: ClientEnv, guard: CallGuard, login: Login, expected: string, use: (session: ClientSession) => Promise<T>): Promise<T> {
    const described = describeEndpoints(guard.url, await fetchEndpoints(env, guard));
    const endpoint = pinnedEndpoint(guard.url, described, expected);
    const opened = await openPinnedSession(env, guard, endpoint, login, [login.password]);
    try {
      return await use(opened.session);
    } finally {
      await opened.close();
    }
  }

  return {
    clientCertificate: async () => {
      if (closed) throw new OpcUaError("PRECONDITION_FAILED", "The OPC UA connector was closed.", { stage: "validate" });
      return (await openEnv()).client;
    },

    discover: (endpointUrl, opts) =>
      run(endpointUrl, opts, async (env, guard) => describeEndpoints(guard.url, await fetchEndpoints(env, guard)).discovery),

    readPosture: async (endpointUrl, login, opts) => {
      const expected = opts?.expectedThumbprint === undefined ? undefined : parseThumbprint(opts.expectedThumbprint);
      if (login) checkLogin(login);
      return run(endpointUrl, opts, (env, guard) => collectPosture(env, guard, login, expected));
    },

    tryLogin: async (endpointUrl, login, opts) => {
      const expected = parseThumbprint(opts?.expectedThumbprint);
      checkLogin(login);
      return run(endpointUrl, opts, async (env, guard) => {
        try {
          return await withSession(env, guard, login, expected, async () => ({ accepted: true, statusCode: "Good" }));
        } catch (error) {
          const failure = classify(error, { url: guard.url, stage: "session", action: "opening a session", userName: login.userName, timeoutMs: guard.timeoutMs, secrets: [login.password], client: env.client });
          if (failure.code === "ACCESS_DENIED" && failure.statusCode && LOGIN_REFUSALS.has(failure.statusCode)) return { accepted: false, statusCode: failure.statusCode };
          throw failure;
        }
      });
    },

    changePassword: async (endpointUrl, login, newPassword, opts) => {
      const expected = parseThumbprint(opts?.expectedThumbprint);
      checkLogin(login);
      checkSecret(newPassword, "new password");
      const secrets = [login.password, newPassword];
      return run(endpointUrl, opts, (env, guard) =>
        withSession(env, guard, login, expected, (session) => callPart18(session, guard, "ChangePassword", changePasswordArguments(env.ua, login.password, newPassword), secrets)),
      );
    },

    setUserPassword: async (endpointUrl, admin, userName, newPassword, opts) => {
      const expected = parseThumbprint(opts?.expectedThumbprint);
      checkLogin(admin);
      checkUserName(userName);
      checkSecret(newPassword, "new password");
      const secrets = [admin.password, newPassword];
      return run(endpointUrl, opts, (env, guard) =>
        withSession(env, guard, admin, expected, (session) => callPart18(session, guard, "ModifyUser", setPasswordArguments(env.ua, userName, newPassword), secrets)),
      );
    },

    readCertificateSetup: async (endpointUrl, login, opts) => {
      const expected = parseThumbprint(opts?.expectedThumbprint);
      checkLogin(login);
      return run(endpointUrl, opts, async (env, guard) => {
        const listed = await fetchEndpoints(env, guard);
        const endpoint = pinnedEndpoint(guard.url, describeEndpoints(guard.url, listed), expected);
        const opened = await openPinnedSession(env, guard, endpoint, login, [login.password]);
        try {
          const gaps = new GapList();
          const time = await guard.step({ stage: "read", action: "reading the controller's clock" }, () => opened.session.read({ nodeId: NODE.currentTime, attributeId: 13 }));
          const clock: unknown = time.value.value;
          const serverTime = time.statusCode.isGood() && clock instanceof Date ? clock.toISOString() : null;
          if (!serverTime) gaps.add("clock", time.statusCode.name, "The controller's clock (Server_ServerStatus_CurrentTime) could not be read: a new certificate's validity cannot be checked against it.");
          const setup = await readCertificateSetup(opened.session, guard, env.ua, gaps);
          const sha = (der: Buffer | null): string => (der ? createHash("sha256").update(der).digest("hex") : "");
          return {
            ...setup,
            serverTime,
            endpointCertificates: listed.map((e) => ({ securityPolicyUri: String(e.securityPolicyUri ?? ""), securityMode: env.ua.MessageSecurityMode[e.securityMode] ?? String(e.securityMode), sha256: sha(e.serverCertificate ? leafCertificate(e.serverCertificate) : null) })),
            channelCertificateSha256: expected,
            gaps: gaps.toArray(),
          };
        } catch (error) {
          throw classify(error, { url: guard.url, stage: "read", action: "reading the certificate configuration", timeoutMs: guard.timeoutMs, secrets: [login.password], client: env.client });
        } finally {
          await opened.close();
        }
      });
    },

    close: async () => {
      closed = true;
      for (const entry of running) entry.stop.abort();
      await Promise.allSettled([...running].map((entry) => entry.done));
      await pki.dispose();
    },
  };
}

function checkTimeout(value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 1 || value > MAX_TIMEOUT_MS) {
    throw new OpcUaError("INVALID_REQUEST", `A timeout is 1 to ${MAX_TIMEOUT_MS} ms.`, { stage: "validate" });
  }
  return Math.round(value);
}

function checkLogin(login: Login): void {
  if (typeof login !== "object" || login === null) throw new OpcUaError("INVALID_REQUEST", "A login needs a user name and a password.", { stage: "validate" });
  checkUserName(login.userName);
  checkSecret(login.password, "password");
}

function checkUserName(value: unknown): void {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== "string" || value.length === 0 || value.length > 500 || /[\u0000-\u001f\u007f]/.test(value)) {
    throw new OpcUaError("INVALID_REQUEST", "A user name is 1 to 500 characters without control characters.", { stage: "validate" });
  }
}

/** Never echoes the value. */
function checkSecret(value: unknown, what: string): void {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_SECRET) {
    throw new OpcUaError("INVALID_REQUEST", `The ${what} must be 1 to ${MAX_SECRET} characters.`, { stage: "validate" });
  }
}

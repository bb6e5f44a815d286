import type { ISessionContext, OPCUAServer, ServerSession } from "node-opcua";
import type { ControllerStore } from "./controllerStore";
import type { FaultSwitch } from "./faults";
import { installFreezer, type Freezer } from "./freeze";
import { installUserManagement, removeRoleSet, removeUserManagement } from "./part18";
import { certificatesIn, openControllerPki, rejectedFolder } from "./pki";
import type { ControllerPaths } from "./state";
import type { PasswordPolicy, SimControllerSpec } from "./types";
import { createUserManager } from "./userManager";
import { loadOpcua, type Opcua } from "./opcua";
import { onCertificateChanged } from "./pushCertificates";

export interface ControllerServerOptions {
  readonly spec: SimControllerSpec;
  readonly siteName: string;
  readonly paths: ControllerPaths;
  readonly store: ControllerStore;
  readonly faults: FaultSwitch;
  readonly policy: PasswordPolicy;
  readonly host: string;
  /** Keep node-opcua's load-time warnings quiet (see opcua.ts). */
  readonly quiet: boolean;
}

export interface RunningServer {
  readonly endpointUrl: string;
  /** The freeze fault's switch (see freeze.ts). */
  setFrozen(frozen: boolean): void;
  /** Adds a client certificate to the live trusted list (takes effect for the next secure channel). */
  trustClient(certificateDer: Buffer): Promise<void>;
  /** Trusts every certificate in the rejected folder; returns them. */
  acceptRejectedClients(): Promise<Buffer[]>;
  stop(): Promise<void>;
}

/** The 2.157 server restarts its endpoints this long after ApplyChanges (a fixed setTimeout of 2 s). */
const ENDPOINT_RESTART_MS = 2_000;

/** Starts one simulated controller: a node-opcua server on host:port with its PKI, accounts and faults. */
export async function startControllerServer(options: ControllerServerOptions): Promise<RunningServer> {
  const opcua = await loadOpcua({ quiet: options.quiet });
  const { MessageSecurityMode, SecurityPolicy, nodesets } = opcua.ua;
  const { spec, store, paths, host } = options;
  const port = store.port;
  // Policies offered on every controller; None only where the build put that weakness.
  const SECURE_POLICIES = [SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss];
  // Modes: Sign and SignAndEncrypt, plus None with that weakness, or SignAndEncrypt only (secureOnlyDiscovery).
  // node-opcua still adds its hidden ("restricted") None endpoint, which answers GetEndpoints but is never listed.
  const securityModes = spec.security.securityPolicyNone
    ? [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt]
    : spec.security.encryptedOnly
      ? [MessageSecurityMode.SignAndEncrypt]
      : [MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt];
  const pki = await openControllerPki(opcua, paths, spec, options.siteName);
  const userManager = createUserManager(opcua, store, spec.security.allowAnonymous);
  const server: OPCUAServer = new opcua.ua.OPCUAServer({
    port,
    host,
    hostname: host,
    nodeset_filename: [nodesets.standard],
    serverCertificateManager: pki.server,
    userCertificateManager: pki.user,
    allowAnonymous: spec.security.allowAnonymous,
    securityPolicies: spec.security.securityPolicyNone ? [SecurityPolicy.None, ...SECURE_POLICIES] : SECURE_POLICIES,
    securityModes,
    userManager,
    isAuditing: false,
    serverInfo: {
      applicationUri: spec.applicationUri,
      productUri: "urn:fieldproof-demo:simulated-controller",
      applicationName: { text: spec.name, locale: "en" },
    },
    buildInfo: { productName: spec.model, manufacturerName: spec.vendor, softwareVersion: "demo-1.0", productUri: "urn:fieldproof-demo:simulated-controller" },
  });

  // Pending fault delays end when the controller stops, so stop() never waits on a hang.
  const stopping = new AbortController();
  const sessions = new Set<ServerSession>();
  let lastCertificateChange = 0;
  let freezer: Freezer;
  try {
    await server.initialize();
    const addressSpace = server.engine.addressSpace;
    if (!addressSpace) throw new Error("node-opcua initialised the server without an address space");
    userManager.attach(addressSpace);
    server.on("session_activated", (session: ServerSession) => sessions.add(session));
    server.on("session_closed", (session: ServerSession) => sessions.delete(session));

    if (spec.security.part18) {
      installUserManagement(opcua, {
        addressSpace,
        store,
        faults: options.faults,
        policy: options.policy,
        hooks: {
          sleep: (ms) => sleep(ms, stopping.signal),
          dropConnection: (context) => dropConnection(context),
          closeSessionsOf: (userName) => {
            for (const session of sessions) {
              if (userNameOf(opcua, session) === userName) server.engine.closeSession(session.authenticationToken, true, "Terminated");
            }
          },
        },
      });
    } else {
      removeUserManagement(opcua, addressSpace);
    }
    if (!spec.security.roleSet) removeRoleSet(opcua, addressSpace);

    await opcua.serverConfiguration.installPushCertificateManagementOnServer(server);
    onCertificateChanged(server, () => {
      lastCertificateChange = Date.now();
    });

    await server.start();
    try {
      freezer = installFreezer(server);
    } catch (error) {
      await server.shutdown(0);
      throw error;
    }
    freezer.set(options.faults.frozen);
  } catch (error) {
    await pki.dispose();
    throw explainStartFailure(error, spec, host, port);
  }

  return {
    endpointUrl: `opc.tcp://${host}:${port}`,
    setFrozen: (frozen) => freezer.set(frozen),
    trustClient: (certificateDer) => pki.server.trustCertificate(certificateDer),
    acceptRejectedClients: async () => {
      const rejected = await certificatesIn(rejectedFolder(paths));
      for (const certificate of rejected) await pki.server.trustCertificate(certificate);
      return rejected;
    },
    stop: async () => {
      stopping.abort();
      // A frozen server would never finish closing its channels; the fault itself stays set.
      freezer.release();
      // Stopping while the 2.157 server is about to restart its endpoints after ApplyChanges makes its
      // timer act on a shut-down server; let it finish first.
      const wait = lastCertificateChange + ENDPOINT_RESTART_MS + 500 - Date.now();
      if (wait > 0) await sleep(wait);
      await server.shutdown(0);
      await pki.dispose();
    },
  };
}

function userNameOf({ ua }: Opcua, session: ServerSession): string | undefined {
  const token = session.userIdentityToken;
  return token instanceof ua.UserNameIdentityToken && typeof token.userName === "string" ? token.userName : undefined;
}

/** The dropOnChange fault: cut the caller's TCP connection without a response. */
function dropConnection(context: ISessionContext): void {
  const channel: unknown = context.session?.channel;
  if (channel && typeof (channel as { abruptlyInterrupt?: unknown }).abruptlyInterrupt === "function") {
    (channel as { abruptlyInterrupt(): void }).abruptlyInterrupt();
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => finish(true), ms);
    const abort = (): void => finish(false);
    function finish(elapsed: boolean): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", abort);
      resolve(elapsed);
    }
    signal?.addEventListener("abort", abort, { once: true });
  });
}

function explainStartFailure(error: unknown, spec: SimControllerSpec, host: string, port: number): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE|address already in use/i.test(message)) {
    return new PortInUseError(
      `controller ${spec.id} cannot listen on ${host}:${port}: the port is in use. The state folder pins this port so the plant file stays valid; stop whatever holds it, or start the simulator with a new state folder.`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

export class PortInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PortInUseError";
  }
}

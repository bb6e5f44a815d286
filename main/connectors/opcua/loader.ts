import { createHash, X509Certificate } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type * as NodeOpcua from "node-opcua";
import type { OPCUACertificateManager } from "node-opcua";
import { loadTimeLevel, parseLogLevel, routeLogging, type OpcUaLogLevel } from "./logging";
import { trackClientSockets } from "./transports";

export type Ua = typeof NodeOpcua;

/** Fieldproof's OPC UA application certificate, as a controller sees it. */
export interface ClientIdentity {
  /** The PEM file in the connector's PKI folder. */
  readonly file: string;
  readonly der: Buffer;
  readonly thumbprintSha256: string;
  readonly subject: string;
  readonly notAfter: string;
}

let loading: Promise<Ua> | undefined;

export interface LoadOptions {
  /** Where node-opcua's own log lines go (never stdout); stderr when not given. */
  readonly logFile?: string | undefined;
  readonly logLevel?: OpcUaLogLevel | undefined;
}

/**
 * Loads node-opcua on first use, never at import time: esbuild bundles this module into the CLI, and
 * a static import would cost ~2 s on every command and print node-opcua's load-time warning W27 on
 * stdout (in the middle of --json output). Its logging is routed away from stdout once loaded (see
 * logging.ts); the first caller's options win, node-opcua's loggers being process-wide.
 */
export function loadOpcua(options: LoadOptions = {}): Promise<Ua> {
  if (!loading) {
    const level = options.logLevel ?? parseLogLevel(process.env.FIELDPROOF_OPCUA_LOG);
    process.env.NODEOPCUA_LOG_LEVEL ??= loadTimeLevel(level === "debug" ? "error" : level);
    loading = import("node-opcua").then((ua) => {
      routeLogging(ua, level, options.logFile);
      trackClientSockets((code) => ua.getStatusCodeFromCode(code).name);
      return ua;
    });
  }
  return loading;
}

/**
 * The connector's own PKI: one certificate manager and one application certificate for all its
 * clients, in `pkiDir` (never node-opcua's shared ~/.config default). Created once; the key pair is
 * generated the first time a folder is used (the slow part of a cold start).
 */
export class ClientPki {
  private ready: Promise<OPCUACertificateManager> | undefined;
  private manager: OPCUACertificateManager | undefined;
  private identityCache: Promise<ClientIdentity> | undefined;

  constructor(
    private readonly pkiDir: string,
    private readonly applicationName: string,
  ) {}

  /** The initialised manager, with the client certificate in place. */
  open(ua: Ua): Promise<OPCUACertificateManager> {
    this.ready ??= this.create(ua);
    return this.ready;
  }

  /**
   * node-opcua's client disposes its certificate manager on disconnect unless the manager's
   * reference counter is above zero, and two clients disposing at once throw "Already disposing"
   * from a promise nobody awaits. Each client therefore holds a reference, which its disconnect
   * gives back.
   */
  retain(manager: OPCUACertificateManager): void {
    manager.referenceCounter += 1;
  }

  /** The application certificate controllers see (after open): what a technician adds to a controller's trust list. */
  async identity(): Promise<ClientIdentity> {
    this.identityCache ??= this.readIdentity();
    return this.identityCache;
  }

  private async readIdentity(): Promise<ClientIdentity> {
    const file = join(this.pkiDir, "own", "certs", "client_certificate.pem");
    const x509 = new X509Certificate(await readFile(file));
    return { file, der: x509.raw, thumbprintSha256: createHash("sha256").update(x509.raw).digest("hex"), subject: x509.subject.split("\n").filter(Boolean).join(", "), notAfter: new Date(x509.validTo).toISOString() };
  }

  async dispose(): Promise<void> {
    const manager = this.manager ?? (await this.ready?.catch(() => undefined));
    this.ready = undefined;
    this.manager = undefined;
    this.identityCache = undefined;
    if (!manager) return;
    manager.referenceCounter = 0;
    await manager.dispose().catch(() => undefined);
  }

  private async create(ua: Ua): Promise<OPCUACertificateManager> {
    await mkdir(this.pkiDir, { recursive: true, mode: 0o700 });
    // Server certificates are not trusted through this manager's folders: every channel that carries a
    // password is pinned to a certificate the caller trusts (see session.ts). Unknown ones are not
    // copied into trusted/ either.
    const manager = new ua.OPCUACertificateManager({ rootFolder: this.pkiDir, automaticallyAcceptUnknownCertificate: false });
    // node-opcua asks the manager about a server certificate only when it fetches one by itself: when it
    // re-creates a dropped channel and the old certificate fails. Whatever sits in trusted/, that path
    // must never move a session (and its password) to another certificate than the caller's pin.
    const refuseAll = async (): Promise<unknown> => ua.StatusCodes.BadCertificateUntrusted;
    (manager as unknown as { checkCertificate: () => Promise<unknown> }).checkCertificate = refuseAll;
    try {
      await manager.initialize();
      // Create the application certificate once, before concurrent clients race to do it.
      const client = ua.OPCUAClient.create({ applicationName: this.applicationName, clientCertificateManager: manager });
      await client.createDefaultCertificate();
    } catch (error) {
      await manager.dispose().catch(() => undefined);
      this.ready = undefined;
      throw error;
    }
    this.manager = manager;
    return manager;
  }
}

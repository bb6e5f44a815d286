import type { OPCUACertificateManager } from "node-opcua";
import type { ControllerStore } from "./controllerStore";
import { startControllerServer, type RunningServer } from "./controllerServer";
import { FaultSwitch } from "./faults";
import { loadOpcua } from "./opcua";
import { certificateFile, certificatesIn, readCertificateDer, rejectedFolder, withServerCertificates } from "./pki";
import type { ControllerPaths } from "./state";
import type { PasswordPolicy, SimController, SimControllerSpec, SimFault, SimUserSnapshot } from "./types";

export interface ControllerHandleOptions {
  readonly spec: SimControllerSpec;
  readonly siteName: string;
  readonly paths: ControllerPaths;
  readonly store: ControllerStore;
  readonly policy: PasswordPolicy;
  readonly host: string;
  readonly quiet: boolean;
}

/** One simulated controller that can be stopped and started again on the same port and state. */
export class ControllerHandle implements SimController {
  private server: RunningServer | undefined;
  private readonly faults = new FaultSwitch();
  // start() and stop() run one after the other, whatever order callers fire them in.
  private lifecycle: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ControllerHandleOptions) {}

  get id(): string {
    return this.options.spec.id;
  }

  get spec(): SimControllerSpec {
    return this.options.spec;
  }

  get port(): number {
    return this.options.store.port;
  }

  /** Before the first start only: see startDemoPlant. */
  async movePort(port: number): Promise<void> {
    await this.options.store.movePort(port);
  }

  get endpointUrl(): string {
    return `opc.tcp://${this.options.host}:${this.port}`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get fault(): SimFault | null {
    return this.faults.current;
  }

  start(): Promise<void> {
    return this.serialize(async () => {
      if (this.server) return;
      this.server = await startControllerServer({ ...this.options, faults: this.faults });
      // A fault set while the server was starting (startControllerServer applied the one before).
      this.server.setFrozen(this.faults.frozen);
    });
  }

  stop(): Promise<void> {
    return this.serialize(async () => {
      const server = this.server;
      this.server = undefined;
      await server?.stop();
    });
  }

  setFault(fault: SimFault | null): void {
    this.faults.set(fault);
    this.server?.setFrozen(this.faults.frozen);
  }

  users(): readonly SimUserSnapshot[] {
    return this.options.store.snapshot();
  }

  /** What a login with this password would get (disabled accounts fail; the keepOldPassword fault's extra passwords pass). */
  verifyPassword(userName: string, password: string): Promise<boolean> {
    return this.options.store.authenticate(userName, password);
  }

  /** Refused session logins for the account since this simulator started (what a lock-out policy counts). */
  failedLogins(userName: string): number {
    return this.options.store.failedLogins(userName);
  }

  /** The vendor tool: sets a password without OPC UA (controllers without Part 18 are rotated this way). */
  setPasswordOutOfBand(userName: string, password: string): Promise<void> {
    return this.options.store.modify(userName, { password });
  }

  certificate(): Promise<Buffer> {
    return readCertificateDer(certificateFile(this.options.paths));
  }

  /** The live trust list when running (effective for the next secure channel), else the PKI folder. */
  trustClient(certificateDer: Buffer): Promise<void> {
    return this.withTrustList(
      (server) => server.trustClient(certificateDer),
      (manager) => manager.trustCertificate(certificateDer),
    );
  }

  rejectedClients(): Promise<readonly Buffer[]> {
    return certificatesIn(rejectedFolder(this.options.paths));
  }

  acceptRejectedClients(): Promise<readonly Buffer[]> {
    return this.withTrustList(
      (server) => server.acceptRejectedClients(),
      async (manager) => {
        const rejected = await certificatesIn(rejectedFolder(this.options.paths));
        for (const certificate of rejected) await manager.trustCertificate(certificate);
        return rejected;
      },
    );
  }

  /** Trust-list changes run between start() and stop(), on whichever certificate manager is current. */
  private withTrustList<T>(
    running: (server: RunningServer) => Promise<T>,
    stopped: (manager: OPCUACertificateManager) => Promise<T>,
  ): Promise<T> {
    const run = this.lifecycle.then(async () => {
      if (this.server) return running(this.server);
      const opcua = await loadOpcua({ quiet: this.options.quiet });
      return withServerCertificates(opcua, this.options.paths, stopped);
    });
    this.lifecycle = run.catch(() => undefined);
    return run;
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const run = this.lifecycle.then(step);
    this.lifecycle = run.catch(() => undefined);
    return run;
  }
}

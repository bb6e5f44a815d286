import { AppError } from "../../shared/domain/errors";
import { type ScanOutcome } from "../../shared/contract";
import { cannotListAccounts, unreachablePosture, type ControllerPosture } from "../../shared/domain/posture";
import { controllerIdForUrl, expandTargets } from "../../shared/domain/targets";
import type { ControllerRow, PlantRepository } from "../db/plantRepository";
import type { Identity } from "../evidence/identity";
import type { ControllerConnector } from "../connectors/port";
import type { JobContext } from "./jobs";
import type { PlantService } from "./plantService";
import { mapPool } from "./pool";
import { unknownController } from "./unknownController";

export interface ScanOptions {
  readonly controllerIds?: readonly string[] | undefined;
  readonly targets?: readonly string[] | undefined;
  readonly ports?: readonly number[] | undefined;
  readonly trustNewCertificates: boolean;
  readonly concurrency: number;
  readonly timeoutMs: number;
}

export type PostureDiff = (previous: ControllerPosture | null, next: ControllerPosture) => readonly { kind: string; severity: string; text: string }[];

export interface ScanServiceDeps {
  readonly repo: PlantRepository;
  readonly plant: PlantService;
  readonly identity: Identity;
  readonly connector: () => ControllerConnector;
  readonly diff: PostureDiff;
  readonly now: () => Date;
}

/**
 * Visits controllers with bounded concurrency: discovers each endpoint, checks its certificate
 * against the trusted one (trust on first use only when asked), reads the posture with the
 * technician's login over an encrypted channel, and records one `controller.observed` per visit.
 */
export class ScanService {
  constructor(private readonly deps: ScanServiceDeps) {}

  /**
   * Resolves what to scan: plant controllers by id, or typed hosts/URLs. Nothing is recorded here: a
   * typed endpoint becomes a controller of the plant only once it answers (a typo or a closed port
   * leaves no trace).
   */
  resolveTargets(options: Pick<ScanOptions, "controllerIds" | "targets" | "ports">): ControllerRow[] {
    if (options.targets && options.targets.length > 0) {
      const expanded = expandTargets(options.targets, options.ports ?? [4840]);
      if (!expanded.ok) throw new AppError("INVALID_REQUEST", `Cannot scan: ${expanded.error}.`);
      return expanded.urls.map((url) => this.deps.repo.controllerByUrl(url) ?? adHocRow(url));
    }
    const all = this.deps.repo.controllers();
    if (!options.controllerIds) return all;
    return options.controllerIds.map((id) => {
      const row = all.find((c) => c.id === id);
      if (!row) throw unknownController(id, all);
      return row;
    });
  }

  async scan(options: ScanOptions, job?: JobContext): Promise<ScanOutcome[]> {
    const controllers = this.resolveTargets(options);
    if (controllers.length === 0) throw new AppError("PRECONDITION_FAILED", "There are no controllers to scan. Import a plant file, start the demo plant, or type endpoints.");
    this.deps.identity.ensureDevice();
    let done = 0;
    job?.progress(0, controllers.length, `Scanning ${controllers.length} controller(s)`);
    return mapPool(
      controllers,
      options.concurrency,
      job?.signal,
      async (controller) => {
        const outcome = await this.visit(controller, options, job?.signal);
        job?.progress(++done, controllers.length, `${controller.name}: ${outcome.status}`);
        return outcome;
      },
      (controller) => outcome(controller, "cancelled", "Not scanned: the scan was cancelled.", null, 0),
    );
  }

  private async visit(target: ControllerRow, options: ScanOptions, signal: AbortSignal | undefined): Promise<ScanOutcome> {
    let controller = target;
    const call = { signal, timeoutMs: options.timeoutMs };
    const connector = this.deps.connector();
    let discovery;
    try {
      discovery = await connector.discover(controller.endpointUrl, call);
    } catch (error) {
      if (!this.deps.repo.controller(controller.id)) return outcome(controller, failureStatus(error), error instanceof Error ? error.message : String(error), null, 0);
      return this.unreachable(controller, error);
    }
    if (!this.deps.repo.controller(controller.id)) controller = this.declare(controller);
    const cert = discovery.certificate;
    let trusted = controller.trustDecision === "rejected" ? null : controller.trustedThumbprint;
    let status: ScanOutcome["status"] = "observed";
    let message = "";
    if (cert && trusted === null) {
      if (options.trustNewCertificates && controller.trustDecision !== "rejected") {
        this.deps.plant.trust(controller.id, cert, "first-use", "Trusted on first use during a scan the technician started with new certificates accepted.");
        trusted = cert.thumbprintSha256;
      } else {
        status = "awaiting-trust";
        message = `New certificate (${cert.subject}); check its thumbprint and trust it before Fieldproof logs in.`;
      }
    } else if (cert && trusted !== cert.thumbprintSha256) {
      status = "certificate-changed";
      message = `The certificate changed since it was trusted (was ${trusted!.slice(0, 16)}…, now ${cert.thumbprintSha256.slice(0, 16)}…): possible impersonation. No password was sent.`;
    }
    const canLogIn = cert !== null && trusted === cert.thumbprintSha256;
    const login = canLogIn ? this.deps.plant.login(controller.id) : null;
    let posture: ControllerPosture;
    try {
      posture = await connector.readPosture(controller.endpointUrl, login, { ...call, ...(canLogIn ? { expectedThumbprint: trusted! } : {}) });
    } catch (error) {
      return this.unreachable(controller, error);
    }
    if (status === "observed") {
      // The login itself refused (or the channel): a read the login may not do is only a gap.
      const denied = posture.gaps.find((g) => (g.stage === "session" || g.stage === "connect") && (g.code === "ACCESS_DENIED" || /BadUserAccessDenied/.test(g.message)));
      const noSession = login ? posture.gaps.find((g) => g.stage === "session" || g.stage === "connect") : undefined;
      if (denied) {
        status = "access-denied";
        message = `The controller refused the login${login ? ` for ${login.userName}` : ""}: ${denied.message}`;
      } else if (noSession) {
        // Discovery answered but no session could be opened (a refused channel, a protocol failure):
        // nothing a login reads was read, so this controller was not read.
        status = "error";
        message = noSession.message;
      } else if (!login) {
        status = "partial";
        message = "No technician login is stored for this controller: accounts and sessions were not read.";
      } else if (cannotListAccounts(posture)) {
        status = "partial";
        const declared = this.deps.repo.declaredAccounts().filter((a) => a.controllerId === controller.id).map((a) => a.userName);
        message = `Read; this controller cannot list its accounts (no Part 18 Users, no RoleSet): ${declared.length} declared${declared.length > 0 ? ` (${declared.join(", ")})` : ""}. Declare the others you know: Plant › Add an account you know, or fieldproof accounts add ${controller.id} NAME.`;
      } else if (posture.gaps.length > 0) {
        status = "partial";
        message = posture.gaps.map((g) => `${g.stage}: ${g.message.replace(/\.$/, "")}`).join("; ");
      } else {
        message = `${posture.accounts?.length ?? 0} account(s), ${posture.endpoints.length} endpoint(s) read.`;
      }
    }
    const changes = this.record(controller, posture, login && canLogIn ? { userName: login.userName, securityPolicy: discovery.secureEndpoint?.securityPolicy ?? "", securityMode: discovery.secureEndpoint?.securityMode ?? "" } : null);
    return outcome(controller, status, message, cert, changes);
  }

  /** An endpoint typed by the technician that answered: it joins the plant as an unassigned controller. */
  private declare(row: ControllerRow): ControllerRow {
    this.deps.identity.journal.append("plant.loaded", [{ name: "fieldproof:site/unassigned" }], {
      site: { id: "unassigned", name: "Unassigned endpoints" },
      source: "scan targets",
      controllers: [{ id: row.id, name: row.name, kind: "plc", vendor: "", model: "", area: "Unassigned", line: "Unassigned", cell: "Unassigned", endpointUrl: row.endpointUrl, hasLogin: false }],
    });
    return this.deps.repo.controller(row.id)!;
  }

  private unreachable(controller: ControllerRow, error: unknown): ScanOutcome {
    const code = error instanceof AppError ? error.code : "INTERNAL";
    const message = error instanceof Error ? error.message : String(error);
    const status = failureStatus(error);
    if (status === "cancelled") return outcome(controller, status, message, null, 0);
    const posture = unreachablePosture(controller.endpointUrl, this.deps.now().toISOString(), [{ stage: "connect", code, message: message.slice(0, 1000) }]);
    this.record(controller, posture, null);
    return outcome(controller, status, message, null, 0);
  }

  private record(controller: ControllerRow, posture: ControllerPosture, login: { userName: string; securityPolicy: string; securityMode: string } | null): number {
    const changes = this.deps.diff(controller.posture, posture);
    this.deps.identity.journal.append("controller.observed", [{ name: `fieldproof:controller/${controller.id}` }], {
      controllerId: controller.id,
      posture,
      changes: changes.map((c) => ({ kind: c.kind, severity: c.severity, text: c.text })),
      login,
    });
    return changes.length;
  }
}

/** How a controller that could not be read at all is reported. */
function failureStatus(error: unknown): ScanOutcome["status"] {
  const code = error instanceof AppError ? error.code : "INTERNAL";
  if (code === "CANCELLED") return "cancelled";
  if (code === "TIMEOUT") return "timeout";
  if (code === "UNREACHABLE") return "unreachable";
  if (code === "ACCESS_DENIED") return "access-denied";
  return "error";
}

function outcome(controller: ControllerRow, status: ScanOutcome["status"], message: string, cert: { subject: string; thumbprintSha256: string; notAfter: string } | null, changes: number): ScanOutcome {
  return {
    controllerId: controller.id,
    name: controller.name,
    endpointUrl: controller.endpointUrl,
    status,
    message,
    certificate: cert ? { subject: cert.subject, thumbprintSha256: cert.thumbprintSha256, notAfter: cert.notAfter } : null,
    changes,
  };
}

/** A typed endpoint not (yet) in the plant. */
function adHocRow(url: string): ControllerRow {
  return {
    id: controllerIdForUrl(url),
    name: url.replace(/^opc\.tcp:\/\//, ""),
    kind: "plc",
    vendor: "",
    model: "",
    siteId: "unassigned",
    siteName: "Unassigned endpoints",
    area: "Unassigned",
    line: "Unassigned",
    cell: "Unassigned",
    endpointUrl: url,
    hasLogin: false,
    trustDecision: null,
    trustedThumbprint: null,
    trustedAt: null,
    lastObservedAt: null,
    reachable: null,
    notReachedAt: null,
    posture: null,
    changes: [],
  };
}

import { readFileSync, statSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";
import { describeIssues } from "../../shared/domain/validation";
import { PlantFile, type DeclaredAccount } from "../../shared/domain/plant";
import type { CertificateInfo } from "../../shared/domain/posture";
import type { PlantRepository } from "../db/plantRepository";
import type { Identity } from "../evidence/identity";
import { loginRef, type Vault } from "../evidence/vault";
import { unknownController } from "./unknownController";

export interface PlantImportSummary {
  readonly site: string;
  readonly controllers: number;
  /** The file's controllers, to scan just them. */
  readonly controllerIds: string[];
  readonly logins: number;
  /** Account declarations the file added (already held ones are not counted). */
  readonly declaredAccounts: number;
}

const MAX_PLANT_FILE = 16 * 1024 * 1024;

export interface PlantServiceDeps {
  readonly repo: PlantRepository;
  readonly identity: Identity;
  readonly vault: Vault;
}

/** Declaring the plant (from a plant file) and the technician's trust decisions on certificates. */
export class PlantService {
  constructor(private readonly deps: PlantServiceDeps) {}

  async importPlantFile(path: string): Promise<PlantImportSummary> {
    let text: string;
    try {
      if (statSync(path).size > MAX_PLANT_FILE) throw new AppError("INVALID_REQUEST", `${path} is larger than 16 MiB: not a plant file.`);
      text = readFileSync(path, "utf8");
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError("IO_ERROR", `Cannot read the plant file ${path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("INVALID_REQUEST", `${path} is not JSON, so not a plant file. Nothing was imported.`);
    }
    const parsed = PlantFile.safeParse(json);
    if (!parsed.success) {
      throw new AppError("INVALID_REQUEST", `${path} is not a valid plant file: ${describeIssues(parsed.error, 3)}. Nothing was imported.`);
    }
    return this.importPlant(parsed.data, path);
  }

  /** One record declares the controllers; the logins go to the vault in the same transaction. */
  async importPlant(plant: PlantFile, source: string): Promise<PlantImportSummary> {
    const ids = new Set<string>();
    for (const c of plant.controllers) {
      if (ids.has(c.id)) throw new AppError("INVALID_REQUEST", `The plant file lists controller ${c.id} twice. Nothing was imported.`);
      ids.add(c.id);
    }
    this.deps.identity.ensureDevice();
    let logins = 0;
    let declared = 0;
    this.deps.identity.journal.transaction(() => {
      for (const c of plant.controllers) {
        if (c.technicianLogin) {
          const login = { userName: c.technicianLogin.username, password: c.technicianLogin.password };
          this.deps.vault.put(loginRef(c.id, login.userName), JSON.stringify(login));
          logins++;
        }
      }
      this.deps.identity.journal.appendInTransaction("plant.loaded", [{ name: `fieldproof:site/${plant.site.id}` }], {
        site: plant.site,
        source: source.slice(0, 500),
        controllers: plant.controllers.map((c) => ({
          id: c.id,
          name: c.name,
          kind: c.kind,
          vendor: c.vendor,
          model: c.model,
          area: c.area,
          line: c.line,
          cell: c.cell,
          endpointUrl: c.endpointUrl,
          hasLogin: c.technicianLogin !== undefined,
        })),
      });
      // Accounts the file declares, on each controller (or every controller of a line).
      const byLine = new Map((plant.lines ?? []).map((l) => [l.line, l.accounts]));
      const held = this.heldDeclarations();
      for (const c of plant.controllers) {
        for (const account of [...(byLine.get(c.line) ?? []), ...(c.accounts ?? [])]) declared += this.appendDeclaration(held, c.id, { ...account, userName: account.userName.trim() }, "plant-file") ? 1 : 0;
      }
    });
    return { site: plant.site.name, controllers: plant.controllers.length, controllerIds: plant.controllers.map((c) => c.id), logins, declaredAccounts: declared };
  }

  /**
   * The technician knows an account is on these controllers though they cannot list it (no Part 18
   * Users, no RoleSet). Recorded as declared, not observed; it then rotates through the manual path
   * with proof by login. Refused where the controller's own Part 18 list says otherwise.
   */
  async declareAccount(input: { controllerIds: readonly string[]; account: DeclaredAccount }): Promise<{ identityId: string; declared: number; unchanged: number }> {
    const userName = input.account.userName.trim();
    // eslint-disable-next-line no-control-regex
    if (userName === "" || /[\u0000-\u001f\u007f]/.test(userName)) throw new AppError("INVALID_REQUEST", "An account name is 1 to 200 characters without control characters.");
    const account = { ...input.account, userName };
    const controllers = [...new Set(input.controllerIds)].map((id) => {
      const c = this.deps.repo.controller(id);
      if (!c) throw unknownController(id, this.deps.repo.controllers(), "Nothing was declared.");
      return c;
    });
    for (const c of controllers) {
      const posture = c.posture;
      const listed = posture?.accounts ?? null;
      if (listed?.some((a) => a.userName === userName)) {
        throw new AppError("CONFLICT", `${c.name} lists ${userName} itself: it is already an account there, no need to declare it. Nothing was declared.`);
      }
      const fullList = listed !== null && posture!.userManagement.available && !posture!.gaps.some((g) => g.code === "FROM_ROLESET");
      if (fullList) {
        throw new AppError(
          "CONFLICT",
          `${c.name} lists its accounts (Part 18) and ${userName} is not among them: scan it again if the account was added since, or check the name. Nothing was declared.`,
        );
      }
    }
    this.deps.identity.ensureDevice();
    let declared = 0;
    this.deps.identity.journal.transaction(() => {
      const held = this.heldDeclarations();
      for (const c of controllers) declared += this.appendDeclaration(held, c.id, account, "technician") ? 1 : 0;
    });
    return { identityId: `user/${userName}`, declared, unchanged: controllers.length - declared };
  }

  /**
   * A factory account the opt-in check logged in with, on a controller that cannot list its accounts:
   * it exists there, so it becomes a declared account (kind default). Inside the caller's transaction.
   */
  declareFound(controllerId: string, userName: string): void {
    this.appendDeclaration(this.heldDeclarations(), controllerId, { userName, kind: "default", description: "Found by the factory password check: the vendor's published password opened it." }, "default-check");
  }

  private heldDeclarations(): Map<string, { kind: string; description: string }> {
    return new Map(this.deps.repo.declaredAccounts().map((a) => [`${a.controllerId}\u0000${a.userName}`, a]));
  }

  /** One `account.declared` record, unless the same declaration is already held. Inside a transaction. */
  private appendDeclaration(held: Map<string, { kind: string; description: string }>, controllerId: string, account: DeclaredAccount, source: "plant-file" | "technician" | "default-check"): boolean {
    const key = `${controllerId}\u0000${account.userName}`;
    const same = held.get(key);
    if (same && same.kind === account.kind && same.description === account.description) return false;
    held.set(key, account);
    this.deps.identity.journal.appendInTransaction("account.declared", [{ name: `fieldproof:controller/${controllerId}/account/${account.userName}` }], {
      controllerId,
      userName: account.userName,
      kind: account.kind,
      description: account.description,
      source,
    });
    return true;
  }

  /** The technician's login on a controller, from the vault (never leaves main). */
  login(controllerId: string): { userName: string; password: string } | null {
    const ref = this.deps.vault.refs(`login/${controllerId}/`)[0];
    if (!ref) return null;
    const value = this.deps.vault.get(ref);
    return value ? (JSON.parse(value) as { userName: string; password: string }) : null;
  }

  /** Stores (or replaces) the technician's login for a controller. */
  setLogin(controllerId: string, userName: string, password: string): void {
    if (!this.deps.repo.controller(controllerId)) throw unknownController(controllerId, this.deps.repo.controllers());
    this.deps.identity.ensureDevice();
    for (const ref of this.deps.vault.refs(`login/${controllerId}/`)) this.deps.vault.delete(ref);
    this.deps.vault.put(loginRef(controllerId, userName), JSON.stringify({ userName, password }));
  }

  /**
   * The technician trusts (or rejects) the certificate the controller presents now, which they have
   * compared by its thumbprint. Refused if it is not the one they looked at.
   */
  trustPresented(controllerId: string, thumbprintSha256: string, decision: "trust" | "reject", note: string): void {
    const row = this.deps.repo.controller(controllerId);
    const cert = row?.posture?.certificate;
    if (!row || !cert) throw new AppError("NOT_FOUND", `Controller ${controllerId} has not presented a certificate yet: scan it first.`);
    if (cert.thumbprintSha256 !== thumbprintSha256) throw new AppError("CONFLICT", "The certificate changed while you were looking at it. Scan again and check the new thumbprint.");
    this.trust(controllerId, cert, decision === "reject" ? "rejected" : row.trustedThumbprint ? "re-trusted" : "first-use", note);
  }

  /** Records a trust decision on a controller's certificate, as the technician made it. */
  trust(controllerId: string, certificate: CertificateInfo, decision: "first-use" | "re-trusted" | "rejected", note: string): void {
    const controller = this.deps.repo.controller(controllerId);
    if (!controller) throw unknownController(controllerId, this.deps.repo.controllers());
    this.deps.identity.journal.append("controller.trusted", [{ name: `fieldproof:controller/${controllerId}`, sha256: certificate.thumbprintSha256 }], {
      controllerId,
      endpointUrl: controller.endpointUrl,
      certificate,
      decision,
      previousThumbprint: controller.trustedThumbprint,
      note,
    });
  }
}

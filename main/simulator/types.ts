import type { ControllerKind, PlantFile } from "../../shared/domain/plant";

/** The OPC UA well-known roles (Part 3 §4.8.2) a demo account can hold. */
export const WELL_KNOWN_ROLES = [
  "Anonymous",
  "AuthenticatedUser",
  "Observer",
  "Operator",
  "Engineer",
  "Supervisor",
  "ConfigureAdmin",
  "SecurityAdmin",
] as const;
export type WellKnownRole = (typeof WELL_KNOWN_ROLES)[number];

export interface AccountFlags {
  /** One password known to several people (and here: several controllers). */
  readonly shared: boolean;
  readonly vendor: boolean;
  readonly breakGlass: boolean;
  /** Factory default name and password. */
  readonly default: boolean;
  readonly operator: boolean;
  /** The SecurityAdmin account the technician logs in with (`technicianLogin` in the plant file). */
  readonly technician: boolean;
}

/** One account as the simulator created it (ground truth for tests; never written to disk as such). */
export interface SimAccount {
  readonly userName: string;
  /** Roles granted besides AuthenticatedUser, which every logged-in user has. */
  readonly roles: readonly WellKnownRole[];
  /** What a client reads in Part 18 `Users[].Description`. */
  readonly description: string;
  readonly flags: AccountFlags;
  /** Vendor accounts only: last valid day (YYYY-MM-DD) and whether it is past at the plant's clock. */
  readonly vendorExpiry?: { readonly date: string; readonly expired: boolean };
  /** The password set when the state folder was created. Rotations change the live one, not this. */
  readonly initialPassword: string;
  /** Part 18 UserConfiguration NoDelete. */
  readonly noDelete: boolean;
}

/** How a controller's server is configured; the deliberate weaknesses and the profiles switch these. */
export interface SimSecurity {
  readonly allowAnonymous: boolean;
  /** Offer SecurityPolicy None / mode None next to the secure endpoints. */
  readonly securityPolicyNone: boolean;
  /** Expose Part 18 UserManagement (i=24290). Without it rotation is manual only. */
  readonly part18: boolean;
  /**
   * Expose `Server/ServerCapabilities/RoleSet` (i=15606) with its `Identities` (one UserName rule per
   * account). false (noUserList): no RoleSet at all; with no Part 18 either, a client cannot list the accounts.
   */
  readonly roleSet: boolean;
  /**
   * Accept any client application certificate and keep it as trusted ("trust on first use"). false
   * (strictClientTrust): an unknown client certificate is rejected (stored in `pki/rejected/`) and the
   * secure channel refused until it is trusted.
   */
  readonly trustUnknownClients: boolean;
  /** List SignAndEncrypt endpoints only: no Sign, no None (secureOnlyDiscovery). GetEndpoints is still answered. */
  readonly encryptedOnly: boolean;
  /** Validity of the self-signed application certificate created on first start. */
  readonly certificateValidityDays: number;
}

/**
 * Habits of real controllers that do less than the demo plant's default (docs/simulator.md, Profiles).
 * Unlike weaknesses they are not findings in themselves; they are what the connector must cope with.
 */
export type ProfileKind = "noUserList" | "strictClientTrust" | "secureOnlyDiscovery" | "limitedTechnicianRole";

export interface Profile {
  readonly kind: ProfileKind;
  readonly controllerId: string;
}

export interface SimControllerSpec {
  readonly id: string;
  readonly name: string;
  readonly kind: ControllerKind;
  readonly vendor: string;
  readonly model: string;
  readonly area: string;
  readonly line: string;
  readonly cell: string;
  readonly applicationUri: string;
  readonly security: SimSecurity;
  /** The profiles this controller was given (none on most controllers). */
  readonly profiles: readonly ProfileKind[];
  readonly accounts: readonly SimAccount[];
}

export type WeaknessKind =
  | "anonymousAccess"
  | "securityPolicyNone"
  | "shortLivedCertificate"
  | "noPart18"
  | "crossLineSharedPassword"
  | "expiredVendorAccount";

export type Weakness =
  | { readonly kind: "anonymousAccess"; readonly controllerId: string }
  | { readonly kind: "securityPolicyNone"; readonly controllerId: string }
  | { readonly kind: "shortLivedCertificate"; readonly controllerId: string; readonly validityDays: number }
  | { readonly kind: "noPart18"; readonly controllerId: string }
  | {
      readonly kind: "crossLineSharedPassword";
      readonly controllerId: string;
      readonly userName: string;
      /** The other line whose maintenance password this controller carries, and its controllers. */
      readonly line: string;
      readonly sharesWith: readonly string[];
    }
  | { readonly kind: "expiredVendorAccount"; readonly controllerId: string; readonly userName: string; readonly expiredOn: string };

/** Controllers on which one account has the very same password. */
export interface SharedPassword {
  readonly userName: string;
  readonly controllerIds: readonly string[];
}

export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  readonly requireUpper: boolean;
  readonly requireLower: boolean;
  readonly requireDigit: boolean;
  readonly requireSpecial: boolean;
}

/** Everything the seed decided: the ground truth tests compare what a client reads against. */
export interface PlantBuild {
  readonly seed: string;
  readonly site: { readonly id: string; readonly name: string };
  /** The plant's clock when the state folder was created; vendor expiries are relative to it. */
  readonly createdAt: string;
  readonly controllers: readonly SimControllerSpec[];
  /** The five deliberate weaknesses (fewer below five controllers) plus every expired vendor account. */
  readonly weaknesses: readonly Weakness[];
  /** Weakness kinds left out because the plant is too small (see docs/simulator.md). */
  readonly droppedWeaknesses: readonly WeaknessKind[];
  /** Each profile on its own controller (none below five controllers). */
  readonly profiles: readonly Profile[];
  /** Profile kinds left out because the plant is too small. */
  readonly droppedProfiles: readonly ProfileKind[];
  readonly sharedPasswords: readonly SharedPassword[];
  readonly passwordPolicy: PasswordPolicy;
}

/** Misbehaviour a controller shows on Part 18 changes, for rotation tests. */
export type SimChangeFault =
  /** The TCP connection is destroyed during the call; `applyBefore` says whether the change was saved first. */
  | { readonly kind: "dropOnChange"; readonly applyBefore: boolean; readonly once?: boolean }
  /** The call answers after `ms`; the change is applied then unless `apply` is false. */
  | { readonly kind: "hangOnChange"; readonly ms: number; readonly apply?: boolean; readonly once?: boolean }
  /** Reports Good and the new password works, but the old one keeps working too. */
  | { readonly kind: "keepOldPassword"; readonly once?: boolean }
  /** Every change is refused with BadUserAccessDenied. */
  | { readonly kind: "denyChange"; readonly once?: boolean };

/**
 * A controller's current misbehaviour: one of the Part 18 change faults, or `freeze`: the controller
 * accepts TCP connections and never answers (a frozen process, a black hole) until the fault is cleared.
 */
export type SimFault = SimChangeFault | { readonly kind: "freeze" };

/** What a client could learn about an account, plus bookkeeping (never a password or hash). */
export interface SimUserSnapshot {
  readonly userName: string;
  readonly roles: readonly WellKnownRole[];
  readonly description: string;
  readonly disabled: boolean;
  readonly noDelete: boolean;
  readonly noChangeByUser: boolean;
  /** ISO time of the last password change through the simulator, if any. */
  readonly passwordChangedAt?: string;
}

export interface SimController {
  readonly id: string;
  readonly spec: SimControllerSpec;
  readonly endpointUrl: string;
  readonly port: number;
  readonly running: boolean;
  readonly fault: SimFault | null;
  /** Stops the server (clients see the controller as unreachable); the state folder is kept. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same PKI and accounts. */
  start(): Promise<void>;
  /**
   * Sets (or with null clears) the controller's fault. `freeze` takes effect at once: connections
   * accepted from now on are never read, open ones are neither read nor written; clearing it lets the
   * same server (same port, PKI and sessions) answer again. A fault survives stop()/start().
   */
  setFault(fault: SimFault | null): void;
  users(): readonly SimUserSnapshot[];
  verifyPassword(userName: string, password: string): Promise<boolean>;
  /** Refused session logins for the account since the simulator started (what a lock-out policy counts). */
  failedLogins(userName: string): number;
  /** The vendor's own tool: sets a password without OPC UA (a manual rotation's other half). */
  setPasswordOutOfBand(userName: string, password: string): Promise<void>;
  /** The application certificate (DER) the server presents now. */
  certificate(): Promise<Buffer>;
  /**
   * Adds a client application certificate (DER) to the controller's trusted list, as an operator would
   * on its panel. Matters on a strictClientTrust controller; works whether the controller runs or not.
   */
  trustClient(certificateDer: Buffer): Promise<void>;
  /** The client certificates the controller refused so far (`pki/rejected/`), DER. */
  rejectedClients(): Promise<readonly Buffer[]>;
  /** Moves every rejected client certificate to the trusted list ("accept it in its rejected list"); returns them. */
  acceptRejectedClients(): Promise<readonly Buffer[]>;
}

export interface DemoPlant {
  /** The plant file: `technicianLogin` carries the technician's initial SecurityAdmin password. */
  readonly plant: PlantFile;
  readonly build: PlantBuild;
  readonly controllers: readonly SimController[];
  readonly stateDir: string;
  controller(id: string): SimController;
  /** Writes the plant file atomically (tmp + fsync + rename). */
  writePlantFile(path: string): Promise<void>;
  /** `trustClient` on every controller: the laptop's certificate, trusted before the demo (see docs/simulator.md). */
  trustClient(certificateDer: Buffer): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoPlantOptions {
  readonly controllers: number;
  readonly seed?: string | number;
  readonly stateDir: string;
  readonly host?: "127.0.0.1";
  /** How many controllers start at once (key generation is CPU bound). Default: 4. */
  readonly concurrency?: number;
  /** The plant's clock for a new state folder (vendor expiries). Ignored when the folder exists. */
  readonly now?: Date;
  /** Silence node-opcua's own logging (process-wide) below errors that matter. Default: true. */
  readonly quiet?: boolean;
  onProgress?(done: number, total: number, label: string): void;
}

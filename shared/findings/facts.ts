import type { IdentityFlags, IdentityKind } from "../domain/identity";
import type { ControllerPosture } from "../domain/posture";

/**
 * What the rules need to know, gathered by the caller (inventory, store, scan). Dates are ISO
 * strings: a bare date (`2026-12-05`) is midnight UTC, except for expiries, where it is the last
 * valid day. A date that does not parse counts as unknown, and an unknown never produces a finding.
 */

/** One controller and what the latest visit observed. */
export interface ControllerFacts {
  readonly id: string;
  /** For sentences: "Body Line 1 Cell 10 PLC". */
  readonly name: string;
  /** null before the first visit. */
  readonly posture: ControllerPosture | null;
  /**
   * SHA-256 thumbprint (hex; colons and case are ignored) of the application certificate the
   * technician trusted, on first use or after a verified change; null while nothing is trusted.
   */
  readonly trustedThumbprintSha256: string | null;
  /**
   * Subjects of the site CA's issuing certificates installed on this laptop (any site); empty or
   * absent: no site CA, and the findings that compare with one do not fire.
   */
  readonly siteCaIssuers?: readonly string[];
}

/** Where an identity lives, for blast radius ("which lines"). */
export interface IdentityControllerRef {
  readonly id: string;
  readonly line: string;
  readonly cell: string;
}

/** The accountable owner after inheritance: set on the identity, or taken from its cell, line, area or site. */
export interface EffectiveOwner {
  readonly name: string;
  readonly source: "identity" | "cell" | "line" | "area" | "site";
}

/** Someone who knows or uses a shared credential. */
export interface HolderFacts {
  readonly name: string;
  /** When they stopped holding it (left the company, the team, or the contract); null while they hold it. */
  readonly leftAt: string | null;
}

export interface BreakGlassUse {
  readonly at: string;
  readonly by?: string | null;
  readonly workOrder?: string | null;
}

export interface IdentityFacts {
  readonly id: string;
  readonly kind: IdentityKind;
  /** Account name, certificate subject or key label. */
  readonly name: string;
  readonly flags: IdentityFlags;
  /** The site whose rotation policy applies (plant file `site.id`). */
  readonly siteId?: string | null;
  /** Every controller the same credential opens (one entry per controller). */
  readonly controllers: readonly IdentityControllerRef[];
  /** null when neither the identity nor anything above it names an owner. */
  readonly effectiveOwner: EffectiveOwner | null;
  readonly holders: readonly HolderFacts[];
  /** When Fieldproof first saw it: the oldest date we can vouch for when nothing else is known. */
  readonly firstSeenAt: string;
  /** Last rotation Fieldproof recorded (over OPC UA or a recorded manual change). */
  readonly lastRotatedAt: string | null;
  /** When the current secret was set, if known from elsewhere (a certificate's notBefore, an imported record). */
  readonly credentialSetAt?: string | null;
  /** When the current secret itself stops working (certificate notAfter, key expiry), if it does. */
  readonly credentialExpiresAt?: string | null;
  /** Recorded uses of the account as a break-glass credential. */
  readonly breakGlassUses: readonly BreakGlassUse[];
  readonly vendorName?: string | null;
  /** End of the vendor's access: a last valid day (`2026-12-05`) or an instant. */
  readonly vendorExpiresAt: string | null;
  /** A login with a published factory default password succeeded (the opt-in check). */
  readonly defaultPasswordConfirmed: boolean;
  /** When that check found it working (the earliest such finding since the last rotation): the account is due at once from then. */
  readonly defaultPasswordFoundAt?: string | null;
  /** false when it is disabled on every controller it lives on; absent means enabled. */
  readonly enabled?: boolean;
  /**
   * Controllers where one password was confirmed to open this account (a technician's reuse check:
   * one login attempt each). Absent or empty: not checked.
   */
  readonly sameSecretOn?: readonly IdentityControllerRef[];
}

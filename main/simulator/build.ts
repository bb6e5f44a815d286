import { accountsFor, MAINTENANCE_USER } from "./accounts";
import { layoutPlant, type ControllerSlot, type PlantLayout } from "./layout";
import { PASSWORD_POLICY } from "./passwords";
import { seeded, type Seeded } from "./seed";
import type { PlantBuild, Profile, ProfileKind, SharedPassword, SimControllerSpec, SimSecurity, Weakness, WeaknessKind } from "./types";

/** The deliberate weaknesses in the order they are kept when the plant has fewer than five controllers. */
export const PLACED_WEAKNESSES = [
  "anonymousAccess",
  "securityPolicyNone",
  "shortLivedCertificate",
  "noPart18",
  "crossLineSharedPassword",
] as const satisfies readonly WeaknessKind[];

/** The profiles, in the order they are placed; each goes to its own controller. */
export const PLACED_PROFILES = ["noUserList", "strictClientTrust", "secureOnlyDiscovery", "limitedTechnicianRole"] as const satisfies readonly ProfileKind[];

/** Below this many controllers the plant has no profile: the weaknesses keep every controller to themselves. */
export const PROFILES_FROM_CONTROLLERS = 5;

/**
 * Weaknesses a profile must not share a controller with: noUserList would hide the RoleSet the noPart18
 * controller keeps on purpose, and the Part 18 refusals over None on the SecurityPolicy None controller;
 * a secure-only controller cannot offer SecurityPolicy None; the limited technician needs Part 18 there
 * to be refused ModifyUser.
 */
const PROFILE_CONFLICTS: Readonly<Record<ProfileKind, readonly WeaknessKind[]>> = {
  noUserList: ["noPart18", "securityPolicyNone"],
  strictClientTrust: [],
  secureOnlyDiscovery: ["securityPolicyNone"],
  limitedTechnicianRole: ["noPart18"],
};

/** Validity of the one short-lived application certificate, and of every other one. */
export const SHORT_CERTIFICATE_DAYS = 5;
export const CERTIFICATE_DAYS = 5 * 365;

/** Vendor account expiries, in days from the plant's clock (negative: already expired). */
const VENDOR_EXPIRY_OFFSETS = [-120, -45, -3, 13, 30, 90, 200] as const;

const DAY_MS = 86_400_000;

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export interface BuildOptions {
  readonly seed: string | number;
  readonly controllers: number;
  /** The plant's clock; vendor expiries are relative to it. */
  readonly createdAt: Date;
}

/** Everything the seed decides, without touching the network or the disk. Same inputs, same plant. */
export function buildPlant(options: BuildOptions): PlantBuild {
  const rng = seeded(options.seed);
  const layout = layoutPlant(rng, options.controllers);
  const today = Date.parse(`${isoDay(options.createdAt)}T00:00:00Z`);

  // Which controller gets which weakness: a seeded order, one weakness per controller.
  const order = rng.shuffle("weakness-order", layout.slots.map((slot) => slot.index));
  const placed = new Map<WeaknessKind, ControllerSlot>();
  PLACED_WEAKNESSES.forEach((kind, k) => {
    const index = order[k];
    if (index !== undefined) placed.set(kind, layout.slots[index] as ControllerSlot);
  });
  const profiled = placeProfiles(rng, layout, placed);
  const has = (kind: ProfileKind, slot: ControllerSlot): boolean => profiled.get(kind) === slot;
  const crossLine = placed.get("crossLineSharedPassword");
  const otherLine = crossLine ? layout.lines.find((line) => line.id !== crossLine.lineId) : undefined;

  // Vendor expiries: seeded, but at least one expired and one still valid as soon as there are two.
  const expiryOffset = (slot: ControllerSlot): number => {
    if (slot.index === order[order.length - 1]) return -45;
    if (order.length > 1 && slot.index === order[order.length - 2]) return 13;
    return rng.pick(`vendor-expiry:${slot.id}`, VENDOR_EXPIRY_OFFSETS);
  };

  const controllers = layout.slots.map((slot): SimControllerSpec => {
    const offset = expiryOffset(slot);
    const security: SimSecurity = {
      allowAnonymous: placed.get("anonymousAccess") === slot,
      securityPolicyNone: placed.get("securityPolicyNone") === slot,
      part18: placed.get("noPart18") !== slot && !has("noUserList", slot),
      roleSet: !has("noUserList", slot),
      trustUnknownClients: !has("strictClientTrust", slot),
      encryptedOnly: has("secureOnlyDiscovery", slot),
      certificateValidityDays: placed.get("shortLivedCertificate") === slot ? SHORT_CERTIFICATE_DAYS : CERTIFICATE_DAYS,
    };
    return {
      id: slot.id,
      name: slot.name,
      kind: slot.kind,
      vendor: slot.vendor.name,
      model: slot.model,
      area: slot.area,
      line: slot.line,
      cell: slot.cell,
      applicationUri: `urn:fieldproof-demo:${layout.site.id}:${slot.id}`,
      security,
      profiles: PLACED_PROFILES.filter((kind) => has(kind, slot)),
      accounts: accountsFor({
        rng,
        slot,
        maintenanceLineId: crossLine === slot && otherLine ? otherLine.id : slot.lineId,
        vendorExpiry: { date: isoDay(new Date(today + offset * DAY_MS)), expired: offset < 0 },
        limitedTechnician: has("limitedTechnicianRole", slot),
      }),
    };
  });

  const weaknesses = placedWeaknesses(placed, layout, otherLine?.id);
  for (const controller of controllers) {
    for (const account of controller.accounts) {
      if (account.vendorExpiry?.expired) {
        weaknesses.push({ kind: "expiredVendorAccount", controllerId: controller.id, userName: account.userName, expiredOn: account.vendorExpiry.date });
      }
    }
  }

  return {
    seed: rng.seed,
    site: layout.site,
    createdAt: options.createdAt.toISOString(),
    controllers,
    weaknesses,
    droppedWeaknesses: PLACED_WEAKNESSES.filter((kind) => !weaknesses.some((weakness) => weakness.kind === kind)),
    profiles: PLACED_PROFILES.flatMap((kind): Profile[] => {
      const slot = profiled.get(kind);
      return slot ? [{ kind, controllerId: slot.id }] : [];
    }),
    droppedProfiles: PLACED_PROFILES.filter((kind) => !profiled.has(kind)),
    sharedPasswords: sharedPasswords(controllers),
    passwordPolicy: PASSWORD_POLICY,
  };
}

/**
 * Which controller gets which profile: from five controllers on, each profile on its own controller,
 * the first in a seeded order (one per profile) that is free and clear of the profile's conflicts.
 * Five controllers always suffice: noUserList, placed first, has three candidates left, and every later
 * profile excludes at most one controller.
 */
function placeProfiles(rng: Seeded, layout: PlantLayout, placed: ReadonlyMap<WeaknessKind, ControllerSlot>): Map<ProfileKind, ControllerSlot> {
  const profiled = new Map<ProfileKind, ControllerSlot>();
  if (layout.slots.length < PROFILES_FROM_CONTROLLERS) return profiled;
  const taken = new Set<ControllerSlot>();
  for (const kind of PLACED_PROFILES) {
    const excluded = new Set(PROFILE_CONFLICTS[kind].map((weakness) => placed.get(weakness)));
    const order = rng.shuffle(`profile-order:${kind}`, layout.slots);
    const slot = order.find((candidate) => !taken.has(candidate) && !excluded.has(candidate));
    if (!slot) throw new Error(`no controller left for the ${kind} profile`);
    profiled.set(kind, slot);
    taken.add(slot);
  }
  return profiled;
}

function placedWeaknesses(placed: ReadonlyMap<WeaknessKind, ControllerSlot>, layout: PlantLayout, otherLineId: string | undefined): Weakness[] {
  const out: Weakness[] = [];
  for (const [kind, slot] of placed) {
    const controllerId = slot.id;
    switch (kind) {
      case "anonymousAccess":
      case "securityPolicyNone":
      case "noPart18":
        out.push({ kind, controllerId });
        break;
      case "shortLivedCertificate":
        out.push({ kind, controllerId, validityDays: SHORT_CERTIFICATE_DAYS });
        break;
      case "crossLineSharedPassword": {
        const line = layout.lines.find((candidate) => candidate.id === otherLineId);
        // Needs a second line; layoutPlant makes one as soon as there are two controllers.
        if (line) out.push({ kind, controllerId, userName: MAINTENANCE_USER, line: line.name, sharesWith: line.controllerIds });
        break;
      }
      case "expiredVendorAccount":
        break;
    }
  }
  return out;
}

/** Groups of controllers where one account has the very same initial password (shared or factory default). */
function sharedPasswords(controllers: readonly SimControllerSpec[]): SharedPassword[] {
  const groups = new Map<string, { userName: string; controllerIds: string[] }>();
  for (const controller of controllers) {
    for (const account of controller.accounts) {
      const key = JSON.stringify([account.userName, account.initialPassword]);
      const group = groups.get(key) ?? { userName: account.userName, controllerIds: [] };
      group.controllerIds.push(controller.id);
      groups.set(key, group);
    }
  }
  return [...groups.values()].filter((group) => group.controllerIds.length > 1);
}

import { WORDS } from "./catalog";
import type { ControllerSlot } from "./layout";
import { strongPassword } from "./passwords";
import type { Seeded } from "./seed";
import type { AccountFlags, SimAccount } from "./types";

/** The technician's SecurityAdmin account on every controller (the plant file's `technicianLogin`). */
export const TECHNICIAN_USER = "fp-tech";
export const MAINTENANCE_USER = "maint";
export const BREAK_GLASS_USER = "breakglass";
export const OPERATOR_USER = "operator";

const NO_FLAGS: AccountFlags = { shared: false, vendor: false, breakGlass: false, default: false, operator: false, technician: false };

/** The shared maintenance password of a line: what people really choose (a word and a number). */
export function linePassword(rng: Seeded, lineId: string): string {
  return `${rng.pick(`maint-word:${lineId}`, WORDS)}-${rng.chars(`maint-digits:${lineId}`, 4, "0123456789")}`;
}

export interface AccountInputs {
  readonly rng: Seeded;
  readonly slot: ControllerSlot;
  /** The line whose maintenance password this controller carries (its own, but for one weakness). */
  readonly maintenanceLineId: string;
  /** Last valid day of the vendor account (YYYY-MM-DD) and whether it is past. */
  readonly vendorExpiry: { readonly date: string; readonly expired: boolean };
  /** limitedTechnicianRole: the technician's login is an Engineer only (no SecurityAdmin, no ConfigureAdmin). */
  readonly limitedTechnician?: boolean;
}

/** The six accounts every demo controller carries, in the order a client lists them. */
export function accountsFor({ rng, slot, maintenanceLineId, vendorExpiry, limitedTechnician = false }: AccountInputs): SimAccount[] {
  const id = slot.id;
  const vendor = slot.vendor;
  const vendorSlug = vendor.slug.charAt(0).toUpperCase() + vendor.slug.slice(1);
  return [
    {
      userName: TECHNICIAN_USER,
      roles: limitedTechnician ? ["Engineer"] : ["SecurityAdmin", "ConfigureAdmin", "Engineer"],
      description: limitedTechnician ? "Commissioning technician (engineer)" : "Commissioning technician (security administrator)",
      flags: { ...NO_FLAGS, technician: true },
      initialPassword: strongPassword(rng, `pw:${id}:${TECHNICIAN_USER}`, 16),
      noDelete: true,
    },
    {
      userName: MAINTENANCE_USER,
      roles: ["Engineer", "Operator"],
      description: "Shared maintenance account",
      flags: { ...NO_FLAGS, shared: true },
      initialPassword: linePassword(rng, maintenanceLineId),
      noDelete: false,
    },
    {
      userName: `${vendor.slug}-support`,
      roles: ["Engineer", "ConfigureAdmin"],
      description: `Vendor remote support — ${vendor.name}, expires ${vendorExpiry.date}`,
      flags: { ...NO_FLAGS, vendor: true },
      vendorExpiry,
      initialPassword: `${vendorSlug}Svc-${rng.chars(`pw:${id}:vendor`, 4, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")}`,
      noDelete: false,
    },
    {
      userName: BREAK_GLASS_USER,
      roles: ["SecurityAdmin", "ConfigureAdmin", "Engineer", "Supervisor"],
      description: "Break-glass emergency account",
      flags: { ...NO_FLAGS, breakGlass: true },
      initialPassword: strongPassword(rng, `pw:${id}:${BREAK_GLASS_USER}`, 20),
      noDelete: true,
    },
    {
      userName: OPERATOR_USER,
      roles: ["Operator", "Observer"],
      description: "Line operator",
      flags: { ...NO_FLAGS, operator: true },
      initialPassword: `${rng.pick(`op-word:${id}`, WORDS).toLowerCase()}${rng.chars(`op-digits:${id}`, 2, "0123456789")}`,
      noDelete: false,
    },
    {
      userName: vendor.factoryAdmin.userName,
      roles: ["SecurityAdmin", "ConfigureAdmin", "Engineer", "Supervisor"],
      description: "Factory default administrator",
      flags: { ...NO_FLAGS, default: true },
      initialPassword: vendor.factoryAdmin.password,
      noDelete: false,
    },
  ];
}

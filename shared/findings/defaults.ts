/**
 * Factory default accounts and passwords. Names are public knowledge from product manuals; they are
 * here so Fieldproof recognises them, and (opt-in only) can check whether the factory password still
 * works.
 *
 * Trying a password is a failed login when it is wrong, and controllers lock accounts after a few
 * of those (NERC CIP-007-6 R5.7 asks them to). Locking the only admin account of a running PLC is
 * the outcome the product must never cause, so `knownDefaultPasswords` returns at most two
 * candidates and the caller tries them only when the technician has switched the check on.
 */

interface VendorDefaults {
  /** Shown in explanations. */
  readonly label: string;
  /** Lower-case words; the vendor matches when its name contains one of them as a word. */
  readonly match: readonly string[];
  readonly accounts: readonly { readonly userName: string; readonly passwords: readonly string[] }[];
}

export const VENDOR_DEFAULTS: readonly VendorDefaults[] = Object.freeze([
  // The demo plant's fictional vendors (main/simulator/catalog.ts), so the demo finds what it was built with.
  { label: "Acme Automation (demo)", match: ["acme"], accounts: [{ userName: "admin", passwords: ["admin"] }] },
  { label: "Nordhavn Controls (demo)", match: ["nordhavn"], accounts: [{ userName: "admin", passwords: ["1234"] }] },
  { label: "Kestrel Robotics (demo)", match: ["kestrel"], accounts: [{ userName: "Administrator", passwords: ["kestrel"] }] },
  { label: "Vantor Systems (demo)", match: ["vantor"], accounts: [{ userName: "admin", passwords: ["password"] }] },
  { label: "Helix Process (demo)", match: ["helix"], accounts: [{ userName: "service", passwords: ["service"] }] },
  // Real products, as their manuals document them.
  {
    label: "WAGO controllers (web-based management)",
    match: ["wago"],
    accounts: [
      { userName: "admin", passwords: ["wago"] },
      { userName: "root", passwords: ["wago"] },
      { userName: "user", passwords: ["user"] },
    ],
  },
  { label: "ABB robot controllers (UAS)", match: ["abb"], accounts: [{ userName: "Default User", passwords: ["robotics"] }] },
  { label: "Siemens SIMATIC HMI panels", match: ["siemens"], accounts: [{ userName: "Administrator", passwords: ["100000"] }] },
  { label: "Beckhoff embedded PCs", match: ["beckhoff"], accounts: [{ userName: "Administrator", passwords: ["1"] }] },
  {
    label: "Hirschmann switches",
    match: ["hirschmann", "belden"],
    accounts: [
      { userName: "admin", passwords: ["private"] },
      { userName: "user", passwords: ["public"] },
    ],
  },
  { label: "Inductive Automation Ignition", match: ["inductive", "ignition"], accounts: [{ userName: "admin", passwords: ["password"] }] },
  { label: "Schneider Electric Modicon (web server)", match: ["schneider", "modicon"], accounts: [{ userName: "USER", passwords: ["USER"] }] },
]);

/**
 * Names controllers of many makes ship with. `operator`, `engineer`, `supervisor`, `observer` and
 * `maintenance` are deliberately absent: they are OPC UA role names and the names plants give their
 * own role accounts, so flagging them would bury real defaults in noise. A vendor whose product
 * ships such an account lists it in VENDOR_DEFAULTS instead, and only its controllers are flagged.
 */
export const GENERIC_DEFAULT_NAMES: readonly string[] = Object.freeze(["admin", "administrator", "root", "guest", "user", "service", "default", "default user"]);

function normaliseName(value: string): string {
  return value.trim().toLowerCase().replace(/[\s_]+/g, " ");
}

function vendorWords(vendor: string): readonly string[] {
  return vendor.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** The vendor tables that apply to a controller's vendor name ("WAGO Kontakttechnik" matches WAGO). */
export function vendorDefaultsFor(vendor: string | undefined): readonly VendorDefaults[] {
  if (typeof vendor !== "string" || vendor.trim() === "") return [];
  const words = new Set(vendorWords(vendor.slice(0, 200)));
  return VENDOR_DEFAULTS.filter((entry) => entry.match.some((word) => words.has(word)));
}

/** Why `userName` is a factory default account name, or null when it is not one. */
export function factoryDefaultName(userName: string, vendor?: string): string | null {
  const name = normaliseName(userName);
  if (name === "") return null;
  for (const entry of vendorDefaultsFor(vendor)) {
    if (entry.accounts.some((a) => normaliseName(a.userName) === name)) return `${entry.label} ships an account named "${displayName(userName)}"`;
  }
  if (GENERIC_DEFAULT_NAMES.includes(name)) return `"${displayName(userName)}" is a name controllers of many makes ship with`;
  return null;
}

function displayName(userName: string): string {
  const trimmed = userName.trim();
  return trimmed.length > 60 ? `${trimmed.slice(0, 59)}…` : trimmed;
}

/**
 * Factory passwords worth one login attempt each for this account, most likely first, at most two:
 * the vendor's documented default(s) when the vendor is known and lists the account, otherwise the
 * near-universal "same as the name" for a generic default name (admin/admin, user/user). Empty for
 * anything else. Trying them risks locking the account: opt-in only (see above).
 */
export function knownDefaultPasswords(vendor: string | undefined, userName: string): readonly string[] {
  const name = normaliseName(typeof userName === "string" ? userName : "");
  if (name === "") return Object.freeze([]);
  const fromVendor = vendorDefaultsFor(vendor).flatMap((entry) => entry.accounts.filter((a) => normaliseName(a.userName) === name).flatMap((a) => a.passwords));
  if (fromVendor.length > 0) return Object.freeze([...new Set(fromVendor)].slice(0, 2));
  if (GENERIC_DEFAULT_NAMES.includes(name) && !name.includes(" ")) return Object.freeze([name]);
  return Object.freeze([]);
}

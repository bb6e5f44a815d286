import type { DeclaredAccountKind } from "../domain/plant";
import type { IdentityFlags, IdentityKind } from "../domain/identity";
import { factoryDefaultName } from "./defaults";
import { parseExpiryFromText } from "./expiry";

/**
 * What kind of account a controller account is, from what a scan can read: its name, its
 * description and its roles. Plants encode intent in names and descriptions ("acme-support",
 * "Break-glass emergency account", "Shared maintenance account"), so that is what is read; every
 * flag comes with the reason it was set, for the UI and the auditor. The rules are in
 * docs/findings.md ("Account classifier").
 */

export interface AccountToClassify {
  readonly userName: string;
  readonly description: string;
  readonly roles: readonly string[];
}

export interface ClassifyContext {
  /** The controller's vendor (plant file `vendor`), to recognise its default accounts and support accounts. */
  readonly vendor?: string;
  /**
   * On how many controllers the caller knows this very credential (same secret) is used. Not how
   * many controllers have an account of the same name: `admin` exists everywhere with different
   * passwords.
   */
  readonly sharedOnControllers?: number;
}

export interface AccountClassification {
  readonly kind: IdentityKind;
  readonly flags: IdentityFlags;
  readonly vendorName?: string;
  /** ISO date (YYYY-MM-DD): last valid day of a vendor account, from its description. */
  readonly vendorExpiresAt?: string;
  /** Why each flag and the kind were set, in plain words. */
  readonly reasons: readonly string[];
}

const MAX_TEXT = 4000;

/** Real OEMs whose name in an account marks the account as theirs. Short or common words are left out on purpose. */
const OEM_NAMES: Readonly<Record<string, string>> = {
  siemens: "Siemens", rockwell: "Rockwell Automation", allenbradley: "Rockwell Automation", abb: "ABB", schneider: "Schneider Electric",
  honeywell: "Honeywell", emerson: "Emerson", yokogawa: "Yokogawa", mitsubishi: "Mitsubishi Electric", omron: "Omron", beckhoff: "Beckhoff",
  wago: "WAGO", phoenix: "Phoenix Contact", phoenixcontact: "Phoenix Contact", bosch: "Bosch Rexroth", rexroth: "Bosch Rexroth", kuka: "KUKA",
  fanuc: "FANUC", yaskawa: "Yaskawa", danfoss: "Danfoss", festo: "Festo", hima: "HIMA", pilz: "Pilz", aveva: "AVEVA",
  osisoft: "OSIsoft", keyence: "Keyence", lenze: "Lenze", krones: "Krones", hitachi: "Hitachi", toshiba: "Toshiba", bachmann: "Bachmann",
};

/** Words in a vendor's name that say nothing about which vendor it is. */
const GENERIC_COMPANY_WORDS = new Set([
  "automation", "systems", "system", "controls", "control", "robotics", "process", "electric", "electronics", "industries", "industrial",
  "group", "gmbh", "inc", "ltd", "llc", "ag", "sa", "corp", "corporation", "company", "co", "technologies", "technology", "solutions",
  "international", "engineering", "the", "and",
]);

const SERVICE_NAME_WORDS = new Set([
  "svc", "srv", "historian", "opcua", "opc", "scada", "mes", "erp", "mqtt", "api", "app", "application", "bot", "daemon", "integration",
  "collector", "sync", "backup", "agent", "monitoring", "monitor", "datalogger", "logger", "kepware", "ignition",
]);

/**
 * Names of a team or a function rather than a person. Maintenance accounts are in: the whole crew
 * uses them (the demo plant's `maint` is one, and a controller without Part 18 shows no description
 * to say so). OPC UA role names (`operator`, `engineer`) are not: plants also give them to one person.
 */
const SHARED_NAME_WORDS = new Set(["shared", "team", "shift", "crew", "group", "common", "generic", "pool", "maint", "maintenance", "instandhaltung"]);

/** Split a user name into lower-case words: `acme-support`, `AcmeSupport`, `OPCUAHistorian`, `svc_hist01`. */
function nameWords(userName: string): readonly string[] {
  return userName
    .slice(0, 200)
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .replace(/([a-z])([A-Z0-9])/g, "$1 $2")
    .replace(/([0-9])([A-Za-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function text(value: unknown, max = MAX_TEXT): string {
  return typeof value === "string" ? value.slice(0, max) : "";
}

/** The words of the controller's vendor name that identify it ("Acme Automation" → ["acme"]). */
function vendorKeywords(vendor: string): readonly string[] {
  return vendor
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !GENERIC_COMPANY_WORDS.has(word));
}

/** "Vendor remote support — Acme Automation, expires ..." → "Acme Automation". */
function vendorNameFromDescription(description: string): string | undefined {
  const m =
    /(?:[Ss]upport|[Aa]ccess|[Ss]ervice|[Mm]aintenance|[Vv]endor|[Cc]ontractor|[Ii]ntegrator)\s*(?:[—–:(-]|\bfor\b|\bby\b|\bfrom\b|\bof\b)\s*([A-Z][A-Za-z0-9&.'-]*(?:[ \t]+[A-Z&][A-Za-z0-9&.'-]*){0,4})/.exec(description);
  const name = m?.[1]?.replace(/[.,'-]+$/, "").trim();
  return name && name.length >= 2 && name.length <= 80 ? name : undefined;
}

export function classifyAccount(account: AccountToClassify, context: ClassifyContext = {}): AccountClassification {
  const userName = text(account?.userName, 500);
  const description = text(account?.description);
  const lower = description.toLowerCase();
  const words = nameWords(userName);
  const compact = words.join("");
  const vendor = text(context?.vendor, 200);
  const vendorWords = vendorKeywords(vendor);
  const reasons: string[] = [];

  // Break-glass: the emergency account, whatever else it is.
  let breakGlass = false;
  if (/breakglass|glassbreak|firecall|emergency/.test(compact)) {
    breakGlass = true;
    reasons.push("break-glass: the account name says emergency / break-glass / firecall");
  } else if (/break[\s-]*(?:the[\s-]+)?glass|fire[\s-]?call|emergency[\s-]+(?:access|account|only|use|login|admin|user)|in case of emergency/.test(lower)) {
    breakGlass = true;
    reasons.push("break-glass: the description calls it an emergency / break-glass account");
  }

  // Vendor: a support account of the vendor, an OEM or a contractor.
  let vendorFlag = false;
  let vendorName: string | undefined;
  const oemWord = words.find((w) => Object.prototype.hasOwnProperty.call(OEM_NAMES, w));
  const ownVendorWord = words.find((w) => vendorWords.includes(w));
  if (words.some((w) => w === "vendor" || w === "support" || w === "oem" || w === "contractor" || w === "integrator" || w === "supplier") || /remote(?:support|service|access|maint)/.test(compact)) {
    vendorFlag = true;
    reasons.push("vendor: the account name marks a vendor or remote-support account");
  } else if (oemWord || ownVendorWord) {
    vendorFlag = true;
    reasons.push("vendor: the account is named after a vendor");
  }
  const vendorDefault = /(?:vendor|manufacturer)'?s?[\s-]+default/.test(lower);
  if (
    !vendorDefault &&
    (/\bvendor\b|\boem\b|third[\s-]party|\bcontractor\b|\bintegrator\b|\bsupplier\b|remote\s+(?:support|access|service|maintenance|assistance)/.test(lower) ||
      (vendorWords.some((w) => new RegExp(`\\b${w}\\b`).test(lower)) && /\b(?:support|service|engineer|technician|access)\b/.test(lower)))
  ) {
    if (!vendorFlag) reasons.push("vendor: the description says vendor / remote support / contractor");
    vendorFlag = true;
  }
  if (vendorFlag) {
    vendorName =
      vendorNameFromDescription(description) ??
      (oemWord ? OEM_NAMES[oemWord] : undefined) ??
      (vendor && (ownVendorWord || vendorWords.some((w) => lower.includes(w))) ? vendor : undefined);
  }

  // Factory default: the name a product ships with, or a description that says so.
  let isDefault = false;
  const defaultReason = factoryDefaultName(userName, vendor || undefined);
  if (defaultReason) {
    isDefault = true;
    reasons.push(`default: ${defaultReason}`);
  } else if (/factory[\s-]+default|(?:vendor|manufacturer)'?s?[\s-]+default|default\s+(?:admin|administrator|account|user|login)|as\s+shipped|out[\s-]of[\s-]the[\s-]box|built-in\s+account/.test(lower)) {
    isDefault = true;
    reasons.push("default: the description calls it a factory default account");
  }

  // Shared: one secret for several people (or, as the caller knows, several controllers).
  let shared = false;
  const sharedOn = typeof context?.sharedOnControllers === "number" && Number.isFinite(context.sharedOnControllers) ? context.sharedOnControllers : 0;
  const notShared = /\b(?:not|non|un)[\s-]?shared\b|\bpersonal\b/.test(lower);
  if (!notShared && /\bshared\b|\b(?:common|team|group|generic|shift|pool(?:ed)?|crew)\s+(?:account|login|user)\b|used\s+by\s+(?:all|every|several|multiple|the\s+whole)\b/.test(lower)) {
    shared = true;
    reasons.push("shared: the description says it is shared by several people");
  } else if (!notShared && words.some((w) => SHARED_NAME_WORDS.has(w))) {
    shared = true;
    reasons.push("shared: the account name marks a team, shift or maintenance account");
  }
  if (sharedOn >= 2) {
    if (!shared) reasons.push(`shared: the same credential is used on ${Math.floor(sharedOn)} controllers`);
    shared = true;
  }

  // Kind: a service account for software, or a user account for people. The factory "service" login is a person's.
  let kind: IdentityKind = "user";
  const serviceByName = /^(?:svc|srv)/.test(compact) || words.some((w) => SERVICE_NAME_WORDS.has(w));
  const serviceByDescription =
    /\b(?:service|application|machine|technical|system|non[\s-]?interactive|integration|interface|automation)\s+(?:account|user|login)\b|\bhistorian\b|\bdata\s+(?:collect|logg|acquisition)|\bopc\s?ua\s+client\b|\bused\s+by\s+(?:the\s+)?(?:historian|scada|mes|erp|hmi|gateway|application|app|server|client|service)\b/.test(lower);
  if (!breakGlass && (serviceByName || serviceByDescription)) {
    kind = "service";
    reasons.push(serviceByName ? "service: the account name marks an application or service account" : "service: the description says software uses it");
  }

  const vendorExpiresAt = vendorFlag ? (parseExpiryFromText(description) ?? undefined) : undefined;
  if (vendorExpiresAt) reasons.push(`vendor expiry: ${vendorExpiresAt}, from the description`);

  return Object.freeze({
    kind,
    flags: Object.freeze({ shared, breakGlass, vendor: vendorFlag, default: isDefault }),
    ...(vendorName ? { vendorName } : {}),
    ...(vendorExpiresAt ? { vendorExpiresAt } : {}),
    reasons: Object.freeze(reasons),
  });
}

const DECLARED_FLAG: Readonly<Record<Exclude<DeclaredAccountKind, "user">, { flag: keyof IdentityFlags; words: string }>> = {
  shared: { flag: "shared", words: "shared" },
  vendor: { flag: "vendor", words: "a vendor account" },
  "break-glass": { flag: "breakGlass", words: "a break-glass account" },
  default: { flag: "default", words: "a factory default account" },
};

/**
 * What the technician said about an account the controller cannot list: a declared kind sets its
 * flag (a name alone may not show that an account is shared), and says so among the reasons.
 */
export function withDeclaredKinds(classification: AccountClassification, kinds: readonly DeclaredAccountKind[]): AccountClassification {
  let flags = classification.flags;
  const reasons = [...classification.reasons];
  for (const kind of new Set(kinds)) {
    if (kind === "user") continue;
    const { flag, words } = DECLARED_FLAG[kind];
    if (!flags[flag]) flags = { ...flags, [flag]: true };
    reasons.push(`${flag === "shared" ? "shared" : flag === "breakGlass" ? "break-glass" : flag}: declared as ${words} by the technician`);
  }
  return kinds.length === 0 ? classification : { ...classification, flags, reasons };
}

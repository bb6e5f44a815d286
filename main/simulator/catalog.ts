import type { ControllerKind } from "../../shared/domain/plant";

/**
 * The fictional vendors, sites and areas the demo plant is drawn from. Vendor names are invented so
 * the demo never implies anything about a real product's defaults; the default credentials follow
 * the patterns real controllers ship with (admin/admin, admin/1234, ...).
 */
export interface VendorProfile {
  readonly name: string;
  /** Used in account names, e.g. `acme-support`. */
  readonly slug: string;
  readonly models: Readonly<Partial<Record<ControllerKind, readonly string[]>>>;
  /** The factory default administrator as shipped. */
  readonly factoryAdmin: { readonly userName: string; readonly password: string };
}

export const VENDORS: readonly VendorProfile[] = [
  {
    name: "Acme Automation",
    slug: "acme",
    models: { plc: ["AC-1500", "AC-900"], hmi: ["AC-Panel 12"], gateway: ["AC-Edge 200"] },
    factoryAdmin: { userName: "admin", password: "admin" },
  },
  {
    name: "Nordhavn Controls",
    slug: "nordhavn",
    models: { plc: ["NX-40", "NX-80"], hmi: ["NX-View 10"], historian: ["NX-Archive 3"] },
    factoryAdmin: { userName: "admin", password: "1234" },
  },
  {
    name: "Kestrel Robotics",
    slug: "kestrel",
    models: { robot: ["KR-6 Controller", "KR-20 Controller"] },
    factoryAdmin: { userName: "Administrator", password: "kestrel" },
  },
  {
    name: "Vantor Systems",
    slug: "vantor",
    models: { gateway: ["VG-300 OPC UA Gateway"], historian: ["Vantor Historian 7"], plc: ["VS-220"] },
    factoryAdmin: { userName: "admin", password: "password" },
  },
  {
    name: "Helix Process",
    slug: "helix",
    models: { plc: ["HX-2000"], hmi: ["HX-Touch 15"] },
    factoryAdmin: { userName: "service", password: "service" },
  },
];

export const SITES: readonly { readonly id: string; readonly name: string }[] = [
  { id: "rivermill", name: "Rivermill Works" },
  { id: "northgate", name: "Northgate Plant" },
  { id: "harbor-point", name: "Harbor Point Assembly" },
  { id: "ashford", name: "Ashford Foundry" },
  { id: "lakeside", name: "Lakeside Bottling" },
];

/** Areas with the short code used in controller ids. */
export const AREAS: readonly { readonly code: string; readonly name: string; readonly lineName: string }[] = [
  { code: "press", name: "Press Shop", lineName: "Press" },
  { code: "body", name: "Body Shop", lineName: "Body" },
  { code: "paint", name: "Paint Shop", lineName: "Paint" },
  { code: "assy", name: "Final Assembly", lineName: "Assembly" },
  { code: "pack", name: "Packaging", lineName: "Packing" },
  { code: "util", name: "Utilities", lineName: "Utilities" },
];

/** What sits in a line's cells, in order: the first cell is always driven by a PLC. */
export const CELL_KINDS: readonly (readonly ControllerKind[])[] = [["plc"], ["hmi", "robot"], ["gateway", "historian", "robot", "plc"]];

/** Words for the human-chosen passwords (shared maintenance, operator). */
export const WORDS: readonly string[] = [
  "Falcon", "Granite", "Harbor", "Copper", "Maple", "Comet", "Delta", "Ember", "Summit", "Willow", "Bison", "Cobalt",
];

export const KIND_LABEL: Readonly<Record<ControllerKind, string>> = {
  plc: "PLC",
  hmi: "HMI",
  gateway: "Gateway",
  robot: "Robot controller",
  historian: "Historian",
};

export function vendorsFor(kind: ControllerKind): readonly VendorProfile[] {
  return VENDORS.filter((vendor) => (vendor.models[kind]?.length ?? 0) > 0);
}

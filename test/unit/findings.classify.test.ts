import { describe, expect, it } from "vitest";
import { classifyAccount, knownDefaultPasswords, parseExpiryFromText, type AccountToClassify } from "../../shared/findings";
import { buildPlant } from "../../main/simulator/build";
import { VENDORS } from "../../main/simulator/catalog";

const acct = (userName: string, description = "", roles: readonly string[] = []): AccountToClassify => ({ userName, description, roles });
const flagsOf = (userName: string, description = "", vendor?: string) => classifyAccount(acct(userName, description), vendor === undefined ? {} : { vendor }).flags;

describe("classifyAccount on the demo plant", () => {
  // Several seeds and sizes, so every vendor, every factory admin name and both expired and valid vendor accounts occur.
  const plants = [
    buildPlant({ seed: "fieldproof-demo", controllers: 5, createdAt: new Date("2026-11-22T08:00:00Z") }),
    buildPlant({ seed: "findings-a", controllers: 40, createdAt: new Date("2026-11-22T08:00:00Z") }),
    buildPlant({ seed: "findings-b", controllers: 25, createdAt: new Date("2025-02-03T00:00:00Z") }),
  ];
  const all = plants.flatMap((plant) => plant.controllers.flatMap((controller) => controller.accounts.map((account) => ({ controller, account }))));

  it("covers every vendor and every factory default name of the catalogue", () => {
    expect(new Set(all.map(({ controller }) => controller.vendor))).toEqual(new Set(VENDORS.map((v) => v.name)));
    expect(new Set(all.filter(({ account }) => account.flags.default).map(({ account }) => account.userName))).toEqual(new Set(VENDORS.map((v) => v.factoryAdmin.userName)));
    expect(all.length).toBe(70 * 6);
  });

  it("sets exactly the flags the simulator built each account with", () => {
    const mismatches: string[] = [];
    for (const { controller, account } of all) {
      const result = classifyAccount(account, { vendor: controller.vendor });
      const expected = { shared: account.flags.shared, breakGlass: account.flags.breakGlass, vendor: account.flags.vendor, default: account.flags.default };
      if (JSON.stringify(result.flags) !== JSON.stringify(expected)) mismatches.push(`${controller.id}/${account.userName}: ${JSON.stringify(result.flags)}`);
      if (result.kind !== "user") mismatches.push(`${controller.id}/${account.userName}: kind ${result.kind}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("reads every vendor account's expiry and vendor name from its description", () => {
    const vendorAccounts = all.filter(({ account }) => account.flags.vendor);
    expect(vendorAccounts.length).toBe(70);
    expect(vendorAccounts.some(({ account }) => account.vendorExpiry?.expired)).toBe(true);
    expect(vendorAccounts.some(({ account }) => account.vendorExpiry && !account.vendorExpiry.expired)).toBe(true);
    for (const { controller, account } of vendorAccounts) {
      const result = classifyAccount(account, { vendor: controller.vendor });
      expect(result.vendorExpiresAt).toBe(account.vendorExpiry?.date);
      expect(result.vendorName).toBe(controller.vendor);
    }
  });

  it("knows the factory password of every demo factory admin, as the first candidate", () => {
    for (const { controller, account } of all.filter(({ account }) => account.flags.default)) {
      expect(knownDefaultPasswords(controller.vendor, account.userName)[0]).toBe(account.initialPassword);
    }
  });

  it("explains every flag it sets", () => {
    const result = classifyAccount(acct("acme-support", "Vendor remote support — Acme Automation, expires 2026-12-05"), { vendor: "Acme Automation" });
    expect(result.reasons.some((r) => r.startsWith("vendor:"))).toBe(true);
    expect(result.reasons).toContain("vendor expiry: 2026-12-05, from the description");
  });
});

describe("classifyAccount on real-world accounts", () => {
  it.each([
    ["siemens-support", "", "Siemens"],
    ["RemoteSupport", "", undefined],
    ["vendor_abb", "", "ABB"],
    ["integrator", "", undefined],
    ["kuka", "", "KUKA"],
    ["jsmith", "Remote access for Rockwell service engineer", "Rockwell"],
    ["ext01", "Third-party contractor (Delta Controls), valid until 5 Dec 2026", "Delta Controls"],
  ])("%s %s is a vendor account", (userName, description, vendorName) => {
    const result = classifyAccount(acct(userName, description));
    expect(result.flags.vendor).toBe(true);
    if (vendorName) expect(result.vendorName).toBe(vendorName);
  });

  it("reads a contractor's name and expiry from a free-text description", () => {
    const result = classifyAccount(acct("ext01", "Third-party contractor (Delta Controls), valid until 5 Dec 2026"));
    expect(result).toMatchObject({ vendorName: "Delta Controls", vendorExpiresAt: "2026-12-05" });
    expect(classifyAccount(acct("jdoe", "Valid until 5 Dec 2026")).vendorExpiresAt).toBeUndefined();
  });

    it("does not take a vendor's default admin for a vendor support account", () => {
    expect(flagsOf("admin", "Vendor default administrator").vendor).toBe(false);
    expect(flagsOf("admin", "Vendor default administrator").default).toBe(true);
  });

  it.each(["breakglass", "break-glass", "BreakGlass01", "firecall", "fire_call_2", "Emergency_Admin", "glassbreak"])("%s is break-glass", (userName) => {
    expect(flagsOf(userName).breakGlass).toBe(true);
  });

  it("recognises break-glass from the description", () => {
    expect(flagsOf("sa-7", "Emergency access only, sealed envelope in the control room").breakGlass).toBe(true);
    expect(flagsOf("sa-7", "Break the glass account").breakGlass).toBe(true);
    expect(flagsOf("sa-7", "Daily admin").breakGlass).toBe(false);
  });

  it.each([
    ["admin", undefined],
    ["Administrator", undefined],
    ["root", undefined],
    ["guest", undefined],
    ["USER", "Schneider Electric"],
    ["Default User", "ABB"],
    ["service", "Helix Process"],
    ["Administrator", "Siemens AG"],
  ])("%s (%s) is a factory default name", (userName, vendor) => {
    expect(flagsOf(userName, "", vendor).default).toBe(true);
  });

  it.each(["operator", "Operator", "engineer", "supervisor", "observer", "maintenance", "maint", "fp-tech", "jdoe", "admin2"])("%s is not a factory default name", (userName) => {
    expect(flagsOf(userName).default).toBe(false);
  });

  it("recognises default accounts by description (factory default, built-in)", () => {
    expect(flagsOf("adm", "Factory default administrator").default).toBe(true);
    expect(flagsOf("Administrateur", "Built-in account for administering the computer").default).toBe(true);
  });

  it("shared: by description, by name, or because the caller knows one credential spans controllers", () => {
    expect(flagsOf("nightshift", "Shared by the night shift").shared).toBe(true);
    expect(flagsOf("shift-a").shared).toBe(true);
    expect(flagsOf("team_press").shared).toBe(true);
    expect(flagsOf("maint").shared).toBe(true);
    expect(flagsOf("Maintenance2").shared).toBe(true);
    expect(flagsOf("operator").shared).toBe(false);
    expect(flagsOf("hmi1", "Common account used by all operators").shared).toBe(true);
    expect(classifyAccount(acct("plc-eng"), { sharedOnControllers: 3 }).flags.shared).toBe(true);
    expect(classifyAccount(acct("plc-eng"), { sharedOnControllers: 1 }).flags.shared).toBe(false);
    expect(flagsOf("jdoe", "Personal account, not shared").shared).toBe(false);
    expect(flagsOf("operator", "Line operator").shared).toBe(false);
  });

  it.each([
    ["svc-historian", ""],
    ["svc_mes01", ""],
    ["OPCUA_Historian", ""],
    ["srv-scada", ""],
    ["kepware", ""],
    ["hist01", "Used by the historian to read tags"],
    ["mes-link", "Service account for the MES interface"],
  ])("%s is a service account", (userName, description) => {
    expect(classifyAccount(acct(userName, description)).kind).toBe("service");
  });

  it("keeps people's accounts, the factory 'service' login and break-glass accounts as user accounts", () => {
    for (const [userName, description] of [["jdoe", "John Doe"], ["service", "Factory default administrator"], ["breakglass", "Break-glass emergency account"], ["maint", "Shared maintenance account"]] as const) {
      expect(classifyAccount(acct(userName, description)).kind).toBe("user");
    }
  });

  it("never throws on hostile input and always answers with plain booleans", () => {
    const hostile: AccountToClassify[] = [
      acct("", ""),
      acct("<script>alert('vendor')</script>", "<img src=x onerror=alert(1)> expires 2026-12-05"),
      acct("a".repeat(10_000), "b".repeat(10_000)),
      acct("x", "expires ".repeat(2_000)),
      acct("y", "1".repeat(10_000)),
      acct("z", "-/.".repeat(3_400)),
      acct("\u202eanim\u0000da", "\u0000\u0001\u202e"),
      acct("__proto__", "constructor"),
      { userName: undefined, description: null, roles: undefined } as unknown as AccountToClassify,
    ];
    for (const account of hostile) {
      const started = Date.now();
      const result = classifyAccount(account, { vendor: "<b>Acme</b>", sharedOnControllers: Number.NaN });
      expect(Date.now() - started).toBeLessThan(200);
      expect(Object.values(result.flags).every((v) => typeof v === "boolean")).toBe(true);
      expect(["user", "service"]).toContain(result.kind);
    }
    expect(classifyAccount(acct("", "")).flags).toEqual({ shared: false, breakGlass: false, vendor: false, default: false });
  });
});

describe("parseExpiryFromText", () => {
  it.each([
    ["Vendor remote support — Acme Automation, expires 2026-12-05", "2026-12-05"],
    ["valid until 5 Dec 2026", "2026-12-05"],
    ["Valid until December 5, 2026", "2026-12-05"],
    ["expires on 5th December 2026", "2026-12-05"],
    ["access until 2026/12/05", "2026-12-05"],
    ["Expires: 2026-12-05T18:00:00Z", "2026-12-05"],
    ["exp. 05.12.2026", "2026-12-05"],
    ["Fernwartung, gültig bis 05.12.2026", "2026-12-05"],
    ["expiry 05-Dec-2026", "2026-12-05"],
    ["expires 25/12/2026", "2026-12-25"],
    ["expires 12/25/2026", "2026-12-25"],
    ["installed 2024-03-01, expires 2026-12-05", "2026-12-05"],
    ["EXPIRES 2026-1-5", "2026-01-05"],
    ["valid until the 5th of December 2026", "2026-12-05"],
    ["Läuft ab am 5. Dezember 2026", "2026-12-05"],
  ])("%s → %s", (text, expected) => {
    expect(parseExpiryFromText(text)).toBe(expected);
  });

  it.each([
    ["expires 12/05/2026", "day and month could be swapped"],
    ["expires 2026-02-30", "no such day"],
    ["installed 2024-03-01", "no expiry word"],
    ["no expiry", "no date"],
    ["expires soon, call 2026-12-05 hotline maybe later", "date too far from the word"],
    ["", "empty"],
  ])("%s → null (%s)", (text) => {
    expect(parseExpiryFromText(text)).toBeNull();
  });
});

describe("knownDefaultPasswords", () => {
  it("gives the vendor's documented default first", () => {
    expect(knownDefaultPasswords("WAGO Kontakttechnik", "admin")).toEqual(["wago"]);
    expect(knownDefaultPasswords("ABB", "Default User")).toEqual(["robotics"]);
    expect(knownDefaultPasswords("Siemens AG", "Administrator")).toEqual(["100000"]);
    expect(knownDefaultPasswords("Nordhavn Controls", "admin")).toEqual(["1234"]);
  });

  it("falls back to 'same as the name' for generic default names only", () => {
    expect(knownDefaultPasswords(undefined, "admin")).toEqual(["admin"]);
    expect(knownDefaultPasswords("Unknown Corp", "Guest")).toEqual(["guest"]);
    expect(knownDefaultPasswords(undefined, "operator")).toEqual([]);
    expect(knownDefaultPasswords(undefined, "maint")).toEqual([]);
    expect(knownDefaultPasswords(undefined, "")).toEqual([]);
  });

  it("never offers more than two attempts", () => {
    for (const vendor of [undefined, "WAGO", "Hirschmann", "Acme Automation"]) {
      for (const name of ["admin", "root", "user", "Administrator", "service"]) expect(knownDefaultPasswords(vendor, name).length).toBeLessThanOrEqual(2);
    }
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

const PIN = "481516";

async function dualControlRecords(app: AppHandle): Promise<{ mode: string; previous: string; approval: { personId: string } | null; signers: string[] }[]> {
  const { records } = app.services.repos.journal.list({ offset: 0, limit: 10, kind: "settings.dualControl" });
  const out = [];
  for (const r of records.reverse()) {
    const detail = await app.call("evidence.record", { seq: r.seq });
    if (!detail.ok) throw new Error(detail.error.message);
    const statement = JSON.parse(detail.value.statementJson) as { predicate: { data: { mode: string; previous: string; approval: { personId: string } | null } } };
    expect(detail.value.signatures.every((s) => s.verified)).toBe(true);
    out.push({ ...statement.predicate.data, signers: detail.value.signatures.map((s) => s.signer) });
  }
  return out;
}

describe("Settings in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("shows dual control; strengthening is free, weakening needs an approver's PIN; both are signed records", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page, services } = app;
    try {
      await services.demo.start(2);
      const lines = [...new Set(services.demo.current()!.build.controllers.map((c) => c.line))];
      expect((await app.call("owners.upsertPerson", { personId: "bo.lind", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: null, pin: PIN })).ok).toBe(true);
      for (const line of lines) expect((await app.call("owners.setAuthority", { line, cell: null, action: "approve", people: ["bo.lind"] })).ok).toBe(true);

      await page.getByRole("button", { name: "Settings", exact: true }).click();
      const card = page.getByTestId("dual-control-card");
      await expect.poll(() => card.getByRole("radio", { name: /^Shared and break-glass accounts \(default\) — current/ }).isChecked()).toBe(true);

      // Stricter: no approval asked.
      await card.locator("label", { hasText: "Always" }).click();
      expect(await card.getByRole("radio", { name: /^Always/ }).isChecked()).toBe(true);
      expect(await card.getByTestId("dual-control-weakens").count()).toBe(0);
      await card.getByTestId("dual-control-save").click();
      await expect.poll(() => card.getByTestId("dual-control-message").textContent()).toBe("Dual control is now: Always. The change is a signed record.");
      expect(services.settings.dualControl()).toBe("always");

      // Weaker: approver and PIN, a wrong PIN changes nothing.
      await card.locator("label", { hasText: "Never" }).click();
      await expect.poll(() => card.getByTestId("dual-control-weakens").count()).toBe(1);
      expect(await card.getByTestId("dual-control-save").isDisabled()).toBe(true);
      await card.getByLabel("Approved by").selectOption({ label: "Bo Lind" });
      await card.getByLabel("Approver's PIN").fill("000000");
      await card.getByTestId("dual-control-save").click();
      await expect.poll(() => card.getByTestId("dual-control-message").getAttribute("role")).toBe("alert");
      expect(services.settings.dualControl()).toBe("always");
      expect(await card.getByLabel("Approver's PIN").inputValue()).toBe("");
      await card.getByLabel("Approver's PIN").fill(PIN);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("settings-dual-control-weaken");
      await card.getByTestId("dual-control-save").click();
      await expect.poll(() => card.getByTestId("dual-control-message").textContent()).toBe("Dual control is now: Never. The change is a signed record, co-signed by Bo Lind.");
      expect(services.settings.dualControl()).toBe("off");

      const records = await dualControlRecords(app);
      expect(records.map(({ mode, previous, approval }) => ({ mode, previous, approver: approval?.personId ?? null }))).toEqual([
        { mode: "always", previous: "shared-and-break-glass", approver: null },
        { mode: "off", previous: "always", approver: "bo.lind" },
      ]);
      expect(records[0]!.signers).toHaveLength(1);
      expect(records[1]!.signers).toHaveLength(2);

      // The PIN never reaches the page's answers.
      const settings = await app.call("settings.get", {});
      expect(JSON.stringify(settings)).not.toContain(PIN);
    } finally {
      await app.close();
    }
  });

  it("refuses to weaken dual control without an approval, over the channel too", async () => {
    const app = await launchApp();
    try {
      const result = await app.call("settings.setDualControl", { mode: "off", approval: null });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("FORBIDDEN");
        expect(result.error.message).toBe(
          'Changing dual control to "no rotation needs an approval" weakens it (now: shared and break-glass accounts need an approval). It needs a second person who may approve rotations on every line to confirm with their PIN. Nothing was changed.',
        );
      }
      expect(app.services.settings.dualControl()).toBe("shared-and-break-glass");
    } finally {
      await app.close();
    }
  });

  it("lets the site give accounts a crew holds one password per line, recorded", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    try {
      app.services.identity.ensureDevice();
      await page.getByRole("button", { name: "Settings", exact: true }).click();
      const card = page.getByTestId("shared-scope-card");
      await card.scrollIntoViewIfNeeded();
      expect(await card.getByRole("radio", { name: /^A new password on each controller/ }).isChecked()).toBe(true);
      await card.getByText("One new password per line: what a shift can learn and hand on").click();
      await expect.poll(() => page.getByTestId("shared-scope-message").textContent()).toBe("Saved (a signed record). Accounts with holders now get one new password per line.");
      expect(app.services.settings.sharedScope()).toBe("per-line");
      expect(app.services.repos.journal.list({ offset: 0, limit: 5, kind: "settings.sharedScope" }).total).toBe(1);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("settings-shared-scope");
    } finally {
      await app.close();
    }
  });

  it("asks for the laptop's name at first run, suggesting one from the host name, and records it", async () => {
    const app = await launchApp({ askDeviceName: true });
    const { page, services } = app;
    try {
      const dialog = page.getByRole("dialog", { name: "Name this laptop" });
      await dialog.waitFor();
      const suggested = (await services.settings.get()).suggestedDeviceName;
      expect(suggested).toMatch(/^bay-laptop-07-[0-9a-f]{4}$/);
      expect(await dialog.getByTestId("first-run-device-name").inputValue()).toBe(suggested);
      expect(await app.accessibilityViolations(".bp6-dialog")).toEqual([]);
      await app.screenshot("first-run-device-name");
      await dialog.getByTestId("first-run-device-name").fill("rivermill-bay-02");
      await dialog.getByRole("button", { name: "Save name" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
      expect(await services.settings.get()).toMatchObject({ deviceName: "rivermill-bay-02", deviceNameChosen: true });
      expect(services.repos.journal.list({ offset: 0, limit: 1, kind: "device.renamed" }).total).toBe(1);
      await expect.poll(() => page.getByTestId("status-device").textContent()).toBe("rivermill-bay-02");
      await page.reload();
      await page.getByRole("navigation", { name: "Screens" }).waitFor();
      await page.waitForTimeout(300);
      expect(await page.getByRole("dialog").count()).toBe(0);
    } finally {
      await app.close();
    }
  });

  it("opens the built-in guide for the current screen with F1 and the Help button", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    try {
      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.keyboard.press("F1");
      const drawer = page.getByTestId("help-drawer");
      await drawer.waitFor();
      expect(await page.getByTestId("help-current").getByRole("heading").textContent()).toBe("Identities");
      expect(await app.accessibilityViolations(".bp6-drawer")).toEqual([]);
      await app.screenshot("help-identities");
      await page.keyboard.press("Escape");
      await expect.poll(() => page.getByTestId("help-drawer").count()).toBe(0);

      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("navigation", { name: "Screens" }).getByRole("button", { name: "Help", exact: true }).click();
      await drawer.waitFor();
      expect(await page.getByTestId("help-current").getByRole("heading").textContent()).toBe("Owners");
    } finally {
      await app.close();
    }
  });
});

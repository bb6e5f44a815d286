import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ROUTES } from "../../renderer/src/routes";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

describe("app shell in Chromium", () => {
  let app: AppHandle;
  beforeEach(async () => {
    app = await launchApp();
  });
  afterEach(async () => {
    await app.close();
  });
  afterAll(async () => {
    await closeBrowser();
  });

  it("clicks through every sidebar screen: heading, accessible, screenshot", async () => {
    const { page } = app;
    for (const route of ROUTES) {
      await page.getByRole("navigation", { name: "Screens" }).getByRole("button", { name: route.label, exact: true }).click();
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(route.label);
      expect(await page.getByRole("button", { name: route.label, exact: true }).getAttribute("aria-current")).toBe("page");
      expect(page.url()).toMatch(new RegExp(`#/${route.id}$`));
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot(`shell-${route.id}`);
    }
  });

  it("shows the store path, device name and IT sync state in the status bar", async () => {
    const { page } = app;
    const { deviceName } = await app.services.system.info();
    await expect.poll(() => page.getByTestId("status-device").textContent()).toBe(deviceName);
    expect(await page.getByTestId("status-store").textContent()).toBe(app.services.storePath);
    expect(await page.getByTestId("status-sync").textContent()).toMatch(/IT: never synced/);
  });

  it("is keyboard navigable: Ctrl+number switches screens, Tab reaches the navigation", async () => {
    const { page } = app;
    await page.keyboard.press("Control+5");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Evidence");
    await page.keyboard.press("Control+1");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Plant");
    // From the top of the page: skip link, then the screens in order.
    await page.getByRole("link", { name: "Skip to content" }).focus();
    const focused: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press("Tab");
      focused.push(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
    }
    expect(focused).toContain("Identities");
  });

  it("switches to the dark theme from Settings and keeps it", async () => {
    const { page } = app;
    await page.getByRole("button", { name: "Settings", exact: true }).click();
    await page.getByRole("radio", { name: "Dark" }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe("dark");
    expect(await app.accessibilityViolations()).toEqual([]);
    await app.screenshot("shell-settings-dark");
    expect((await app.services.settings.get()).theme).toBe("dark");
  });

  it("returns an invalid payload from the page as an error value naming the field", async () => {
    const result = await app.call("settings.update", { deviceName: "" });
    expect(result).toEqual({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/deviceName/) } });
    const extra = await app.page.evaluate(() =>
      (window as unknown as { fieldproof: Record<string, (x: unknown) => Promise<unknown>> }).fieldproof["settings.update"]!({ theme: "dark", admin: true }),
    );
    expect(extra).toMatchObject({ ok: false, error: { code: "INVALID_REQUEST", message: expect.stringMatching(/unexpected field admin/) } });
  });

  it("exposes one API object with exactly the contract's channels and no ipc escape hatch", async () => {
    const keys = await app.page.evaluate(() => Object.keys((window as unknown as { fieldproof: object }).fieldproof).sort());
    const { CHANNELS } = await import("../../shared/contract");
    expect(keys).toEqual([...CHANNELS].sort());
    expect(await app.page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe("undefined");
    expect(await app.page.evaluate(() => Object.isFrozen((window as unknown as { fieldproof: object }).fieldproof))).toBe(true);
  });

  it("blocks navigation away from the app and new windows", async () => {
    const { page } = app;
    const before = page.url();
    await page.evaluate(() => window.location.assign("https://example.com/phish"));
    await page.waitForTimeout(300);
    expect(page.url()).toBe(before);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Plant");
    await page.evaluate(() => window.open("https://example.com/popup", "_blank"));
    await page.waitForTimeout(500);
    expect(page.context().pages()).toHaveLength(1);
    const blocked = await page.evaluate(async () => {
      try {
        await fetch("https://example.com/beacon");
        return "sent";
      } catch {
        return "blocked";
      }
    });
    expect(blocked).toBe("blocked");
    expect(app.takePageErrors().join("\n")).toMatch(/Content Security Policy/);
  });

  it("is usable on a small 15-inch laptop screen (1024x640)", async () => {
    await app.page.setViewportSize({ width: 1024, height: 640 });
    const nav = await app.page.getByRole("navigation", { name: "Screens" }).boundingBox();
    const status = await app.page.getByRole("contentinfo").boundingBox();
    expect(nav).not.toBeNull();
    expect(status!.y + status!.height).toBeLessThanOrEqual(640);
    const buttons = await app.page.getByRole("navigation", { name: "Screens" }).getByRole("button").all();
    for (const button of buttons) expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await app.screenshot("shell-small-screen");
  });
});

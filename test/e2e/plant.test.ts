import { afterAll, describe, expect, it } from "vitest";
import { closeBrowser, launchApp } from "./harness";

describe("Plant and Identities screens against the demo plant", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("starts the demo plant, scans it from the Plant screen and shows identities with their findings", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    try {
      await page.getByRole("button", { name: "Start the demo plant" }).click();
      await expect.poll(() => page.locator("[data-testid^=controller-]").count(), { timeout: 90_000 }).toBe(5);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("plant-demo-loaded");

      await page.getByRole("button", { name: "Scan all" }).click();
      const results = page.getByTestId("scan-results");
      await expect.poll(() => results.textContent(), { timeout: 60_000 }).toMatch(/5 new certificate/);
      await app.screenshot("plant-new-certificates");
      await page.getByRole("button", { name: /Trust 5 certificate\(s\) and read their accounts/ }).click();
      // Partly read: the controller without Part 18 (RoleSet only), the one that cannot list accounts at
      // all, and the one where the technician's login may not read them.
      await expect.poll(() => results.textContent(), { timeout: 60_000 }).toMatch(/2 observed · 3 partly read/);
      expect(await app.accessibilityViolations()).toEqual([]);

      const build = app.services.demo.current()!.build;
      // A controller that cannot list its accounts: the plant file's declared ones, and one added by hand.
      const unlisted = build.profiles.find((p) => p.kind === "noUserList")!.controllerId;
      await page.getByTestId(`controller-${unlisted}`).click();
      const accounts = page.getByTestId("controller-accounts");
      await expect.poll(() => accounts.textContent()).toMatch(/^the controller cannot list them · declared: .*maint/);
      expect(await accounts.textContent()).not.toMatch(/line-tool/);
      await page.getByTestId("declare-account").click();
      const declare = page.getByRole("dialog", { name: /Add an account you know on/ });
      await declare.getByLabel("Account name").fill("line-tool");
      await declare.getByLabel("What it is", { exact: true }).selectOption("shared");
      await declare.getByTestId("declare-account-save").click();
      await expect.poll(() => page.getByTestId("declare-account-done").textContent()).toMatch(/^line-tool is now an account of .* \(declared\)/);
      expect(await app.accessibilityViolations(".bp6-dialog")).toEqual([]);
      await app.screenshot("plant-declare-account");
      await declare.getByRole("button", { name: "Done" }).click();
      await expect.poll(() => accounts.textContent()).toMatch(/declared: .*line-tool/);
      expect(app.services.repos.plant.declaredAccounts().filter((a) => a.controllerId === unlisted).map((a) => [a.userName, a.kind, a.source])).toContainEqual(["line-tool", "shared", "technician"]);
      const anonymous = build.weaknesses.find((w) => w.kind === "anonymousAccess")!.controllerId;
      await page.getByTestId(`controller-${anonymous}`).click();
      const detail = page.getByTestId("controller-detail");
      await expect.poll(() => detail.textContent()).toMatch(/Anonymous access/i);
      expect(await detail.textContent()).toMatch(/What to do:/);
      await app.screenshot("plant-scanned");

      // Opt-in: the vendors' published factory passwords, tried only when the technician asks.
      await page.getByTestId("default-check-open").click();
      await page.getByTestId("default-check-run").click();
      const defaults = page.getByTestId("default-check-result");
      await expect.poll(() => defaults.textContent(), { timeout: 60_000 }).toMatch(/Factory passwords still work/);
      expect(await defaults.textContent()).toMatch(/works on \d+ controller\(s\).*\d+ failed login\(s\) spent/);
      expect(await app.accessibilityViolations(".bp6-dialog")).toEqual([]);
      await app.screenshot("plant-factory-passwords");
      await page.getByRole("button", { name: "Done" }).click();

      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await expect.poll(async () => Number((await page.getByTestId("identity-count").textContent())?.split(" of ")[1] ?? 0)).toBeGreaterThan(10);
      await page.getByTestId("identity-filter").fill("maint");
      await expect.poll(() => page.getByTestId("identity-count").textContent()).toMatch(/^1 of /);
      await page.getByTestId("identity-row-maint").click();
      await expect.poll(() => page.getByTestId("identity-findings").textContent()).toMatch(/shared/i);
      expect(await page.getByTestId("attribution").textContent()).toMatch(/unowned/);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("identities-maint");

      // The maintenance password shared with another line shows once someone checks where it works.
      const weak = build.weaknesses.find((w) => w.kind === "crossLineSharedPassword") as { controllerId: string };
      const shared = build.controllers.find((c) => c.id === weak.controllerId)!.accounts.find((a) => a.userName === "maint")!.initialPassword;
      await page.getByRole("button", { name: "Where does a password work?" }).click();
      await page.getByLabel("Password to check").fill(shared);
      await page.getByRole("button", { name: "Check", exact: true }).click();
      await expect.poll(() => page.getByTestId("reuse-result").textContent()).toMatch(/Accepted on [2-9] controller/);
      await page.getByRole("button", { name: "Done" }).click();
      await expect.poll(() => page.getByTestId("identity-findings").textContent()).toMatch(/One password opens \d+ controllers on 2 lines/);

      await page.getByTestId("identity-filter").fill("");
      await page.getByTestId("finding-filter").selectOption("default-password");
      await expect.poll(async () => Number((await page.getByTestId("identity-count").textContent())!.split(" of ")[0])).toBeGreaterThan(0);
      await page.getByText("Group by line").click();
      await expect.poll(() => page.locator(".fp-grid-group").count()).toBeGreaterThan(0);
      await app.screenshot("identities-defaults-by-line");
    } finally {
      await app.close();
    }
  });

  it("renders hostile strings from a controller as text", async () => {
    const app = await launchApp();
    try {
      app.services.identity.ensureDevice();
      await app.services.plant.importPlant(
        {
          format: "fieldproof-plant/v1",
          site: { id: "hostile", name: "<img src=x onerror=alert(1)> Site" },
          generatedAt: new Date().toISOString(),
          controllers: [{ id: "evil-1", name: "<script>window.__pwned = 1</script>PLC", kind: "plc", vendor: "<b>Acme</b>", model: "M", area: "A", line: "<i>L1</i>", cell: "C", endpointUrl: "opc.tcp://127.0.0.1:1" }],
        },
        "test",
      );
      await app.page.getByRole("button", { name: "Identities", exact: true }).click();
      await app.page.getByRole("button", { name: "Plant", exact: true }).click();
      await expect.poll(() => app.page.getByTestId("controller-evil-1").textContent()).toContain("<script>window.__pwned = 1</script>PLC");
      expect(await app.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await app.page.locator("script:not([src])").count()).toBe(0);
      expect(await app.page.locator("img[src=x]").count()).toBe(0);
    } finally {
      await app.close();
    }
  });
});

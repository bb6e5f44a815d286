import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItService } from "../../main/services/itService";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

/** Demo plant scanned and trusted, IT key trusted, an approver with authority on every line. */
async function prepareBay(app: AppHandle): Promise<void> {
  const s = app.services;
  s.identity.ensureDevice();
  await s.demo.start(5);
  const { files } = await ItService.init(join(app.dataDir, "it"), "e2e it passphrase");
  await s.evidence.trustIt(files.trust, false);
  await s.scan.scan({ trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
  // Through the contract, as the Owners screen would.
  const ok = (result: { ok: boolean }): void => void expect(result).toMatchObject({ ok: true });
  ok(await app.call("owners.upsertTeam", { teamId: "maintenance", name: "Maintenance", description: "" }));
  ok(await app.call("owners.upsertPerson", { personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: "maintenance", pin: "246810" }));
  for (const line of new Set(s.demo.current()!.build.controllers.map((c) => c.line))) ok(await app.call("owners.setAuthority", { line, cell: null, action: "approve", people: ["bo"] }));
}

describe("Rotations screen in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("rotates the shared maintenance account from its identity, with approval, proof per controller and a manual step", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    try {
      await prepareBay(app);
      const build = app.services.demo.current()!.build;
      const current = build.controllers[0]!.accounts.find((a) => a.userName === "maint")!.initialPassword;
      const onLine = build.controllers.filter((c) => c.accounts.find((a) => a.userName === "maint")!.initialPassword === current);
      const others = build.controllers.filter((c) => !onLine.includes(c));

      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.getByTestId("identity-filter").fill("maint");
      await page.getByTestId("identity-row-maint").click();
      await page.getByRole("button", { name: "Rotate…" }).click();
      const wizard = page.getByRole("dialog", { name: "Rotate a password" });
      await wizard.waitFor();
      await expect.poll(() => wizard.getByRole("checkbox").count()).toBeGreaterThan(2);
      for (const c of others) await wizard.getByText(`${c.name} — ${c.line} › ${c.cell}`).click();
      await page.getByLabel("Work order").fill("WO-2211");
      await page.getByLabel("Reason").selectOption("holder-left");
      await page.getByLabel("Current password of the account").fill(current);
      await page.getByLabel("Approved by").selectOption("bo");
      await page.getByLabel("Approver's PIN").fill("246810");
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("rotation-wizard");
      await wizard.getByRole("button", { name: `Rotate on ${onLine.length} controllers` }).click();

      const result = page.getByTestId("batch-result");
      await expect.poll(() => result.textContent(), { timeout: 60_000 }).toMatch(/rotated with proof/);
      const manual = onLine.find((c) => !c.security.part18);
      const automatic = onLine.filter((c) => c.security.part18);
      expect(await result.textContent()).toContain(`${automatic.length} of ${onLine.length} rotated with proof`);
      for (const c of automatic) await expect.poll(() => page.getByTestId(`rotation-${c.id}`).textContent()).toMatch(/rotated.*new accepted.*old refused/);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("rotations-batch");

      if (manual) {
        const row = page.getByTestId(`rotation-${manual.id}`);
        await row.getByRole("button", { name: "Show new password" }).click();
        const shown = (await page.getByTestId("revealed-password").textContent())!;
        expect(shown.length).toBeGreaterThanOrEqual(12);
        await app.screenshot("rotation-reveal");
        await page.getByRole("button", { name: "Hide" }).click();
        await app.services.demo.current()!.controller(manual.id).setPasswordOutOfBand("maint", shown);
        await row.getByRole("button", { name: "It is set: prove it" }).click();
        await expect.poll(() => page.getByTestId("rotation-message").textContent()).toMatch(/Rotated: new password accepted, old refused/);
      }
      const rows = app.services.repos.rotations.list();
      expect(rows.filter((r) => r.state === "committed")).toHaveLength(onLine.length);
      expect(app.services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.revealed" }).total).toBe(manual ? 1 : 0);
    } finally {
      await app.close();
    }
  });

  it("explains a refused start (no approval for a shared account) without starting anything", async () => {
    const app = await launchApp();
    const { page } = app;
    try {
      await prepareBay(app);
      await page.getByRole("button", { name: "Rotations", exact: true }).click();
      await page.getByRole("button", { name: "New rotation…" }).first().click();
      await page.getByLabel("Account", { exact: true }).selectOption("user/maint");
      await page.getByLabel("Work order").fill("WO-1");
      await page.getByLabel("Current password of the account").fill("whatever-it-is");
      await page.getByRole("button", { name: /Rotate on \d+ controllers/ }).click();
      await expect.poll(() => page.getByTestId("rotation-error").textContent()).toMatch(/needs an approval/);
      expect(app.services.repos.rotations.list()).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});

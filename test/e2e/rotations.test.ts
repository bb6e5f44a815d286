import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItService } from "../../main/services/itService";
import type { PlantBuild, SimControllerSpec } from "../../main/simulator/types";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

/**
 * Where the test rotates maint: the controllers where Fieldproof knows the account (listed, or declared
 * in the plant file; the technician's limited login there cannot read them on one), on the line of the
 * first of them.
 */
function maintBatch(build: PlantBuild) {
  const known = build.controllers.filter((c) => !c.profiles.includes("limitedTechnicianRole"));
  const password = (c: SimControllerSpec): string => c.accounts.find((a) => a.userName === "maint")!.initialPassword;
  const current = password(known[0]!);
  const onLine = known.filter((c) => password(c) === current);
  return { known, current, onLine, others: known.filter((c) => !onLine.includes(c)), automatic: onLine.filter((c) => c.security.part18), manual: onLine.filter((c) => !c.security.part18) };
}

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
      const { current, onLine, others, automatic, manual } = maintBatch(build);

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
      expect(await result.textContent()).toContain(`${automatic.length} of ${onLine.length} rotated with proof`);
      for (const c of automatic) await expect.poll(() => page.getByTestId(`rotation-${c.id}`).textContent()).toMatch(/rotated.*new accepted.*old refused/);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("rotations-batch");

      // The manual step: a controller without Part 18 (or one that cannot even list its accounts).
      for (const [i, c] of manual.entries()) {
        const row = page.getByTestId(`rotation-${c.id}`);
        await row.getByRole("button", { name: "Show new password" }).click();
        const shown = (await page.getByTestId("revealed-password").textContent())!;
        expect(shown.length).toBeGreaterThanOrEqual(12);
        if (i === 0) await app.screenshot("rotation-reveal");
        await page.getByRole("button", { name: "Hide" }).click();
        await app.services.demo.current()!.controller(c.id).setPasswordOutOfBand("maint", shown);
        await row.getByRole("button", { name: "It is set: prove it" }).click();
        await expect.poll(() => app.services.repos.rotations.list().find((r) => r.controllerId === c.id)?.state).toBe("committed");
      }
      const rows = app.services.repos.rotations.list();
      expect(rows.filter((r) => r.state === "committed")).toHaveLength(onLine.length);
      expect(app.services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.revealed" }).total).toBe(manual.length);

      // The Evidence screen names each record kind in words, the rotation's included.
      await page.getByRole("button", { name: "Evidence", exact: true }).click();
      const what = page.locator("table[aria-label='Journal records'] tbody tr td:nth-child(3)");
      await expect.poll(() => what.allTextContents()).toContain("Rotation done with proof");
      const kinds = await what.allTextContents();
      expect(kinds).toContain("Rotation started (new password sealed to IT)");
      expect(kinds.filter((k) => /^[a-z]+\.[a-zA-Z]+$/.test(k))).toEqual([]);
      await app.screenshot("evidence-rotation-records");
    } finally {
      await app.close();
    }
  });

  it("lists controllers refused before anything was recorded (wrong current password), then retries them with the right one", async () => {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    const { page } = app;
    try {
      await prepareBay(app);
      const build = app.services.demo.current()!.build;
      const { known, current, onLine, others, automatic } = maintBatch(build);

      await page.getByRole("button", { name: "Rotations", exact: true }).click();
      await page.getByRole("button", { name: "New rotation…" }).first().click();
      const wizard = page.getByRole("dialog", { name: "Rotate a password" });
      // The technician's own login: its current password comes from the vault, so it is not asked for.
      await wizard.getByLabel("Account", { exact: true }).selectOption("user/fp-tech");
      await expect.poll(() => wizard.getByTestId("own-login-note").textContent()).toMatch(/fp-tech is your own controller login/);
      expect(await wizard.getByLabel("Current password of the account").count()).toBe(0);

      await wizard.getByLabel("Account", { exact: true }).selectOption("user/maint");
      await expect.poll(() => wizard.getByRole("group", { name: "Controllers" }).getByRole("checkbox").count()).toBe(known.length);
      for (const c of others) await wizard.getByText(`${c.name} — ${c.line} › ${c.cell}`).click();
      await wizard.getByLabel("Work order").fill("WO-4400");
      await wizard.getByLabel("Current password of the account").fill("not-the-maintenance-password");
      await wizard.getByLabel("Approved by").selectOption("bo");
      await wizard.getByLabel("Approver's PIN").fill("246810");
      await wizard.getByRole("button", { name: `Rotate on ${onLine.length} controllers` }).click();

      // Nothing was recorded, yet every controller of the batch is listed with why it was not changed.
      const result = page.getByTestId("batch-result");
      await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain(`0 of ${onLine.length} rotated with proof`);
      const outcomes = await Promise.all(onLine.map((c) => page.getByTestId(`batch-outcome-${c.id}`).textContent()));
      for (const [i, text] of outcomes.entries()) expect(text, onLine[i]!.name).toContain(onLine[i]!.name);
      expect(outcomes.filter((t) => /current password of maint is not accepted/.test(t ?? ""))).toHaveLength(1);
      expect(outcomes.filter((t) => /Not tried: .* refused the current password of maint/.test(t ?? ""))).toHaveLength(onLine.length - 1);
      expect(app.services.repos.rotations.list()).toHaveLength(0);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("rotations-refused");

      // Retry asks again for what main does not keep: the current password and the approver's PIN.
      await result.getByRole("button", { name: `Retry failed on ${onLine.length} controllers…` }).click();
      const retry = page.getByRole("dialog", { name: "Retry maint where it is not done" });
      await retry.getByLabel("Current password of the account").fill(current);
      await retry.getByLabel("Approved by").selectOption("bo");
      await retry.getByLabel("Approver's PIN").fill("246810");
      expect(await app.accessibilityViolations(".bp6-dialog")).toEqual([]);
      await app.screenshot("rotations-retry");
      await retry.getByRole("button", { name: `Retry on ${onLine.length} controllers` }).click();
      await expect.poll(() => result.textContent(), { timeout: 60_000 }).toContain(`${automatic.length} of ${onLine.length} rotated with proof`);
      expect(app.services.repos.rotations.list().filter((r) => r.state === "committed")).toHaveLength(automatic.length);
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

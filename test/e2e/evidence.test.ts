import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItService } from "../../main/services/itService";
import { tempDir } from "../support/tempDir";
import { closeBrowser, E2E_PASSPHRASE, launchApp } from "./harness";

describe("Evidence screen in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("exports for IT, and after IT's import takes the receipt back", async () => {
    const work = tempDir("fieldproof-e2e-evidence-");
    const itDir = join(work.path, "it");
    const { files } = await ItService.init(itDir, "it passphrase for e2e");
    const app = await launchApp();
    const { page } = app;
    try {
      app.services.identity.ensureDevice();
      await page.getByRole("button", { name: "Settings", exact: true }).click();
      await page.getByTestId("it-trust-path").fill(files.trust);
      await page.getByRole("button", { name: "Install IT keys" }).click();
      await expect.poll(() => page.getByTestId("it-fingerprint").textContent()).toMatch(/^SHA256:/);
      await page.getByLabel("Name", { exact: true }).fill("Ana Ruiz");
      await page.getByLabel("PIN (optional, 6+ characters)").fill("314159");
      await page.getByRole("button", { name: "Set technician" }).click();
      await expect.poll(() => page.getByTestId("technician-name").textContent()).toBe("Ana Ruiz");
      await app.screenshot("settings-it-trusted");
      // An approver with a PIN, and a record they co-sign (what a rotation's approval does).
      const person = await app.call("owners.upsertPerson", { personId: "bo", name: "Bo Lind", role: "Shift lead", employer: "staff", company: "", teamId: null, pin: "246810" });
      expect(person.ok).toBe(true);
      const approver = app.services.owners.approverSigner("bo", "246810");
      app.services.identity.journal.append("team.upserted", [{ name: "fieldproof:team/night-shift" }], { teamId: "night-shift", name: "Night shift", description: "" }, [approver]);

      await page.getByRole("button", { name: "Evidence", exact: true }).click();
      const fingerprint = app.services.identity.status().fingerprint!;
      await expect.poll(() => page.getByTestId("device-fingerprint").textContent()).toBe(fingerprint);
      expect(await page.getByTestId("records-since-receipt").textContent()).toMatch(/^5 of 5 records/);
      // Each signature shown exactly: its state (never just /verified/, which "NOT verified" matches too), signer and key.
      const journal = app.services.repos.journal;
      const shown = (state: "verified" | "NOT verified", signer: string, keyid: string): string => `${state} ${signer} ${keyid.slice(0, 16)}…`;
      const device = shown("verified", `device ${app.services.identity.status().name}`, journal.device()!.keyId);
      const technician = shown("verified", "technician Ana Ruiz", journal.technicianKey()!.keyId);
      const signatures = () => page.getByTestId("record-detail").getByRole("listitem").allTextContents();
      await page.getByRole("button", { name: "Show record 0" }).click();
      await expect.poll(() => page.getByTestId("record-detail").textContent()).toMatch(/Laptop enrolled/);
      await expect.poll(signatures).toEqual([device]);
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("evidence-records");
      await page.getByRole("button", { name: "Show record 2" }).click(); // technician.set, co-signed by the key it introduces
      await expect.poll(signatures).toEqual([device, technician]);
      await page.getByRole("button", { name: "Show record 4" }).click();
      await expect.poll(signatures).toEqual([device, technician, shown("verified", "approver Bo Lind", approver.keyid)]);

      const bundle = join(work.path, "usb-bundle.tar");
      await page.getByRole("button", { name: "Export for IT…" }).click();
      await page.getByTestId("export-path").fill(bundle);
      expect(await app.accessibilityViolations()).toEqual([]);
      await page.getByRole("button", { name: "Export", exact: true }).click();
      await expect.poll(() => page.getByTestId("export-message").textContent(), { timeout: 15_000 }).toMatch(/Wrote 5 record\(s\)/);
      expect(existsSync(bundle)).toBe(true);
      await app.screenshot("evidence-exported");
      await page.getByRole("button", { name: "Done" }).click();

      const it = ItService.open(itDir, async () => "it passphrase for e2e");
      const imported = await it.import(bundle, { enrolFingerprint: fingerprint });
      await it.close();
      expect(imported.newRecords).toBe(5);

      await page.getByRole("button", { name: "Import receipt…" }).click();
      await page.getByTestId("receipt-path").fill(imported.receiptPath);
      await page.getByRole("button", { name: "Import receipt", exact: true }).click();
      await expect.poll(() => page.getByTestId("receipt-message").textContent()).toMatch(/IT holds records 0–4/);
      await page.getByRole("button", { name: "Done" }).click();
      await expect.poll(() => page.getByTestId("records-since-receipt").textContent()).toMatch(/^1 of 6 records/);
      // Only the receipt's own record is new: IT holds everything that matters.
      await expect.poll(() => page.getByTestId("status-sync").textContent()).toBe("IT: in sync");
      await app.screenshot("evidence-after-receipt");
    } finally {
      await app.close();
      work.cleanup();
    }
  });

  it("reports a bad receipt in words, and changes nothing", async () => {
    const app = await launchApp();
    try {
      app.services.identity.ensureDevice();
      await app.page.getByRole("button", { name: "Evidence", exact: true }).click();
      await app.page.getByRole("button", { name: "Import receipt…" }).click();
      await app.page.getByTestId("receipt-path").fill("/nonexistent/fieldproof.receipt");
      await app.page.getByRole("button", { name: "Import receipt", exact: true }).click();
      await expect.poll(() => app.page.getByTestId("receipt-message").textContent()).toMatch(/Cannot read the receipt at \/nonexistent\/fieldproof.receipt/);
      await app.page.getByTestId("receipt-path").fill("relative/path.receipt");
      await app.page.getByRole("button", { name: "Import receipt", exact: true }).click();
      await expect.poll(() => app.page.getByTestId("receipt-message").textContent()).toMatch(/use a full path/);
      expect(app.services.repos.journal.head().size).toBe(1);
    } finally {
      await app.close();
    }
  });

  it("asks for a passphrase on first run and unlocks with it later", async () => {
    const work = tempDir("fieldproof-e2e-unlock-");
    const first = await launchApp({ dataDir: work.path, passphrase: null });
    try {
      const dialog = first.page.getByRole("dialog", { name: "Protect this laptop's signing key" });
      await dialog.waitFor();
      expect(await first.accessibilityViolations()).toEqual([]);
      await first.screenshot("unlock-first-run");
      await first.page.getByLabel("Passphrase", { exact: true }).fill(E2E_PASSPHRASE);
      await first.page.getByLabel("Passphrase again").fill(E2E_PASSPHRASE);
      await first.page.getByRole("button", { name: "Protect and continue" }).click();
      await dialog.waitFor({ state: "hidden" });
      first.services.identity.ensureDevice();
    } finally {
      await first.close();
    }
    const again = await launchApp({ dataDir: work.path, passphrase: null });
    try {
      await again.page.getByRole("dialog", { name: "Unlock Fieldproof" }).waitFor();
      await again.page.getByLabel("Passphrase", { exact: true }).fill("not the passphrase");
      await again.page.getByRole("button", { name: "Unlock" }).click();
      await expect.poll(() => again.page.getByRole("dialog").textContent()).toMatch(/passphrase is wrong/);
      await again.page.getByLabel("Passphrase", { exact: true }).fill(E2E_PASSPHRASE);
      await again.page.getByRole("button", { name: "Unlock" }).click();
      await again.page.getByRole("dialog").waitFor({ state: "hidden" });
      expect(again.services.identity.status().state).toBe("unlocked");
    } finally {
      await again.close();
      work.cleanup();
    }
  });
});

import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItService } from "../../main/services/itService";
import { tempDir } from "../support/tempDir";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

const DAY = 86_400_000;
const PIN = "270419";

describe("Owners and attribution in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("assigns an owner and holders to the shared maintenance account, marks a holder as left, sees the finding, rotates, and sees it clear", async () => {
    let clock = Date.now();
    const day = (): string => new Date(clock).toISOString().slice(0, 10);
    const work = tempDir("fieldproof-e2e-owners-");
    const app: AppHandle = await launchApp({ viewport: { width: 1440, height: 900 }, config: { now: () => new Date(clock), controllerTimeoutMs: 15_000 } });
    const { page, services } = app;
    const a11y = async (where: string): Promise<void> => expect(await app.accessibilityViolations(), where).toEqual([]);
    try {
      // The demo plant, scanned with trust. Its manual-only controller (no Part 18) is left out: its
      // manual rotation step is the Rotations tests' subject. maint is then known on the rest but the one
      // where the technician's login may not read accounts; on the one that cannot list them, maint is
      // declared (plant file) and rotated by hand, as the finding clears only when all are rotated.
      await services.demo.start(5);
      const build = services.demo.current()!.build;
      const noPart18 = build.weaknesses.find((w) => w.kind === "noPart18")!.controllerId;
      const part18 = build.controllers.filter((c) => c.id !== noPart18);
      await services.scan.scan({ controllerIds: part18.map((c) => c.id), trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
      const { files } = await ItService.init(join(work.path, "it"), "it passphrase for owners e2e");
      await services.evidence.trustIt(files.trust, false);
      const lines = [...new Set(part18.map((c) => c.line))];
      const rotatable = part18.filter((c) => !c.profiles.includes("limitedTechnicianRole"));

      // Owners: a team and three people, typed in as a technician would.
      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("button", { name: "Add team…" }).click();
      const teamDialog = page.getByRole("dialog");
      await teamDialog.getByLabel("Team name").fill("Maintenance B shift");
      await teamDialog.getByLabel("Description").fill("Night shift, body lines");
      await teamDialog.getByRole("button", { name: "Save team" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("teams-table").textContent()).toMatch(/Maintenance B shift/);

      const people = [
        { name: "Sara Lind", role: "Shift supervisor", employer: "staff", pin: PIN },
        { name: "Ana Ruiz", role: "Maintenance technician", employer: "staff" },
        { name: "Li Wei", role: "Controls technician", employer: "contractor", company: "Delta Field Services" },
      ];
      for (const p of people) {
        await page.getByRole("button", { name: "Add person…" }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Name", { exact: true }).fill(p.name);
        await dialog.getByLabel("Role").fill(p.role);
        await dialog.getByLabel("Employer").selectOption(p.employer);
        if (p.company) await dialog.getByLabel("Company").fill(p.company);
        await dialog.getByLabel("Team", { exact: true }).selectOption({ label: "Maintenance B shift" });
        if (p.pin) await dialog.getByLabel(/Approver PIN/).fill(p.pin);
        if (p.pin) await a11y("person dialog");
        await dialog.getByRole("button", { name: "Save person" }).click();
        await noDialog(page);
        await expect.poll(() => page.getByTestId("people-table").textContent()).toContain(p.name);
      }
      expect(await page.getByTestId("people-table").textContent()).toMatch(/approver/);
      await a11y("owners screen");
      await app.screenshot("owners-people");

      // Decision authority: Sara approves rotations on every line the account lives on.
      await page.getByRole("tab", { name: "Decision authority" }).click();
      await expect.poll(() => page.getByTestId("authority-matrix").count()).toBe(1);
      for (const line of lines) {
        await page.getByRole("button", { name: `Edit approve rotations on ${line}`, exact: true }).click();
        const dialog = page.getByRole("dialog");
        await dialog.getByLabel("Add a person").selectOption({ label: "Sara Lind (Shift supervisor)" });
        await dialog.getByRole("button", { name: "Add", exact: true }).click();
        await dialog.getByLabel("Add a person").selectOption({ label: "Ana Ruiz (Maintenance technician)" });
        await dialog.getByRole("button", { name: "Add", exact: true }).click();
        await dialog.getByRole("button", { name: "Move Ana Ruiz up" }).click();
        await dialog.getByRole("button", { name: "Move Sara Lind up" }).click();
        if (line === lines[0]) await a11y("authority dialog");
        await dialog.getByRole("button", { name: "Save order" }).click();
        await noDialog(page);
        await expect.poll(() => page.getByRole("list", { name: `Approve rotations on ${line}`, exact: true }).textContent()).toBe("Sara LindAna Ruiz");
      }
      await page.getByRole("button", { name: `Set the owner of ${lines[0]}`, exact: true }).click();
      await page.getByRole("dialog").getByLabel("Accountable owner").selectOption({ label: "Team: Maintenance B shift" });
      await page.getByRole("dialog").getByRole("button", { name: "Set owner" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("authority-matrix").textContent()).toContain("Maintenance B shift");
      await a11y("authority matrix");
      await app.screenshot("owners-authority-matrix");
      expect(services.repos.owners.authority().filter((e) => e.action === "approve" && e.rank === 0).map((e) => e.personId)).toEqual(lines.map(() => "sara.lind"));

      // Identities: the shared maintenance account, then its owner and holders from the attribution panel.
      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.getByTestId("identity-row-maint").click();
      const detail = page.getByTestId("identity-detail");
      await expect.poll(() => detail.textContent()).toMatch(/Shared account with no recorded holders/);
      await detail.getByRole("button", { name: "Set owner…" }).click();
      const ownerDialog = page.getByRole("dialog");
      await ownerDialog.getByLabel("Accountable owner").selectOption({ label: "Team: Maintenance B shift" });
      await ownerDialog.getByLabel("Purpose").fill("Shared maintenance login for line work");
      await ownerDialog.getByLabel("Allowed scope").fill("Body lines, engineering changes only");
      await a11y("owner dialog");
      await ownerDialog.getByRole("button", { name: "Set owner" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("owner-source").textContent()).toBe("(set on this identity)");
      for (const name of ["Ana Ruiz (Maintenance technician)", "Li Wei (Controls technician)"]) {
        await page.getByTestId("holder-select").selectOption({ label: name });
        await detail.getByRole("button", { name: "Add", exact: true }).click();
        await expect.poll(() => page.getByRole("list", { name: "Holders" }).textContent()).toContain(name.split(" (")[0]);
      }
      await expect.poll(() => detail.textContent()).not.toMatch(/Shared account with no recorded holders/);
      expect(await detail.textContent()).not.toMatch(/No accountable owner/);
      await expect.poll(() => page.getByTestId("identity-row-maint").textContent()).toMatch(/Maintenance B shift/);
      await a11y("attribution panel");
      await app.screenshot("identities-attribution");
      await page.getByRole("heading", { name: "Attribution" }).scrollIntoViewIfNeeded();
      await app.screenshot("identities-attribution-top");

      // Bulk: two more accounts get the same owner from the table's selection.
      await page.getByRole("checkbox", { name: "Select operator" }).check();
      await page.getByRole("checkbox", { name: "Select fp-tech" }).check();
      await page.getByTestId("bulk-assign").click();
      await page.getByRole("dialog").getByLabel("Accountable owner").selectOption({ label: "Team: Maintenance B shift" });
      await a11y("bulk assign dialog");
      await page.getByRole("dialog").getByRole("button", { name: "Set owner" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("bulk-message").textContent()).toMatch(/Maintenance B shift now owns 2 identities/);
      await expect.poll(() => page.getByTestId("identity-row-operator").textContent()).toMatch(/Maintenance B shift/);

      // An offline check-out/check-in of maint, attributed to Ana and a work order.
      await page.getByTestId("identity-row-maint").click();
      await page.getByTestId("identity-detail").getByRole("button", { name: "Record a use…" }).click();
      const useDialog = page.getByRole("dialog");
      await useDialog.getByLabel("Who used it").selectOption({ label: "Ana Ruiz (holder)" });
      await useDialog.getByLabel("On which controller").selectOption({ index: 1 });
      await useDialog.getByLabel("Work order").fill("WO-3001");
      await a11y("use dialog");
      await useDialog.getByRole("button", { name: "Record use" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("identity-detail").textContent()).toMatch(/Recorded uses.*Ana Ruiz on .* for WO-3001/s);
      expect(services.repos.owners.usages()).toMatchObject([{ identityId: "user/maint", personId: "ana.ruiz", workOrder: "WO-3001", breakGlass: false }]);

      // Li Wei leaves: the Owners screen says which shared accounts are due, and by when.
      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("button", { name: "Mark Li Wei as left" }).click();
      const leftDialog = page.getByRole("dialog");
      expect(await leftDialog.textContent()).toMatch(/Li Wei holds 1 account\(s\): maint/);
      await page.getByTestId("left-date").fill(day());
      await leftDialog.getByRole("button", { name: "Mark as left" }).click();
      const rotateBy = new Date(Date.parse(day()) + 30 * DAY).toISOString().slice(0, 10);
      await expect.poll(() => page.getByTestId("left-result").textContent()).toMatch(new RegExp(`maint.*shared.*rotate by.*${rotateBy}`));
      await a11y("marked as left");
      await app.screenshot("owners-marked-left");
      await leftDialog.getByRole("button", { name: "Done" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("people-table").textContent()).toMatch(new RegExp(`left ${day()}`));

      // Due, not yet overdue; then 31 days pass and the finding appears.
      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.getByTestId("identity-row-maint").click();
      await expect.poll(() => page.getByTestId("identity-row-maint").textContent()).toContain(rotateBy);
      expect(await page.getByTestId("identity-detail").textContent()).not.toMatch(/Holder left and the password was not changed/);
      clock += 31 * DAY;
      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.getByTestId("finding-filter").selectOption("holder-left-not-rotated");
      await expect.poll(() => page.getByTestId("identity-count").textContent()).toMatch(/^1 of/);
      await page.getByTestId("identity-row-maint").click();
      await expect.poll(() => page.getByTestId("identity-findings").textContent()).toMatch(/Holder left and the password was not changed/);
      expect(await page.getByTestId("identity-findings").textContent()).toMatch(/Li Wei \(left /);
      await a11y("identities with findings");
      await app.screenshot("identities-holder-left-finding");

      // Rotation from the identity, through the Rotations screen's wizard, approved by Sara with her
      // PIN: one batch per distinct current password (the demo plant shares maint's per line).
      const groups = new Map<string, typeof part18>();
      for (const c of rotatable) {
        const current = c.accounts.find((a) => a.userName === "maint")!.initialPassword;
        groups.set(current, [...(groups.get(current) ?? []), c]);
      }
      for (const [current, group] of groups) {
        await page.getByRole("button", { name: "Identities", exact: true }).click();
        await page.getByTestId("identity-row-maint").click();
        await page.getByTestId("identity-detail").getByRole("button", { name: "Rotate…" }).click();
        const wizard = page.getByRole("dialog", { name: "Rotate a password" });
        await wizard.waitFor();
        await wizard.getByRole("button", { name: `Rotate on ${rotatable.length} controllers` }).waitFor();
        for (const c of rotatable.filter((x) => !group.includes(x))) await wizard.getByText(`${c.name} — ${c.line} › ${c.cell}`).click();
        await page.getByLabel("Work order").fill("WO-2231");
        await page.getByLabel("Reason").selectOption("holder-left");
        await page.getByLabel("Current password of the account").fill(current);
        await page.getByLabel("Approved by").selectOption("sara.lind");
        await page.getByLabel("Approver's PIN").fill(PIN);
        await wizard.getByRole("button", { name: `Rotate on ${group.length} controller${group.length === 1 ? "" : "s"}` }).click();
        const byHand = group.filter((c) => !c.security.part18);
        await expect.poll(() => page.getByTestId("batch-result").textContent(), { timeout: 60_000 }).toContain(`${group.length - byHand.length} of ${group.length} rotated with proof`);
        for (const c of byHand) {
          const row = page.getByTestId(`rotation-${c.id}`);
          await row.getByRole("button", { name: "Show new password" }).click();
          const shown = (await page.getByTestId("revealed-password").textContent())!;
          await page.getByRole("button", { name: "Hide" }).click();
          await services.demo.current()!.controller(c.id).setPasswordOutOfBand("maint", shown);
          await row.getByRole("button", { name: "It is set: prove it" }).click();
          await expect.poll(() => services.repos.rotations.list().find((r) => r.controllerId === c.id)?.state).toBe("committed");
        }
      }
      expect(services.repos.rotations.list().filter((r) => r.state === "committed" && r.identityId === "user/maint")).toHaveLength(rotatable.length);

      // The crew learns the new passwords: Ana (the holder left after Li Wei) gets each controller's, on a slip (she has no PIN).
      await expect.poll(() => page.getByTestId("batch-hand-over").textContent()).toBe("Hand over to: Ana Ruiz (below).");
      expect(await page.getByTestId("handover-user/maint").getByTestId("handover-to").textContent()).toBe("Ana Ruiz");
      await page.getByTestId("handover-open-ana.ruiz").click();
      const handDialog = page.getByRole("dialog", { name: "Hand over maint to Ana Ruiz" });
      await handDialog.getByTestId("handover-show").click();
      const shownTo = page.getByRole("dialog", { name: "New password of maint for Ana Ruiz" });
      await expect.poll(() => shownTo.locator("[data-testid^=handover-password-]").count()).toBe(rotatable.length);
      for (const c of rotatable) {
        const handed = (await shownTo.getByTestId(`handover-password-${c.id}`).textContent())!;
        expect(await services.demo.current()!.controller(c.id).verifyPassword("maint", handed)).toBe(true);
      }
      await a11y("handover shown");
      await app.screenshot("rotations-handover-shown");
      await shownTo.getByRole("button", { name: "Done: hide it" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("handover-note").textContent()).toBe("Handed over to Ana Ruiz (on a slip), recorded. Every holder has it now; the laptop forgot it.");
      expect(services.vault.refs("handover/")).toEqual([]);
      expect(services.repos.journal.list({ offset: 0, limit: 10, kind: "secret.handedOver" }).total).toBe(1);

      // The UI reads the findings again: the holder-left finding is gone.
      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("button", { name: "Identities", exact: true }).click();
      await page.getByTestId("finding-filter").selectOption("holder-left-not-rotated");
      await expect.poll(() => page.getByTestId("identity-count").textContent()).toMatch(/^0 of/);
      await page.getByTestId("finding-filter").selectOption("");
      await page.getByTestId("identity-row-maint").click();
      await expect.poll(() => page.getByTestId("identity-detail").textContent()).toMatch(/Last rotated/);
      expect(await page.getByTestId("identity-detail").textContent()).not.toMatch(/Holder left and the password was not changed/);
      await app.screenshot("identities-after-rotation");
    } finally {
      await app.close();
      work.cleanup();
    }
  });

  it("imports a CSV from the Owners screen and shows a bad file's lines", async () => {
    const work = tempDir("fieldproof-e2e-owners-csv-");
    const app = await launchApp();
    const { page } = app;
    try {
      const { writeFileSync } = await import("node:fs");
      const good = join(work.path, "people.csv");
      writeFileSync(good, "\uFEFFperson_id,name,role,employer,company,team_id,left_at\r\nana.ruiz,Ana Ruiz,Technician,staff,,,\r\n");
      const bad = join(work.path, "bad.csv");
      writeFileSync(bad, "person_id,name,employer\r\nok,Ok,staff\r\nboss,The Boss,boss\r\n");
      await page.getByRole("button", { name: "Owners", exact: true }).click();
      await page.getByRole("button", { name: "Import CSV…" }).click();
      await page.getByTestId("csv-import-path").fill(bad);
      await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
      await expect.poll(() => page.getByTestId("csv-import-message").textContent()).toMatch(/Nothing was imported from bad\.csv.*line 3: employer must be staff, contractor or vendor/s);
      await a11y(app, "import dialog");
      await app.screenshot("owners-csv-refused");
      await page.getByTestId("csv-import-path").fill(good);
      await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
      await expect.poll(() => page.getByTestId("csv-import-message").textContent()).toMatch(/Imported 1 people row/);
      await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
      await noDialog(page);
      await expect.poll(() => page.getByTestId("people-table").textContent()).toContain("Ana Ruiz");

      await page.getByRole("button", { name: "Export CSV…" }).click();
      const out = join(work.path, "out.csv");
      await page.getByTestId("csv-export-path").fill(out);
      await page.getByRole("dialog").getByRole("button", { name: "Export", exact: true }).click();
      await expect.poll(() => page.getByTestId("csv-export-message").textContent()).toMatch(/Wrote 1 people row/);
      await a11y(app, "export dialog");
    } finally {
      await app.close();
      work.cleanup();
    }
  });
});

async function noDialog(page: AppHandle["page"]): Promise<void> {
  await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
}

async function a11y(app: AppHandle, where: string): Promise<void> {
  expect(await app.accessibilityViolations(), where).toEqual([]);
}

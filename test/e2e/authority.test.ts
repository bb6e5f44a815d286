import { afterAll, describe, expect, it } from "vitest";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

// Issue 17: a person picked in "Add a person" but not added was dropped by "Save order", which then
// saved nobody; rotations were refused later, far from the cause.
describe("Decision authority dialog", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  async function openCell(): Promise<{ app: AppHandle; line: string }> {
    const app = await launchApp({ viewport: { width: 1440, height: 900 } });
    await app.services.demo.start(2);
    const line = app.services.demo.current()!.build.controllers[0]!.line;
    expect((await app.call("owners.upsertPerson", { personId: "sara.lind", name: "Sara Lind", role: "Shift supervisor", employer: "staff", company: "", teamId: null, pin: null })).ok).toBe(true);
    await app.page.getByRole("button", { name: "Owners", exact: true }).click();
    await app.page.getByRole("tab", { name: "Decision authority" }).click();
    await app.page.getByRole("button", { name: `Edit approve rotations on ${line}`, exact: true }).click();
    return { app, line };
  }

  it("stores the person picked in Add a person when Save order is pressed without Add", async () => {
    const { app, line } = await openCell();
    const { page, services } = app;
    try {
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Add a person").selectOption({ label: "Sara Lind (Shift supervisor)" });
      await app.screenshot("authority-picked-not-added");
      await dialog.getByRole("button", { name: "Save order" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
      expect(services.repos.owners.authority()).toEqual([{ line, cell: "", action: "approve", rank: 0, personId: "sara.lind" }]);
      await expect.poll(() => page.getByRole("list", { name: `Approve rotations on ${line}`, exact: true }).textContent()).toBe("Sara Lind");
    } finally {
      await app.close();
    }
  });

  it("says a picked person will be added, and saves an empty list only after a second, explicit press", async () => {
    const { app, line } = await openCell();
    const { page, services } = app;
    try {
      const dialog = page.getByRole("dialog");
      // Empty list: the first press only asks; nothing is stored.
      await dialog.getByRole("button", { name: "Save order" }).click();
      await expect.poll(() => dialog.getByTestId("authority-empty-confirm").count()).toBe(1);
      expect(await dialog.getByTestId("authority-save").textContent()).toBe("Save: nobody may decide");
      expect(services.repos.owners.authority()).toEqual([]);
      expect(await app.accessibilityViolations(".bp6-dialog")).toEqual([]);
      await app.screenshot("authority-empty-confirm");

      // Picking someone takes the question back and says what Save will do.
      await dialog.getByLabel("Add a person").selectOption({ label: "Sara Lind (Shift supervisor)" });
      expect(await dialog.getByTestId("authority-picked-note").textContent()).toBe("Save adds Sara Lind at the end of the list.");
      expect(await dialog.getByTestId("authority-empty-confirm").count()).toBe(0);
      expect(await dialog.getByTestId("authority-save").textContent()).toBe("Save order");
      await dialog.getByRole("button", { name: "Save order" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
      expect(services.repos.owners.authority()).toHaveLength(1);

      // Clearing it again: asked first, saved on the second press.
      await page.getByRole("button", { name: `Edit approve rotations on ${line}`, exact: true }).click();
      await dialog.getByRole("button", { name: "Remove Sara Lind" }).click();
      await dialog.getByRole("button", { name: "Save order" }).click();
      await expect.poll(() => dialog.getByTestId("authority-empty-confirm").count()).toBe(1);
      expect(services.repos.owners.authority()).toHaveLength(1);
      await dialog.getByRole("button", { name: "Save: nobody may decide" }).click();
      await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
      expect(services.repos.owners.authority()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

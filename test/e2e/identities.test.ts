import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeBrowser, launchApp, type AppHandle } from "./harness";

type Page = AppHandle["page"];
type Box = { x: number; width: number };

/** Left edge and width of each header cell and of each cell of one row, in page pixels. */
async function columnBoxes(page: Page, rowTestId: string): Promise<{ head: Box[]; row: Box[]; headers: string[] }> {
  return page.evaluate((testId) => {
    const box = (el: Element): Box => {
      const r = el.getBoundingClientRect();
      return { x: Math.round(r.left), width: Math.round(r.width) };
    };
    const grid = document.querySelector('[role="grid"][aria-label="Identities"]')!;
    const head = [...grid.querySelectorAll('[role="columnheader"]')];
    const row = [...document.querySelector(`[data-testid="${testId}"]`)!.querySelectorAll('[role="gridcell"]')];
    return { head: head.map(box), row: row.map(box), headers: head.map((h) => h.textContent ?? "") };
  }, rowTestId);
}

describe("Identities screen layout", () => {
  let app: AppHandle;
  let controllerName: string;
  let certificateUri: string;

  beforeAll(async () => {
    app = await launchApp({ viewport: { width: 1440, height: 900 }, config: { controllerTimeoutMs: 15_000 } });
    await app.services.demo.start(5);
    const build = app.services.demo.current()!.build;
    await app.services.scan.scan({ controllerIds: build.controllers.map((c) => c.id), trustNewCertificates: true, concurrency: 5, timeoutMs: 15_000 });
    const cert = (await app.services.inventory.identities()).find((r) => r.kind === "certificate")!;
    certificateUri = cert.name;
    controllerName = cert.controllerName!;
    await app.page.getByRole("button", { name: "Identities", exact: true }).click();
    await app.page.getByTestId("identity-row-maint").waitFor();
  });

  afterAll(async () => {
    await app?.close();
    await closeBrowser();
  });

  it("shows every column, Findings and Due included, at 1440 x 900 without scrolling sideways, each header over its column", async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1440, height: 900 });
    const grid = page.getByTestId("identity-grid-body");
    const overflow = await grid.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBe(0);

    const { head, row, headers } = await columnBoxes(page, "identity-row-maint");
    expect(headers).toEqual(["Select", "Identity", "Where", "Owner / holders", "Last rotated", "Due", "Findings"]);
    expect(row.map((b) => b.x)).toEqual(head.map((b) => b.x));
    expect(row.map((b) => b.width)).toEqual(head.map((b) => b.width));
    const gridBox = (await grid.boundingBox())!;
    for (const name of ["Due", "Findings"]) {
      const cell = (await page.getByRole("columnheader", { name, exact: true }).boundingBox())!;
      expect(cell.x, name).toBeGreaterThanOrEqual(gridBox.x);
      expect(cell.x + cell.width, name).toBeLessThanOrEqual(gridBox.x + gridBox.width);
      expect(cell.x + cell.width, name).toBeLessThanOrEqual(1440);
    }
    expect(await app.accessibilityViolations()).toEqual([]);
    await app.screenshot("identities-1440");
  });

  it("names a certificate by its controller, with the URI second", async () => {
    const { page } = app;
    await page.getByTestId("identity-filter").fill(controllerName);
    const row = page.getByTestId(`identity-row-${certificateUri}`);
    await expect.poll(() => row.locator(".fp-id-name").textContent()).toBe(controllerName);
    expect(await row.locator(".fp-two-line-secondary").first().textContent()).toBe(`certificate · ${certificateUri}`);
    await row.click();
    await expect.poll(() => page.getByTestId("identity-uri").textContent()).toBe(certificateUri);
    expect(await page.getByTestId("identity-detail").getByRole("heading", { level: 3 }).textContent()).toBe(`${controllerName} certificate`);
    await app.screenshot("identities-certificate");
    await page.getByTestId("identity-filter").fill("");
  });

  it("scrolls header and rows together in a narrower window", async () => {
    const { page } = app;
    await page.setViewportSize({ width: 1180, height: 800 });
    const grid = page.getByTestId("identity-grid-body");
    await expect.poll(() => grid.evaluate((el) => el.scrollWidth - el.clientWidth)).toBeGreaterThan(0);
    await grid.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect.poll(() => grid.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    const { head, row } = await columnBoxes(page, "identity-row-maint");
    expect(row.map((b) => b.x)).toEqual(head.map((b) => b.x));
    // Scrolled down, the header stays on top of the rows it names.
    await grid.evaluate((el) => {
      el.scrollTop = 200;
    });
    await expect.poll(() => grid.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    const headTop = (await page.getByRole("row").first().boundingBox())!.y;
    const gridTop = (await grid.boundingBox())!.y;
    // The grid's 1 px border is all that lies between its top and the header.
    expect(Math.round(headTop - gridTop)).toBe(1);
    await app.screenshot("identities-narrow-scrolled");
    await page.setViewportSize({ width: 1440, height: 900 });
  });
});

import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ItCaService } from "../../main/services/itCaService";
import { initIt } from "../support/evidence";
import { tempDir } from "../support/tempDir";
import { closeBrowser, launchApp } from "./harness";

afterAll(async () => {
  await closeBrowser();
});

describe("Settings › Site CA, in Chromium", () => {
  it("writes the request for IT, installs IT's answer, and lists the site's issuing certificate as valid; a wrong file is refused in words", async () => {
    const itSide = await initIt();
    const work = tempDir("fieldproof-e2e-site-ca-");
    const app = await launchApp({ viewport: { width: 1440, height: 1000 } });
    const { page, services } = app;
    try {
      const ca = new ItCaService(itSide.open(), async () => "ca passphrase for e2e");
      await ca.init("Acme Plants");
      await services.evidence.trustIt(itSide.trustPath, false);
      await page.getByRole("button", { name: "Settings", exact: true }).click();
      const card = page.getByTestId("site-ca-card");
      await expect.poll(() => card.textContent()).toContain("No site CA yet.");

      const request = join(work.path, "request.json");
      await card.getByTestId("site-ca-site").fill("North Bay");
      await card.getByTestId("site-ca-out").fill(request);
      await card.getByTestId("site-ca-request").click();
      await expect.poll(() => card.getByTestId("site-ca-message").textContent()).toMatch(/^Request for "North Bay" written to .*request\.json\. Give it to IT with this laptop's fingerprint SHA256:/);

      // A file that is not IT's answer: said in words, nothing installed.
      await card.getByTestId("site-ca-answer").fill(request);
      await card.getByTestId("site-ca-install").click();
      await expect.poll(() => card.getByTestId("site-ca-message").textContent()).toMatch(/^This is not a valid site CA file: /);

      const answer = join(work.path, "answer.json");
      await ca.issue(request, { device: services.identity.status().fingerprint!, site: "North Bay", days: 90, out: answer });
      await card.getByTestId("site-ca-answer").fill(answer);
      await card.getByTestId("site-ca-install").click();
      await expect.poll(() => card.getByTestId("site-ca-message").textContent()).toMatch(/^Site CA for "North Bay" installed, valid until /);
      const table = card.getByTestId("site-ca-list");
      await expect.poll(() => table.textContent()).toMatch(/North BayValid.*CN=Acme Plants, O=Fieldproof site CA/);
      expect(await app.accessibilityViolations()).toEqual([]);
      await card.scrollIntoViewIfNeeded();
      await app.screenshot("site-ca-installed");
    } finally {
      await app.close();
      itSide.dir.cleanup();
      work.cleanup();
    }
  });
});

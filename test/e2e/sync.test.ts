import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { startCollector, type Collector } from "../../main/collector/server";
import { openSqliteStore, sqliteDoor } from "../../main/collector/store";
import { initCollectorIt } from "../support/collector";
import { appendRecords, IT_PASSPHRASE } from "../support/evidence";
import { closeBrowser, launchApp } from "./harness";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("Automatic sync to IT's collector, in Chromium", () => {
  afterAll(async () => {
    await closeBrowser();
  });

  it("shows the records waiting while the collector is down, then goes to in sync by itself once it starts", async () => {
    const itSide = await initCollectorIt();
    // A short probe interval: the real one starts at 15 s.
    const app = await launchApp({ viewport: { width: 1440, height: 900 }, config: { sync: { probeMs: 400, maxProbeMs: 800 } } });
    const { page, services } = app;
    let collector: Collector | undefined;
    try {
      await services.evidence.trustIt(itSide.trustPath, false);
      appendRecords(services, 4);
      const port = await freePort();
      const address = `https://127.0.0.1:${port}`;

      await page.getByRole("button", { name: "Settings", exact: true }).click();
      const card = page.getByTestId("collector-card");
      await card.scrollIntoViewIfNeeded();
      // The pinned certificate and this laptop's fingerprint (what IT compares before approving).
      await expect.poll(() => card.getByTestId("laptop-fingerprint").textContent()).toBe(services.identity.status().fingerprint);
      expect(await card.getByTestId("collector-trust").textContent()).toMatch(/Collector certificateSHA256:[0-9A-F ]{39}/);
      await card.getByLabel("Collector address").fill("http://127.0.0.1:1");
      await card.getByTestId("collector-save").click();
      await expect.poll(() => card.getByTestId("collector-message").textContent()).toMatch(/must be https:\/\/ \(the collector speaks only HTTPS/);
      await card.getByLabel("Collector address").fill("https://it:pw@127.0.0.1:1");
      await card.getByTestId("collector-save").click();
      await expect.poll(() => card.getByTestId("collector-message").textContent()).toMatch(/no user name, password or path/);
      expect(services.settings.collectorUrl()).toBeNull();
      await card.getByLabel("Collector address").fill(address);
      await card.getByTestId("collector-save").click();
      await expect.poll(() => card.getByTestId("collector-message").textContent()).toBe(`Saved. The app syncs to ${address} whenever it answers; the status bar shows the state.`);

      const waiting = (await services.evidence.summary()).recordsSinceReceipt;
      const status = page.getByTestId("status-sync");
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^IT: not reachable since \\d{2}:\\d{2} \\(${waiting} records waiting\\)$`));
      expect(await app.accessibilityViolations()).toEqual([]);
      await app.screenshot("sync-unreachable");

      collector = await startCollector({
        store: openSqliteStore(itSide.dir.path, IT_PASSPHRASE),
        log: jsonLogger(() => undefined),
        host: "127.0.0.1",
        port,
      });
      // Not approved yet: the laptop waits and says so; IT approves the fingerprint it reads off the card.
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toBe("IT: waiting for IT to approve this laptop");
      await app.screenshot("sync-waiting-approval");
      expect((await services.evidence.summary()).lastReceipt).toBeNull();
      const door = itSide.open();
      try {
        await sqliteDoor(door).approve((await card.getByTestId("laptop-fingerprint").textContent())!, "it-operator", new Date().toISOString());
      } finally {
        await door.close();
      }
      // No click: the next probe finds it, syncs, and the status bar says so.
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^IT: in sync \d{2}:\d{2}$/);
      const summary = await services.evidence.summary();
      expect(summary.lastReceipt?.treeSize).toBe(waiting);
      const it = itSide.open();
      try {
        expect(it.repo.recordCount(services.identity.deviceId())).toBe(waiting);
      } finally {
        await it.close();
      }

      // The Evidence screen reloads by itself and offers "Sync now".
      await page.getByRole("button", { name: "Evidence", exact: true }).click();
      await expect.poll(() => page.getByTestId("records-since-receipt").textContent()).toMatch(/^1 of/);
      appendRecords(services, 2, "after");
      await page.getByTestId("sync-now").click();
      await expect.poll(async () => (await services.evidence.summary()).lastReceipt?.treeSize).toBe(waiting + 3);
      await expect.poll(() => status.textContent()).toMatch(/^IT: in sync \d{2}:\d{2}$/);
      expect(await page.getByTestId("sync-message").count()).toBe(0);
      await app.screenshot("sync-in-sync");
    } finally {
      await app.close();
      await collector?.close();
      itSide.dir.cleanup();
    }
  });
});

import { createServer } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { startCollector, type Collector } from "../../main/collector/server";
import { openSqliteStore, sqliteDoor } from "../../main/collector/store";
import { join } from "node:path";
import { exportDeviceChain } from "../../main/collector/exportDevice";
import { openPostgresChainSource } from "../../main/collector/pgRead";
import { openPostgresStore } from "../../main/collector/pgStore";
import { readBundle } from "../../main/evidence/bundleReader";
import { verifyBundle } from "../../main/evidence/verifyBundle";
import { initCollectorIt } from "../support/collector";
import { appendRecords, IT_PASSPHRASE } from "../support/evidence";
import { query, startTestDatabase, type TestDatabase } from "../support/postgres";
import { tempDir } from "../support/tempDir";
import { closeBrowser, launchApp } from "./harness";

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("Automatic sync to IT's collector, in Chromium", () => {
  let db: TestDatabase | undefined;
  afterAll(async () => {
    await closeBrowser();
    await db?.stop();
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

  it("with a PostgreSQL IT store: records wait while the collector is down; once it starts the status bar counts the chunks up to in sync with no click, and PostgreSQL holds the chain, verified", async () => {
    db = await startTestDatabase();
    const itSide = await initCollectorIt();
    const work = tempDir("fieldproof-e2e-sync-pg-");
    // Small chunks, so a few hundred records take about a hundred uploads and "syncing n/total" shows.
    const app = await launchApp({ viewport: { width: 1440, height: 900 }, config: { sync: { probeMs: 400, maxProbeMs: 800, chunkBytes: 4096 } } });
    const { page, services } = app;
    let collector: Collector | undefined;
    try {
      await services.evidence.trustIt(itSide.trustPath, false);
      // Enough that the sync outlasts the status bar's 2 s poll by far, however fast the import is.
      appendRecords(services, 400, "pg");
      const port = await freePort();
      services.sync.setCollector(`https://127.0.0.1:${port}`);
      const status = page.getByTestId("status-sync");
      const waiting = (await services.evidence.summary()).recordsSinceReceipt;
      await expect.poll(() => status.textContent(), { timeout: 10_000 }).toMatch(new RegExp(`^IT: not reachable since \\d{2}:\\d{2} \\(${waiting} records waiting\\)$`));
      // Every text the status bar shows from here on, in order.
      await page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { seenSync: string[] }).seenSync = seen;
        const read = (): void => {
          const text = document.querySelector('[data-testid="status-sync"]')?.textContent ?? "";
          if (text !== seen.at(-1)) seen.push(text);
        };
        read();
        new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
      });

      collector = await startCollector({
        store: await openPostgresStore(itSide.dir.path, IT_PASSPHRASE, db.url),
        log: jsonLogger(() => undefined),
        host: "127.0.0.1",
        port,
        enrol: [services.identity.status().fingerprint!],
      });
      await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^IT: syncing \d+\/\d+ records…$/);
      await app.screenshot("sync-pg-syncing");
      await expect.poll(() => status.textContent(), { timeout: 60_000 }).toMatch(/^IT: in sync \d{2}:\d{2}$/);
      await app.screenshot("sync-pg-in-sync");
      const seen = await page.evaluate(() => (window as unknown as { seenSync: string[] }).seenSync);
      const counts = seen.map((t) => /^IT: syncing (\d+)\/(\d+) records…$/.exec(t)).filter((m) => m !== null);
      expect(seen[0]).toMatch(/^IT: not reachable since/);
      expect(seen.at(-1)).toMatch(/^IT: in sync/);
      expect(counts.length).toBeGreaterThanOrEqual(2);
      // Counted up, never down, against one total: the records this sync sends.
      const dones = counts.map((m) => Number(m[1]));
      expect(dones).toEqual([...dones].sort((a, b) => a - b));
      expect(new Set(counts.map((m) => Number(m[2])))).toEqual(new Set([waiting]));

      // The receipt is applied; PostgreSQL holds every record once, and the chain written out of it verifies.
      expect((await services.evidence.summary()).lastReceipt?.treeSize).toBe(waiting);
      const deviceId = services.identity.deviceId();
      const rows = await query<{ n: number; max: number }>(db.url, "SELECT count(*)::int AS n, max(seq)::int AS max FROM records WHERE device_id = $1", [deviceId]);
      expect(rows).toEqual([{ n: waiting, max: waiting - 1 }]);
      const source = await openPostgresChainSource(db.url, { itDir: itSide.dir.path });
      try {
        const out = join(work.path, "from-pg.tar");
        const written = await exportDeviceChain({ source, device: deviceId, out });
        expect(written).toMatchObject({ records: waiting, treeSize: waiting });
        const verified = await verifyBundle(await readBundle(out));
        expect(verified.checks.filter((c) => !c.ok)).toEqual([]);
        expect(verified.ok).toBe(true);
        expect(verified.records).toHaveLength(waiting);
      } finally {
        await source.close();
      }
    } finally {
      await app.close();
      await collector?.close();
      itSide.dir.cleanup();
      work.cleanup();
    }
  });

  it("syncs as soon as the network comes back (the browser's online event), not at the next timer; switched off, it sends nothing until Sync now", async () => {
    const itSide = await initCollectorIt();
    // A timer so long that only the online event can explain a sync within the test.
    const app = await launchApp({ viewport: { width: 1440, height: 900 }, config: { sync: { probeMs: 600_000, maxProbeMs: 600_000 } } });
    const { page, services } = app;
    let collector: Collector | undefined;
    let collectorRequests = 0;
    try {
      await services.evidence.trustIt(itSide.trustPath, false);
      collector = await startCollector({
        store: openSqliteStore(itSide.dir.path, IT_PASSPHRASE),
        log: jsonLogger((line) => {
          if ((JSON.parse(line) as { msg?: string }).msg === "request") collectorRequests++;
        }),
        host: "127.0.0.1",
        port: 0,
        enrol: [services.identity.status().fingerprint!],
      });
      appendRecords(services, 2, "first");
      // Setting the address probes once: the first sync.
      services.sync.setCollector(collector.url);
      const status = page.getByTestId("status-sync");
      await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/^IT: in sync \d{2}:\d{2}$/);
      const first = (await services.evidence.summary()).lastReceipt!.treeSize;
      const next = services.sync.status().nextProbeAt;
      expect(Date.parse(next!) - Date.now()).toBeGreaterThan(60_000);

      appendRecords(services, 3, "offline-work");
      await page.evaluate(() => window.dispatchEvent(new Event("online")));
      await expect.poll(async () => (await services.evidence.summary()).lastReceipt?.treeSize, { timeout: 15_000 }).toBe(first + 1 + 3);

      // Switched off in Settings: the online event sends nothing; "Sync now" still does.
      await page.getByRole("button", { name: "Settings", exact: true }).click();
      const card = page.getByTestId("collector-card");
      await card.getByText("Sync automatically when the collector answers").click();
      await expect.poll(() => card.getByTestId("collector-message").textContent()).toMatch(/^Automatic sync off: nothing is sent until you press Sync now/);
      await expect.poll(() => status.textContent()).toBe("IT: automatic sync off");
      expect(services.settings.syncAutomatically()).toBe(false);
      await card.scrollIntoViewIfNeeded();
      await app.screenshot("sync-switched-off");
      const held = (await services.evidence.summary()).lastReceipt!.treeSize;
      appendRecords(services, 2, "paused-work");
      const requests = (): number => collectorRequests;
      const before = requests();
      await page.evaluate(() => window.dispatchEvent(new Event("online")));
      await page.getByRole("button", { name: "Evidence", exact: true }).click();
      await expect.poll(() => page.getByTestId("records-since-receipt").textContent()).toMatch(/^3 of/);
      expect(requests()).toBe(before);
      expect((await services.evidence.summary()).lastReceipt!.treeSize).toBe(held);
      await page.getByTestId("sync-now").click();
      await expect.poll(async () => (await services.evidence.summary()).lastReceipt?.treeSize, { timeout: 15_000 }).toBe(held + 3);
      expect(requests()).toBeGreaterThan(before);
      await expect.poll(() => status.textContent()).toBe("IT: automatic sync off");
    } finally {
      await app.close();
      await collector?.close();
      itSide.dir.cleanup();
    }
  });
});

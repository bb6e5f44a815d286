import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jsonLogger } from "../../main/collector/log";
import { startCollector, type Collector } from "../../main/collector/server";
import { openSqliteStore } from "../../main/collector/store";
import { createServices, type Services } from "../../main/services";
import type { SyncTimers } from "../../main/services/syncService";
import { initCollectorIt } from "../support/collector";
import { appendRecords, IT_PASSPHRASE, PASSPHRASE, type ItSide } from "../support/evidence";
import { tempDir } from "../support/tempDir";

/** Timers the test fires by hand: it sees each delay the service asks for. */
class FakeTimers implements SyncTimers {
  readonly pending = new Map<number, { run: () => void; ms: number }>();
  private next = 1;
  set(run: () => void, ms: number): number {
    const id = this.next++;
    this.pending.set(id, { run, ms });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** The one scheduled probe's delay. */
  delay(): number {
    expect(this.pending.size).toBe(1);
    return [...this.pending.values()][0]!.ms;
  }
  /** Runs the scheduled probe now (as if its time had come). */
  fire(): void {
    const [id, timer] = [...this.pending.entries()][0]!;
    this.pending.delete(id);
    timer.run();
  }
}

interface TestLaptop {
  readonly services: Services;
  readonly timers: FakeTimers;
  close(): Promise<void>;
}

function laptop(reopen?: { dir: ReturnType<typeof tempDir>; locked: true }): TestLaptop & { dir: ReturnType<typeof tempDir> } {
  const dir = reopen?.dir ?? tempDir("fieldproof-sync-laptop-");
  const timers = new FakeTimers();
  const services = createServices({ dataDir: dir.path, runtime: "test", hostname: "bay-laptop-07", ...(reopen ? {} : { passphrase: PASSPHRASE }), sync: { timers, random: () => 0.5, probeMs: 15_000, maxProbeMs: 300_000 } });
  return {
    services,
    timers,
    dir,
    async close() {
      await services.close();
      dir.cleanup();
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (just released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("SyncService: the laptop's automatic sync to a real collector on 127.0.0.1", () => {
  let itSide: ItSide;
  let collector: Collector | undefined;
  const logLines: Array<Record<string, unknown>> = [];
  let bay: TestLaptop;
  let port: number;

  function itRecords(deviceId: string): number {
    const it = itSide.open();
    try {
      return it.repo.recordCount(deviceId);
    } finally {
      void it.close();
    }
  }
  const uploads = (): number => logLines.filter((l) => l.msg === "bundle imported").length;

  beforeAll(async () => {
    itSide = await initCollectorIt();
    bay = laptop();
    await bay.services.evidence.trustIt(itSide.trustPath, false);
    appendRecords(bay.services, 5);
    port = await freePort();
  });
  afterAll(async () => {
    await bay.close();
    await collector?.close();
    itSide.dir.cleanup();
  });

  it("does nothing while no collector address is set", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    try {
      expect(bay.services.sync.status()).toMatchObject({ state: "off", collectorUrl: null });
      expect(bay.timers.pending.size).toBe(0);
      await bay.services.sync.probeNow();
      expect(bay.timers.pending.size).toBe(0);
      await expect(bay.services.sync.syncNow()).rejects.toMatchObject({ code: "PRECONDITION_FAILED", message: expect.stringMatching(/collector address in Settings/) });
      expect(fetchSpy).not.toHaveBeenCalled();
      expect((await bay.services.settings.get()).collectorUrl).toBeNull();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("refuses an address that is not https or carries credentials, and keeps none", () => {
    expect(() => bay.services.sync.setCollector("ftp://127.0.0.1:21")).toThrow(/expects an https:\/\/ URL/);
    expect(() => bay.services.sync.setCollector("http://127.0.0.1:8443")).toThrow(/must be https:\/\/ \(the collector speaks only HTTPS.*https:\/\/127\.0\.0\.1:8443\./);
    expect(() => bay.services.sync.setCollector("https://it:secret@127.0.0.1:8443")).toThrow(/must not contain a user name or password/);
    expect(() => bay.services.sync.setCollector("not a url")).toThrow(/expects a URL such as https:\/\/it-ws-01:8443/);
    expect(bay.services.settings.collectorUrl()).toBeNull();
  });

  it("collector down: unreachable since the first failed probe, with the records waiting; backs off", async () => {
    bay.services.sync.setCollector(`https://127.0.0.1:${port}/`);
    await bay.services.sync.probeNow();
    const waiting = (await bay.services.evidence.summary()).recordsSinceReceipt;
    const first = bay.services.sync.status();
    expect(first).toMatchObject({ state: "unreachable", collectorUrl: `https://127.0.0.1:${port}`, recordsWaiting: waiting, reason: null });
    expect(waiting).toBeGreaterThan(5);
    expect(first.message).toMatch(/did not answer \(ECONNREFUSED\)\. The evidence stays on this laptop/);
    expect(bay.timers.delay()).toBe(30_000);
    bay.timers.fire();
    await bay.services.sync.probeNow();
    expect(bay.timers.delay()).toBe(60_000);
    expect(bay.services.sync.status().since).toBe(first.since);
    expect((await bay.services.evidence.summary()).lastReceipt).toBeNull();
  });

  it("collector up: the next timer probe syncs without a call, applies the receipt, IT holds the records", async () => {
    const deviceId = bay.services.identity.deviceId();
    collector = await startCollector({
      store: openSqliteStore(itSide.dir.path, IT_PASSPHRASE),
      log: jsonLogger((line) => logLines.push(JSON.parse(line) as Record<string, unknown>)),
      host: "127.0.0.1",
      port,
      enrol: [bay.services.identity.status().fingerprint!],
    });
    const records = (await bay.services.evidence.summary()).records;
    bay.timers.fire();
    await bay.services.sync.probeNow();
    expect(bay.services.sync.status()).toMatchObject({ state: "in-sync", recordsWaiting: 0, since: null, reason: null });
    expect(bay.services.sync.status().lastSyncAt).not.toBeNull();
    expect(itRecords(deviceId)).toBe(records);
    expect((await bay.services.evidence.summary()).lastReceipt?.treeSize).toBe(records);
    expect(bay.timers.delay()).toBe(15_000);
    expect((await bay.services.system.info()).itSync.state).toBe("synced");
  });

  it("with nothing new, a probe uploads nothing (IT's receipt record alone does not call for a sync)", async () => {
    const before = uploads();
    bay.timers.fire();
    await bay.services.sync.probeNow();
    expect(bay.services.sync.status().state).toBe("in-sync");
    expect(uploads()).toBe(before);
  });

  it("new records: the next tick sends only what follows IT's receipt", async () => {
    const deviceId = bay.services.identity.deviceId();
    const held = itRecords(deviceId);
    appendRecords(bay.services, 3, "later");
    bay.timers.fire();
    await bay.services.sync.probeNow();
    expect(bay.services.sync.status()).toMatchObject({ state: "in-sync", recordsWaiting: 0 });
    const last = logLines.filter((l) => l.msg === "bundle imported").at(-1)!;
    // The three renames and the receipt record before them; nothing IT held was sent again.
    expect(last).toMatchObject({ deviceId, newRecords: 4 });
    expect(itRecords(deviceId)).toBe(held + 4);
    expect((await bay.services.evidence.summary()).lastReceipt?.treeSize).toBe(held + 4);
  });

  it("one sync at a time: a second probe while one runs joins it", async () => {
    appendRecords(bay.services, 1, "again");
    const before = uploads();
    const a = bay.services.sync.probeNow();
    const b = bay.services.sync.syncNow();
    await a;
    expect((await b).state).toBe("in-sync");
    expect(uploads()).toBe(before + 1);
  });

  it("a laptop IT has not approved: waits with its fingerprint for IT, uploads nothing, backs off", async () => {
    const stranger = laptop();
    try {
      await stranger.services.evidence.trustIt(itSide.trustPath, false);
      stranger.services.sync.setCollector(collector!.url);
      await stranger.services.sync.probeNow();
      const status = stranger.services.sync.status();
      const before = uploads();
      expect(status).toMatchObject({ state: "refused", reason: "pending-approval", recordsWaiting: (await stranger.services.evidence.summary()).recordsSinceReceipt });
      expect(status.message).toContain(stranger.services.identity.status().fingerprint!);
      expect(status.message).toMatch(/IT has not approved this laptop yet.*collector devices approve.*evidence stays on this laptop/);
      expect(uploads()).toBe(before);
      expect((await stranger.services.evidence.summary()).lastReceipt).toBeNull();
      expect(stranger.timers.delay()).toBe(30_000);
    } finally {
      await stranger.close();
    }
    expect(stranger.timers.pending.size).toBe(0);
  });

  it("a locked device key: refused (device-locked), and the sync goes as soon as the key is unlocked", async () => {
    const first = laptop();
    await first.services.evidence.trustIt(itSide.trustPath, false);
    first.services.sync.setCollector(collector!.url);
    await first.services.close();
    const locked = laptop({ dir: first.dir, locked: true });
    try {
      expect(locked.services.identity.status().state).toBe("locked");
      await locked.services.sync.probeNow();
      expect(locked.services.sync.status()).toMatchObject({ state: "refused", reason: "device-locked" });
      locked.services.identity.unlock(PASSPHRASE);
      locked.services.sync.deviceUnlocked();
      await locked.services.sync.probeNow();
      // Not approved at this collector: it got as far as the door (its client certificate needs the key).
      expect(locked.services.sync.status()).toMatchObject({ state: "refused", reason: "pending-approval" });
    } finally {
      await locked.close();
    }
  });

  it("switched off: no timer and no request, paused; Sync now still syncs and says what it found; on again probes at once", async () => {
    const sync = bay.services.sync;
    await sync.probeNow();
    expect(sync.status().state).toBe("in-sync");
    sync.setAutomatic(false);
    expect(bay.services.settings.syncAutomatically()).toBe(false);
    expect((await bay.services.settings.get()).syncAutomatically).toBe(false);
    expect(bay.timers.pending.size).toBe(0);
    appendRecords(bay.services, 2, "paused");
    const requestsBefore = logLines.filter((l) => l.msg === "request").length;
    expect(requestsBefore).toBeGreaterThan(0);
    // Start (the app opening) and a new address do not contact it either.
    sync.start();
    sync.setCollector(collector!.url);
    expect(bay.timers.pending.size).toBe(0);
    expect(logLines.filter((l) => l.msg === "request").length).toBe(requestsBefore);
    expect(sync.status()).toMatchObject({ state: "paused", collectorUrl: collector!.url, nextProbeAt: null });

    const importsBefore = uploads();
    const found = await sync.syncNow();
    expect(found).toMatchObject({ state: "in-sync", recordsWaiting: 0 });
    expect(uploads()).toBe(importsBefore + 1);
    expect(sync.status()).toMatchObject({ state: "paused", recordsWaiting: 0 });
    expect(bay.timers.pending.size).toBe(0);

    sync.setAutomatic(true);
    expect(bay.services.settings.syncAutomatically()).toBe(true);
    await vi.waitFor(() => expect(bay.timers.pending.size).toBe(1));
    expect(sync.status().state).toBe("in-sync");
  });

  it("clearing the address stops the schedule; close() leaves no timer", async () => {
    bay.services.sync.setCollector(null);
    expect(bay.services.sync.status().state).toBe("off");
    expect(bay.timers.pending.size).toBe(0);
    bay.services.sync.setCollector(collector!.url);
    await bay.services.sync.probeNow();
    expect(bay.timers.pending.size).toBe(1);
    await bay.services.sync.stop();
    expect(bay.timers.pending.size).toBe(0);
  });
});

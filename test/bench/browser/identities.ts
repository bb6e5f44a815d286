import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";
import type { ControllerPosture } from "../../../shared/domain/posture";
import { attachBridge, BRIDGE_ENTRY, BRIDGE_ORIGIN } from "../../../main/preview/bridge";
import { CHROMIUM_ARGS, findChromium, sandboxArgs } from "../../../main/preview/chromium";
import { createServices } from "../../../main/services";
import { createDispatcher, createHandlers } from "../../../main/ipc";
import { tempDir } from "../../support/tempDir";
import type { Report } from "../report";

/** The few DOM pieces the in-page measurement uses (this file is type-checked without the DOM library). */
interface PageDom {
  document: { querySelector(selector: string): { textContent: string | null; dispatchEvent(e: unknown): boolean; value?: string } | null };
  Event: new (type: string, init: { bubbles: boolean }) => unknown;
  HTMLInputElement: { prototype: object };
  requestAnimationFrame(cb: () => void): void;
}

const RENDERER = join(fileURLToPath(new URL(".", import.meta.url)), "..", "renderer");

function posture(controller: number, accounts: number): ControllerPosture {
  return {
    endpointUrl: `opc.tcp://10.0.${controller >> 8}.${controller & 255}:4840`,
    observedAt: new Date().toISOString(),
    reachable: true,
    serverTime: null,
    applicationUri: null,
    productName: "bench",
    softwareVersion: null,
    endpoints: [],
    certificate: null,
    anonymousAllowed: false,
    userManagement: { available: true, passwordPolicy: null },
    pushManagement: { available: false },
    accounts: Array.from({ length: accounts }, (_, i) => ({
      userName: i % 50 === 0 ? `vendor-support-${controller}-${i}` : `op-${controller}-${i}`,
      description: i % 50 === 0 ? "Vendor remote support, expires 2026-01-31" : `Operator account ${i} of cell ${controller}`,
      userConfiguration: 0,
      roles: ["Operator"],
    })),
    sessions: [],
    gaps: [],
  };
}

/** 100,000 identities through the real services, then the Identities screen's filter in Chromium. */
export async function identitiesBench(report: Report, controllers: number, accountsEach: number): Promise<void> {
  const dir = tempDir("fieldproof-bench-ids-");
  const services = createServices({ dataDir: dir.path, runtime: "test", passphrase: "bench passphrase" });
  const total = controllers * accountsEach;
  try {
    services.identity.ensureDevice();
    await services.plant.importPlant(
      {
        format: "fieldproof-plant/v1",
        site: { id: "bench", name: "Bench site" },
        generatedAt: new Date().toISOString(),
        controllers: Array.from({ length: controllers }, (_, c) => ({
          id: `ctl-${c}`,
          name: `Line ${c % 20} Cell ${c} PLC`,
          kind: "plc" as const,
          vendor: "Acme Automation",
          model: "AC-900",
          area: "Area",
          line: `Line ${c % 20}`,
          cell: `Cell ${c}`,
          endpointUrl: posture(c, 0).endpointUrl,
        })),
      },
      "bench",
    );
    let start = performance.now();
    for (let c = 0; c < controllers; c += 50) {
      services.identity.journal.appendMany(
        Array.from({ length: Math.min(50, controllers - c) }, (_, k) => ({
          kind: "controller.observed" as const,
          subjects: [{ name: `fieldproof:controller/ctl-${c + k}` }],
          data: { controllerId: `ctl-${c + k}`, posture: posture(c + k, accountsEach), changes: [], login: null },
        })),
      );
    }
    report.figure("record the observations", (performance.now() - start) / 1000, "s", `${controllers} controller.observed records, ${total} accounts`);
    start = performance.now();
    const rows = await services.inventory.identities();
    report.figure("identities list with findings (service)", (performance.now() - start) / 1000, "s", `${rows.length} identities, findings and due dates computed`);

    const dispatch = createDispatcher(createHandlers(services), { trustedOrigin: BRIDGE_ORIGIN });
    start = performance.now();
    const answer = await dispatch("identities.list", {}, { url: BRIDGE_ENTRY, isMainFrame: true });
    const dispatched = (performance.now() - start) / 1000;
    start = performance.now();
    const json = JSON.stringify(answer);
    report.figure("identities.list through the IPC dispatcher", dispatched, "s", `service + contract validation of the answer; then JSON ${(json.length / 2 ** 20).toFixed(1)} MiB in ${((performance.now() - start) / 1000).toFixed(2)} s`);
    const browser = await chromium.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS, ...sandboxArgs()] });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await attachBridge(page, dispatch, RENDERER);
      await page.goto(`${BRIDGE_ENTRY}#/identities`);
      start = performance.now();
      await page.waitForFunction((n) => (globalThis as unknown as PageDom).document.querySelector("[data-testid=identity-count]")?.textContent === `${n} of ${n}`, total, { timeout: 120_000 });
      report.figure("Identities screen first render", (performance.now() - start) / 1000, "s", `${total} rows into TanStack Table, virtualized; the rows reach Chromium through the test bridge (Playwright binding, one JSON string), which Electron replaces with structured-clone IPC`);
      const fetchMs = await page.evaluate(async () => {
        const api = (globalThis as unknown as { fieldproof: Record<string, (r: unknown) => Promise<unknown>> }).fieldproof;
        const clock = (globalThis as unknown as { performance: { now(): number } }).performance;
        const t0 = clock.now();
        await api["identities.list"]!({});
        return clock.now() - t0;
      });
      report.figure("identities.list as the page sees it", fetchMs / 1000, "s", "dispatcher, test-bridge transport and JSON.parse, without rendering: the difference to the dispatcher figure is the bridge");
      const latencies: number[] = [];
      for (const text of ["vendor", "op-17-", "line 3 cell 23", "vendor-support-9", ""]) {
        const ms = await page.evaluate(async (value) => {
          const dom = globalThis as unknown as PageDom;
          const input = dom.document.querySelector("[data-testid=identity-filter]")!;
          const count = dom.document.querySelector("[data-testid=identity-count]")!;
          const before = count.textContent;
          const clock = (globalThis as unknown as { performance: { now(): number } }).performance;
          const t0 = clock.now();
          // React listens to the native value setter, so set it the way typing does.
          const setter = Object.getOwnPropertyDescriptor(dom.HTMLInputElement.prototype, "value")!.set!;
          setter.call(input, value);
          input.dispatchEvent(new dom.Event("input", { bubbles: true }));
          for (;;) {
            await new Promise((r) => dom.requestAnimationFrame(() => r(null)));
            if (count.textContent !== before) return clock.now() - t0;
            if (clock.now() - t0 > 10_000) return -1;
          }
        }, text);
        latencies.push(ms);
      }
      const valid = latencies.filter((ms) => ms >= 0).sort((a, b) => a - b);
      report.figure("Identities filter latency, median", valid[Math.floor(valid.length / 2)] ?? -1, "ms", `keystroke to repainted count, ${total} rows, 5 filters: ${latencies.map((l) => l.toFixed(0)).join(", ")} ms`);
    } finally {
      await browser.close();
    }
  } finally {
    await services.close();
    dir.cleanup();
  }
}

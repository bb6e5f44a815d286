// Opens the built renderer in Debian's Chromium with `window.fieldproof` bridged to real services in
// this process, through the same dispatcher (and validation) the Electron main process uses.
import AxeBuilder from "@axe-core/playwright";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { _electron, chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import type { Channel, RequestOf, ResponseOf, Result } from "../../shared/contract";
import { attachBridge, BRIDGE_ENTRY, BRIDGE_ORIGIN } from "../../main/preview/bridge";
import { CHROMIUM_ARGS, findChromium, sandboxArgs } from "../../main/preview/chromium";
import { createServices, type Services, type ServicesConfig } from "../../main/services";
import { createDispatcher, createHandlers } from "../../main/ipc";
import { tempDir } from "../support/tempDir";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const RENDERER_DIR = join(ROOT, "dist", "renderer");
export const SCREENSHOT_DIR = join(ROOT, "test-results", "screenshots");

export interface AppHandle {
  readonly page: Page;
  readonly services: Services;
  readonly dataDir: string;
  /** Calls main through the page's `window.fieldproof`, exactly as the renderer does. */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Result<ResponseOf<C>>>;
  screenshot(name: string): Promise<string>;
  /** Serious and critical axe violations on the page, or only inside `within` (a modal dialog: the dimmed page behind it is not what the technician reads). */
  accessibilityViolations(within?: string): Promise<{ id: string; impact: string; help: string; nodes: string[] }[]>;
  /** Errors the page logged so far (cleared); any left at close fail the test. */
  takePageErrors(): string[];
  close(): Promise<void>;
}

let browser: Browser | undefined;

async function sharedBrowser(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: findChromium(), headless: true, args: [...CHROMIUM_ARGS, ...sandboxArgs()] });
  return browser;
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}

export interface LaunchOptions {
  readonly viewport?: { width: number; height: number };
  readonly config?: Partial<ServicesConfig>;
  /** Reuse a data folder (it is then not removed at close). */
  readonly dataDir?: string;
  /** The device key's passphrase; null starts locked so the unlock dialog shows. */
  readonly passphrase?: string | null;
  /** Leave the device name unchosen, so the first-run "Name this laptop" dialog shows (default: chosen). */
  readonly askDeviceName?: boolean;
}

export const E2E_PASSPHRASE = "e2e passphrase for the bay";

/**
 * FIELDPROOF_E2E_TARGET=electron drives the real desktop app (needs the Electron binary, i.e. a
 * machine where `npm install` could download it). The default drives the built renderer in Chromium
 * through the bridge. Either way `services` is the same store, opened from this process.
 */
const TARGET = process.env.FIELDPROOF_E2E_TARGET === "electron" ? "electron" : "chromium";

export async function launchApp(options: LaunchOptions = {}): Promise<AppHandle> {
  if (!existsSync(join(RENDERER_DIR, "index.html"))) {
    throw new Error(`The renderer is not built (${RENDERER_DIR}). Run \`npm run build\` (npm test does it first).`);
  }
  const dir = options.dataDir ? { path: options.dataDir, cleanup: () => undefined } : tempDir("fieldproof-e2e-");
  const passphrase = options.passphrase === undefined ? { passphrase: E2E_PASSPHRASE } : options.passphrase === null ? {} : { passphrase: options.passphrase };
  const viewport = options.viewport ?? { width: 1280, height: 800 };
  let page: Page;
  let services: Services;
  let closeTarget: () => Promise<void>;
  if (TARGET === "electron") {
    const electronApp = await _electron.launch({
      executablePath: createRequire(import.meta.url)("electron") as string,
      args: [ROOT],
      env: { ...process.env, FIELDPROOF_DATA_DIR: dir.path },
    });
    page = await electronApp.firstWindow();
    await page.setViewportSize(viewport);
    services = createServices({ dataDir: dir.path, runtime: "test", ...passphrase, ...options.config });
    if (!options.askDeviceName) services.settings.keepDeviceName();
    closeTarget = () => electronApp.close();
  } else {
    services = createServices({ dataDir: dir.path, runtime: "test", hostname: "bay-laptop-07", ...passphrase, ...options.config });
    if (!options.askDeviceName) services.settings.keepDeviceName();
    const dispatch = createDispatcher(createHandlers(services), {
      trustedOrigin: BRIDGE_ORIGIN,
      onInternalError: (channel, error) => console.error(`[e2e] ${channel}:`, error),
    });
    const context: BrowserContext = await (await sharedBrowser()).newContext({ viewport, colorScheme: "light" });
    page = await context.newPage();
    await attachBridge(page, dispatch, RENDERER_DIR);
    await page.goto(BRIDGE_ENTRY);
    closeTarget = () => context.close();
  }
  const pageErrors: string[] = [];
  page.on("pageerror", (error) => pageErrors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") pageErrors.push(message.text());
  });
  await page.getByRole("navigation", { name: "Screens" }).waitFor();

  return {
    page,
    services,
    dataDir: dir.path,
    call: (channel, request) =>
      page.evaluate(({ c, r }) => (window as unknown as { fieldproof: Record<string, (x: unknown) => Promise<never>> }).fieldproof[c]!(r), { c: channel, r: request }),
    async screenshot(name) {
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async accessibilityViolations(within?: string) {
      // Let fades finish: half-transparent text in mid-transition is not what a technician reads.
      await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
      const builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]);
      const results = await (within ? builder.include(within) : builder).analyze();
      return results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => ({ id: v.id, impact: v.impact ?? "", help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
    },
    takePageErrors: () => pageErrors.splice(0),
    async close() {
      await closeTarget();
      await services.close();
      dir.cleanup();
      if (pageErrors.length > 0) throw new Error(`The page reported errors:\n${pageErrors.join("\n")}`);
    },
  };
}

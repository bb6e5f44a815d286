// `npm run preview`: the app against the real services, in the system's Chromium, for machines
// without an Electron binary. Same bridge as the e2e tests; nothing listens on the network.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createServices, resolveDataDir } from "../services";
import { createDispatcher, createHandlers } from "../ipc";
import { attachBridge, BRIDGE_ENTRY, BRIDGE_ORIGIN } from "./bridge";
import { CHROMIUM_ARGS, findChromium, sandboxArgs } from "./chromium";

async function preview(): Promise<void> {
  const dataDirFlag = process.argv.indexOf("--data-dir");
  const dataDir = resolveDataDir(dataDirFlag >= 0 ? process.argv[dataDirFlag + 1] : undefined);
  const services = createServices({ dataDir, runtime: "preview" });
  const dispatch = createDispatcher(createHandlers(services), {
    trustedOrigin: BRIDGE_ORIGIN,
    onInternalError: (channel, error) => console.error(`[fieldproof] ${channel}:`, error),
  });
  // An app window (Chromium's --app mode: no tabs, no address bar), as the desktop app looks. Only a
  // persistent context opens its first window from the command line, so it gets a throw-away
  // profile; the app window starts blank and is pointed at the app once the bridge is attached.
  const profile = mkdtempSync(join(tmpdir(), "fieldproof-preview-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: process.env.FIELDPROOF_PREVIEW_HEADLESS === "1",
    args: [...CHROMIUM_ARGS, ...sandboxArgs(), "--window-size=1440,900", "--app=data:text/html,"],
    viewport: null,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const rendererDir = join(fileURLToPath(new URL(".", import.meta.url)), "..", "renderer");
  await attachBridge(page, dispatch, rendererDir);
  await page.goto(BRIDGE_ENTRY);
  process.stderr.write(`Fieldproof preview: store ${services.storePath}. Close the window to stop.\n`);
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await context.close().catch(() => undefined);
    await services.close();
    rmSync(profile, { recursive: true, force: true });
    process.exit(0);
  };
  page.on("close", () => void shutdown());
  context.on("close", () => void shutdown());
  process.on("SIGINT", () => void shutdown());
}

preview().catch((error: unknown) => {
  process.stderr.write(`fieldproof preview: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

// `npm run preview`: the app against the real services, in the system's Chromium, for machines
// without an Electron binary. Same bridge as the e2e tests; nothing listens on the network.
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
  const browser = await chromium.launch({
    executablePath: findChromium(),
    headless: process.env.FIELDPROOF_PREVIEW_HEADLESS === "1",
    args: [...CHROMIUM_ARGS, ...sandboxArgs(), "--window-size=1280,800", "--app=data:text/html,"],
  });
  const context = await browser.newContext({ viewport: null });
  const page = await context.newPage();
  const rendererDir = join(fileURLToPath(new URL(".", import.meta.url)), "..", "renderer");
  await attachBridge(page, dispatch, rendererDir);
  await page.goto(BRIDGE_ENTRY);
  process.stderr.write(`Fieldproof preview: store ${services.storePath}. Close the window to stop.\n`);
  const shutdown = async (): Promise<void> => {
    await services.close();
    process.exit(0);
  };
  page.on("close", () => void browser.close().then(shutdown));
  browser.on("disconnected", () => void shutdown());
  process.on("SIGINT", () => void browser.close().then(shutdown));
}

preview().catch((error: unknown) => {
  process.stderr.write(`fieldproof preview: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";
import type { Page } from "playwright-core";
import { API_GLOBAL, CHANNELS } from "../../shared/contract";
import type { Dispatch } from "../ipc";
import { isAppUrl } from "../ipc/navigation";

/**
 * The app's origin outside Electron. `.invalid` never resolves, and every request is answered from
 * the built renderer on disk by Playwright's router: no HTTP server, nothing listening.
 */
export const BRIDGE_ORIGIN = "https://fieldproof.invalid";
export const BRIDGE_BINDING = "__fieldproofInvoke";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * Gives a Chromium page what the Electron preload gives the app window: `window.fieldproof`, one
 * function per contract channel, each forwarded to the same dispatcher main uses (sender check,
 * request and response validation, errors as values). Navigation and requests off the app's origin
 * are aborted, as the Electron window refuses them.
 */
export async function attachBridge(page: Page, dispatch: Dispatch, rendererDir: string): Promise<void> {
  const root = resolve(rendererDir);
  const context = page.context();
  // New windows are refused, as Electron's setWindowOpenHandler denies them.
  page.on("popup", (popup) => void popup.close());
  await context.route("**/*", async (route) => {
    const request = route.request();
    const url = request.url();
    if (!isAppUrl(url, BRIDGE_ORIGIN)) {
      // A navigation answered with 204 is cancelled and the app stays where it was (Electron: will-navigate).
      if (request.isNavigationRequest()) return route.fulfill({ status: 204, body: "" });
      return route.abort("blockedbyclient");
    }
    const pathname = decodeURIComponent(new URL(url).pathname);
    const file = resolve(root, `.${pathname === "/" ? "/index.html" : pathname}`);
    if (!file.startsWith(root + sep)) return route.fulfill({ status: 404, body: "Not found" });
    try {
      const body = await readFile(file);
      return route.fulfill({ status: 200, body, contentType: TYPES[extname(file)] ?? "application/octet-stream" });
    } catch {
      return route.fulfill({ status: 404, body: "Not found" });
    }
  });
  // Results cross as one JSON string: Playwright's object serializer is slow on large answers
  // (100,000 identities), and JSON is what the contract's values are anyway.
  await page.exposeBinding(BRIDGE_BINDING, async (source, channel: unknown, payload: unknown) =>
    JSON.stringify(await dispatch(channel, payload, { url: source.frame.url(), isMainFrame: source.frame === source.page.mainFrame() })),
  );
  await page.addInitScript(
    ({ channels, global, binding }) => {
      const invoke = (globalThis as unknown as Record<string, (c: string, p: unknown) => Promise<string>>)[binding];
      const api: Record<string, (request: unknown) => Promise<unknown>> = {};
      for (const channel of channels) api[channel] = (request: unknown) => invoke!(channel, request).then((text) => JSON.parse(text) as unknown);
      Object.defineProperty(globalThis, global, { value: Object.freeze(api), writable: false, configurable: false });
    },
    { channels: [...CHANNELS], global: API_GLOBAL, binding: BRIDGE_BINDING },
  );
}

export const BRIDGE_ENTRY = `${BRIDGE_ORIGIN}/index.html`;

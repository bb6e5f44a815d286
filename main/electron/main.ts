// Electron entry point: the only place the desktop app's lifecycle lives.
import { app, type BrowserWindow, dialog, powerMonitor } from "electron";
import { join } from "node:path";
import { createServices, type Services } from "../services";
import { createDispatcher, createHandlers, createInvoke } from "../ipc";
import { electronDialogs } from "./dialogs";
import { registerIpc } from "./ipc";
import { chooseKeyProtection } from "./keyProtection";
import { APP_ORIGIN, registerAppScheme, serveRenderer } from "./protocol";
import { hardenSessions } from "./security";
import { createMainWindow } from "./window";

const distDir = join(app.getAppPath(), "dist");
let services: Services | undefined;
let mainWindow: BrowserWindow | undefined;

if (!app.requestSingleInstanceLock()) {
  // Another Fieldproof owns the store; focus it instead of opening the same SQLite file twice.
  app.quit();
} else {
  registerAppScheme();
  app.on("second-instance", () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start, fatal);
  app.on("window-all-closed", () => app.quit());
  app.on("before-quit", () => {
    void services?.close();
  });
}

async function start(): Promise<void> {
  hardenSessions(APP_ORIGIN);
  serveRenderer(join(distDir, "renderer"));
  const dataDir = process.env.FIELDPROOF_DATA_DIR ?? app.getPath("userData");
  const protection = chooseKeyProtection();
  services = createServices({
    dataDir,
    runtime: "electron",
    ...protection,
    dialogs: electronDialogs(() => mainWindow),
  });
  // With the OS keychain the device key can be made (or opened) now; with a passphrase the
  // window asks for it first.
  if (protection.keyProtector && services.identity.status().protector !== "passphrase") {
    try {
      services.identity.ensureDevice();
    } catch (error) {
      console.error("[fieldproof] device key not opened at start:", error instanceof Error ? error.message : error);
    }
  }
  const handlers = createHandlers(services);
  const onInternalError = (channel: string, error: unknown): void => console.error(`[fieldproof] ${channel}:`, error);
  registerIpc(createDispatcher(handlers, { trustedOrigin: APP_ORIGIN, onInternalError }));
  // Rotations interrupted by a crash or a pulled plug: probe their controllers now and record what they accept.
  if (services.identity.status().state === "unlocked" && services.rotations.hasInterrupted()) {
    void createInvoke(handlers, { onInternalError }).invoke("rotations.resolvePending", {});
  }
  // Back from sleep (often back on IT's network): probe the collector now rather than at the next timer.
  powerMonitor.on("resume", () => void services?.sync.probeNow());
  mainWindow = createMainWindow(dataDir, distDir);
  mainWindow.on("closed", () => {
    mainWindow = undefined;
  });
}

function fatal(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox("Fieldproof cannot start", message);
  app.exit(1);
}

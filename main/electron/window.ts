import { BrowserWindow, screen } from "electron";
import { join } from "node:path";
import { APP_ORIGIN } from "./protocol";
import { loadWindowState, saveWindowState, type WindowState } from "./windowState";

export function createMainWindow(dataDir: string, distDir: string): BrowserWindow {
  const state = visible(loadWindowState(dataDir));
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: "Fieldproof",
    backgroundColor: "#f6f7f9",
    webPreferences: {
      // The preload was reviewed: it exposes one function per contract channel and nothing else.
      preload: join(distDir, "main", "preload.cjs"), // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Middle-click must not open links in a new window (Electron checklist: disable auxclick).
      disableBlinkFeatures: "Auxclick",
    },
  });
  if (state.maximized) win.maximize();
  win.once("ready-to-show", () => win.show());

  const remember = (): void => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const maximized = win.isMaximized();
    const bounds = maximized ? win.getNormalBounds() : win.getBounds();
    saveWindowState(dataDir, { ...bounds, maximized });
  };
  win.on("resized", remember);
  win.on("moved", remember);
  win.on("close", remember);

  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

/** Forget a remembered position that is no longer on any screen (a monitor was unplugged). */
function visible(state: WindowState): WindowState {
  if (state.x === undefined || state.y === undefined) return state;
  const area = screen.getDisplayMatching({ x: state.x, y: state.y, width: state.width, height: state.height }).workArea;
  const inside = state.x < area.x + area.width && state.y < area.y + area.height && state.x + state.width > area.x && state.y + state.height > area.y;
  return inside ? state : { width: state.width, height: state.height, maximized: state.maximized };
}

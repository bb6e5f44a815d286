import { type BrowserWindow, dialog } from "electron";
import type { FileDialogs } from "../services";

export function electronDialogs(window: () => BrowserWindow | undefined): FileDialogs {
  return {
    async save(options) {
      const win = window();
      const opts = { title: options.title, defaultPath: options.defaultName, filters: options.filters.map((f) => ({ ...f })) };
      const result = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    async open(options) {
      const win = window();
      const opts = { title: options.title, filters: options.filters.map((f) => ({ ...f })), properties: ["openFile" as const] };
      const result = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
  };
}

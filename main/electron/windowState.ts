import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const WindowState = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(800).max(10000),
  height: z.number().int().min(600).max(10000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof WindowState>;

const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false };

/** The window remembers its size and place in a small file next to the store. */
export function loadWindowState(dataDir: string): WindowState {
  try {
    const parsed = WindowState.safeParse(JSON.parse(readFileSync(join(dataDir, "window-state.json"), "utf8")));
    return parsed.success ? parsed.data : DEFAULT_STATE;
  } catch {
    return DEFAULT_STATE;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  try {
    writeFileSync(join(dataDir, "window-state.json"), JSON.stringify(state));
  } catch {
    // Losing the window size is not worth interrupting a technician for.
  }
}

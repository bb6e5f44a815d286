import { existsSync } from "node:fs";
import { AppError } from "../../shared/domain/errors";

/**
 * Flags for the system Chromium: no background calls home (they would only fail on an isolated
 * bay, and nothing in Fieldproof may phone home), no first-run UI.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--metrics-recording-only",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"];

export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.FIELDPROOF_CHROMIUM;
  if (configured) {
    if (!existsSync(configured)) throw new AppError("PRECONDITION_FAILED", `FIELDPROOF_CHROMIUM points to ${configured}, which does not exist.`);
    return configured;
  }
  const found = CANDIDATES.find((path) => existsSync(path));
  if (!found) {
    throw new AppError(
      "PRECONDITION_FAILED",
      "No Chromium found. Install it (Debian: sudo apt-get install chromium) or set FIELDPROOF_CHROMIUM to a Chromium or Chrome executable.",
    );
  }
  return found;
}

/** Chromium refuses to sandbox itself as root (CI containers); only then is --no-sandbox added. */
export function sandboxArgs(): string[] {
  return typeof process.getuid === "function" && process.getuid() === 0 ? ["--no-sandbox"] : [];
}

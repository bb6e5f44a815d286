import { appendFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { format } from "node:util";
import type { Ua } from "./loader";

/** How much of node-opcua's own logging to keep (FIELDPROOF_OPCUA_LOG). */
export type OpcUaLogLevel = "off" | "error" | "warning" | "debug";

/** node-opcua's LogLevel numbers. */
const LEVELS: Readonly<Record<OpcUaLogLevel, number>> = { off: -1, error: 3, warning: 4, debug: 7 };

export function parseLogLevel(value: string | undefined): OpcUaLogLevel {
  return value === "off" || value === "warning" || value === "debug" ? value : "error";
}

/** The level node-opcua reads once, at load (NODEOPCUA_LOG_LEVEL), so nothing is printed while it loads. */
export function loadTimeLevel(level: OpcUaLogLevel): string {
  return String(Math.max(LEVELS[level], 0));
}

/**
 * node-opcua logs with console.log, that is on stdout, where it would corrupt `--json` output and
 * mix with a command's results. Its loggers are pointed at a file instead (process-wide: the first
 * connector to load node-opcua sets them), at the chosen level; with no file, at stderr.
 */
export function routeLogging(ua: Ua, level: OpcUaLogLevel, file: string | undefined): void {
  let ready = false;
  const write = (kind: string) => (...args: unknown[]): void => {
    const line = `${new Date().toISOString()} ${kind} ${format(...args)}\n`;
    if (!file) {
      process.stderr.write(line);
      return;
    }
    try {
      if (!ready) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      ready = true;
      appendFileSync(file, line, { mode: 0o600 });
    } catch {
      // A log that cannot be written must not break a call to a controller.
    }
  };
  const drop = (): void => undefined;
  const at = LEVELS[level];
  ua.setLogLevel(Math.max(at, 0));
  ua.setErrorLogger(at >= LEVELS.error ? write("error") : drop);
  ua.setWarningLogger(at >= LEVELS.warning ? write("warning") : drop);
  ua.setDebugLogger(at >= LEVELS.debug ? write("debug") : drop);
}

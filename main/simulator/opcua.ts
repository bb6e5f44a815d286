import type * as NodeOpcua from "node-opcua";
import type * as ServerConfiguration from "node-opcua-server-configuration";

/** The node-opcua namespaces, loaded on first use. */
export interface Opcua {
  readonly ua: typeof NodeOpcua;
  readonly serverConfiguration: typeof ServerConfiguration;
}

let loading: Promise<Opcua> | undefined;

/** node-opcua's own level for "errors only" (LogLevel.Error), for its load-time warnings. */
const ERRORS_ONLY = "3";

/**
 * Loads node-opcua when a controller first starts, never at import time. The CLI bundles this module
 * into every command; a static import would load node-opcua (~2 s) for `fieldproof --help` and print
 * its load-time warning W27 on stdout, in the middle of `--json` output. `quiet` also keeps that
 * warning away from a process that only runs the simulator (the variable is read once, at load).
 */
export function loadOpcua(options: { quiet: boolean }): Promise<Opcua> {
  if (options.quiet && !loading) process.env.NODEOPCUA_LOG_LEVEL ??= ERRORS_ONLY;
  loading ??= Promise.all([import("node-opcua"), import("node-opcua-server-configuration")]).then(([ua, serverConfiguration]) => ({
    ua,
    serverConfiguration,
  }));
  return loading;
}

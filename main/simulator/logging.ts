import { loadOpcua } from "./opcua";

/**
 * node-opcua logs warnings for everything a demo plant does on purpose (a certificate about to
 * expire, a client dropped mid-call, a None endpoint). The level is process-wide: it quiets the
 * client side running in the same process too. Errors still print.
 */
export async function quietOpcuaLogs(): Promise<void> {
  const { ua } = await loadOpcua({ quiet: true });
  ua.setLogLevel(ua.LogLevel.Error);
}

import type { OPCUAServer } from "node-opcua";

interface CertificateEvents {
  on(event: "CertificateChanged", listener: () => void): unknown;
}

/**
 * Calls `listener` after ApplyChanges installed a new application certificate. The push certificate
 * manager of node-opcua-server-configuration 2.157 hangs off ServerConfiguration as an undeclared
 * `$pushCertificateManager` EventEmitter; this is the only place that knows it.
 */
export function onCertificateChanged(server: OPCUAServer, listener: () => void): void {
  const configuration: unknown = server.engine.addressSpace?.rootFolder.objects.server.getChildByName("ServerConfiguration");
  const manager: unknown = configuration ? (configuration as { $pushCertificateManager?: unknown }).$pushCertificateManager : undefined;
  if (manager && typeof (manager as { on?: unknown }).on === "function") (manager as CertificateEvents).on("CertificateChanged", listener);
}

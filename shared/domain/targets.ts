import { OpcUaEndpointUrl } from "./plant";

/** The most endpoints one scan request may expand to: a bay, not the internet. */
export const MAX_SCAN_TARGETS = 4096;

export type TargetsResult = { readonly ok: true; readonly urls: readonly string[] } | { readonly ok: false; readonly error: string };

/**
 * Expands what a technician types into endpoint URLs: full opc.tcp:// URLs, host names, IPv4
 * addresses and IPv4 ranges in the last octet ("10.4.2.10-40"), each with every port given.
 */
export function expandTargets(entries: readonly string[], ports: readonly number[] = [4840]): TargetsResult {
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, error: `port ${port} is not between 1 and 65535` };
  }
  const urls: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === "") continue;
    if (entry.startsWith("opc.tcp://")) {
      if (!OpcUaEndpointUrl.safeParse(entry).success) return { ok: false, error: `"${entry.slice(0, 80)}" is not an OPC UA endpoint URL (opc.tcp://host:port)` };
      urls.push(entry);
      continue;
    }
    const range = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:-(\d{1,3}))?$/.exec(entry);
    if (range) {
      const octets = range.slice(1, 5).map(Number);
      const last = range[5] === undefined ? octets[3]! : Number(range[5]);
      if (octets.some((o) => o > 255) || last > 255) return { ok: false, error: `"${entry}" is not an IPv4 address or range` };
      if (last < octets[3]!) return { ok: false, error: `"${entry}": the range ends before it starts` };
      for (let host = octets[3]!; host <= last; host++) {
        for (const port of ports) urls.push(`opc.tcp://${octets[0]}.${octets[1]}.${octets[2]}.${host}:${port}`);
        if (urls.length > MAX_SCAN_TARGETS) return { ok: false, error: `more than ${MAX_SCAN_TARGETS} endpoints; narrow the range` };
      }
      continue;
    }
    if (/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/.test(entry)) {
      for (const port of ports) urls.push(`opc.tcp://${entry}:${port}`);
      continue;
    }
    return { ok: false, error: `"${entry.slice(0, 80)}" is not a host name, IPv4 address, range (10.0.0.1-20) or opc.tcp:// URL` };
  }
  if (urls.length > MAX_SCAN_TARGETS) return { ok: false, error: `more than ${MAX_SCAN_TARGETS} endpoints; narrow the range` };
  return { ok: true, urls: [...new Set(urls)] };
}

/** A stable controller id for an endpoint scanned without a plant file. */
export function controllerIdForUrl(url: string): string {
  return `ep-${url.replace(/^opc\.tcp:\/\//, "").replace(/[^a-z0-9]+/gi, "-").toLowerCase().replace(/^-|-$/g, "")}`.slice(0, 64);
}

import { isIP } from "node:net";
import { OpcUaError } from "./errors";

export interface EndpointAddress {
  /** The URL as validated (what is dialled and reported). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

const MAX_URL = 1000;
const SHAPE = /^opc\.tcp:\/\/(\[[0-9A-Fa-f:.]+\]|[^/:[\]]+)(?::(\d{1,5}))?(\/[A-Za-z0-9._~\-/%]*)?$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Checks an endpoint URL before any network activity: opc.tcp://host[:port][/path] where host is a
 * DNS name, an IPv4 address or a bracketed IPv6 address. Anything else is refused with INVALID_REQUEST,
 * so a typo never turns into a connection attempt somewhere unexpected.
 */
export function parseEndpointUrl(input: unknown): EndpointAddress {
  const refuse = (why: string): never => {
    throw new OpcUaError("INVALID_REQUEST", `Not an OPC UA endpoint URL (${why}). Use opc.tcp://host:port, e.g. opc.tcp://10.0.0.5:4840.`, { stage: "validate" });
  };
  if (typeof input !== "string") return refuse("not text");
  if (input.length > MAX_URL) return refuse(`${input.length} characters; at most ${MAX_URL}`);
  const match = SHAPE.exec(input);
  if (!match) return refuse(input.startsWith("opc.tcp://") ? "the host, port or path is malformed" : "it must start with opc.tcp://");
  const host = match[1] ?? "";
  if (host.startsWith("[")) {
    if (isIP(host.slice(1, -1)) !== 6) refuse("the bracketed host is not an IPv6 address");
  } else if (/^[\d.]+$/.test(host)) {
    if (isIP(host) !== 4) refuse("the host is not a valid IPv4 address");
  } else if (host.length > 253 || !host.split(".").every((label) => LABEL.test(label))) {
    refuse("the host is not a valid host name");
  }
  // OPC UA's registered port; controllers usually say it explicitly.
  const port = match[2] === undefined ? 4840 : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) refuse("the port must be 1 to 65535");
  return { url: input, host, port };
}

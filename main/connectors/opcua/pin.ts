import type { EndpointDescription } from "node-opcua";
import { leafCertificate, normalizeThumbprint, sha256Hex, shortThumbprint } from "./certificate";
import type { DescribedDiscovery } from "./discovery";
import { OpcUaError } from "./errors";

/** A caller's pin, normalised; INVALID_REQUEST before any network activity if it is not a SHA-256 thumbprint. */
export function parseThumbprint(value: unknown): string {
  const normalized = typeof value === "string" ? normalizeThumbprint(value) : "";
  if (!/^[0-9a-f]{64}$/.test(normalized)) {
    throw new OpcUaError("INVALID_REQUEST", "The expected certificate thumbprint must be the SHA-256 of the certificate: 64 hex digits.", { stage: "validate" });
  }
  return normalized;
}

/**
 * The endpoint a password may be sent over, checked against the pin: refuses (before anything secret
 * leaves the process) when there is no encrypted endpoint or the certificate is not the trusted one.
 * Without a pin (first use, readPosture only) the current certificate is taken as it is.
 */
export function pinnedEndpoint(url: string, described: DescribedDiscovery, expected: string | undefined): EndpointDescription {
  const endpoint = described.secure;
  if (!endpoint) throw noEncryptedEndpoint(url, described);
  const leaf = leafCertificate(endpoint.serverCertificate);
  if (!leaf) throw new OpcUaError("PROTOCOL_ERROR", `${url} lists no valid certificate on its encrypted endpoint; nothing was sent.`, { stage: "connect" });
  const presented = sha256Hex(leaf);
  if (expected !== undefined && presented !== expected) throw certificateChanged(url, expected, presented);
  return endpoint;
}

function noEncryptedEndpoint(url: string, described: DescribedDiscovery): OpcUaError {
  const offered = [...new Set(described.discovery.endpoints.map((e) => `${e.securityMode}/${e.securityPolicy}`))].join(", ") || "nothing";
  return new OpcUaError(
    "PRECONDITION_FAILED",
    `${url} offers no encrypted endpoint (SignAndEncrypt with Basic256Sha256 or newer); Fieldproof will not send a password to it. It offers: ${offered}. Enable SignAndEncrypt with Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss on the controller, or change this password manually with the vendor's tool.`,
    { stage: "connect" },
  );
}

export function certificateChanged(url: string, expected: string, presented: string): OpcUaError {
  return new OpcUaError(
    "INTEGRITY_ERROR",
    `The certificate of ${url} changed since it was trusted (was ${shortThumbprint(expected)}, now ${shortThumbprint(presented)}): possible impersonation. Nothing was sent. If the controller's certificate was renewed on purpose, compare the new thumbprint with the one shown on the controller and trust it again.`,
    { stage: "connect" },
  );
}

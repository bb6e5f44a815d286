import type { EndpointDescription } from "node-opcua";
import type { EndpointInfo } from "../../../shared/domain/posture";
import { describeCertificate } from "./certificate";
import { MAX_ENDPOINTS, offersAnonymous, pickSecureEndpoint, toEndpointInfo } from "./endpoints";
import { GapList } from "./gaps";
import { cleanOptional } from "./text";
import type { Discovery } from "./types";

export interface DescribedDiscovery {
  readonly discovery: Discovery;
  /** The raw endpoint a password would travel over (its certificate is the one to pin). */
  readonly secure: EndpointDescription | null;
  readonly gaps: GapList;
}

/** Turns GetEndpoints' answer into a Discovery, cleaning every string and saying what was left out. */
export function describeEndpoints(url: string, endpoints: readonly EndpointDescription[]): DescribedDiscovery {
  const gaps = new GapList();
  const infos: EndpointInfo[] = [];
  let invalid = 0;
  for (const endpoint of endpoints) {
    const info = toEndpointInfo(endpoint);
    if (info) infos.push(info);
    else invalid += 1;
  }
  if (invalid > 0) gaps.add("endpoints", "INVALID_ENDPOINT", `${invalid} endpoint(s) with an invalid security mode were left out.`);
  if (infos.length > MAX_ENDPOINTS) {
    gaps.add("endpoints", "TRUNCATED", `The controller listed ${infos.length} endpoints; the first ${MAX_ENDPOINTS} are kept.`);
  }
  const tokens = endpoints.reduce((most, endpoint) => Math.max(most, endpoint.userIdentityTokens?.length ?? 0), 0);
  if (tokens > 50) gaps.add("endpoints", "TRUNCATED", `An endpoint listed ${tokens} user token policies; the first 50 are kept.`);

  const secure = pickSecureEndpoint(endpoints);
  // The certificate shown for trust is the one a login would be pinned to.
  const withCertificate = secure ?? endpoints.find((endpoint) => (endpoint.serverCertificate?.length ?? 0) > 0) ?? null;
  const certificate = withCertificate?.serverCertificate?.length ? describeCertificate(withCertificate.serverCertificate) : null;
  if (withCertificate?.serverCertificate?.length && !certificate) {
    gaps.add("endpoints", "BAD_CERTIFICATE", "The controller's certificate could not be parsed as X.509.");
  }
  const server = endpoints[0]?.server;
  const discovery: Discovery = {
    endpointUrl: url,
    endpoints: infos.slice(0, MAX_ENDPOINTS),
    certificate,
    applicationUri: cleanOptional(server?.applicationUri, 1000),
    applicationName: cleanOptional(server?.applicationName?.text, 500),
    productUri: cleanOptional(server?.productUri, 1000),
    productName: null,
    anonymousAllowed: offersAnonymous(endpoints),
    secureEndpoint: secure ? toEndpointInfo(secure) : null,
  };
  return { discovery, secure, gaps };
}

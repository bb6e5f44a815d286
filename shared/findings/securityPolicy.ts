import type { ControllerPosture, EndpointInfo } from "../domain/posture";
import type { FindingPolicy } from "./policy";

/**
 * OPC UA security policies arrive as short names (`Basic256`) or as URIs
 * (`http://opcfoundation.org/UA/SecurityPolicy#Basic256`), depending on who wrote the posture.
 * Everything here works on the short name.
 */
export function securityPolicyShortName(value: string | null | undefined): string {
  if (typeof value !== "string") return "";
  const trimmed = value.trim();
  const hash = trimmed.lastIndexOf("#");
  return hash >= 0 ? trimmed.slice(hash + 1) : trimmed;
}

export type SecurityPolicyVerdict = "insecure" | "deprecated" | "acceptable";

export function securityPolicyVerdict(value: string, policy: FindingPolicy): SecurityPolicyVerdict {
  const name = securityPolicyShortName(value).toLowerCase();
  if (policy.insecureSecurityPolicies.some((p) => securityPolicyShortName(p).toLowerCase() === name)) return "insecure";
  if (policy.deprecatedSecurityPolicies.some((p) => securityPolicyShortName(p).toLowerCase() === name)) return "deprecated";
  return "acceptable";
}

/** True when a posture can be trusted to list every endpoint (nothing failed before or during GetEndpoints). */
export function endpointsWereRead(posture: ControllerPosture): boolean {
  return posture.reachable && !posture.gaps.some((gap) => gap.stage === "connect" || gap.stage === "endpoints");
}

/** Endpoints advertising an Anonymous user token. */
export function anonymousEndpoints(posture: ControllerPosture): readonly EndpointInfo[] {
  return posture.endpoints.filter((endpoint) => endpoint.userTokens.some((token) => token.type === "Anonymous"));
}

/** Anonymous access observed, from the posture's own conclusion or from the endpoints it listed. */
export function anonymousObserved(posture: ControllerPosture): boolean {
  return posture.anonymousAllowed || anonymousEndpoints(posture).length > 0;
}

/**
 * A UserName token whose password travels unprotected: on an endpoint with policy None and a token
 * policy that is None or absent (absent means "the endpoint's policy"). Servers normally encrypt the
 * password with a token policy of their own; those that do not send it in clear text.
 */
export function clearTextPasswordEndpoints(posture: ControllerPosture, policy: FindingPolicy): readonly EndpointInfo[] {
  return posture.endpoints.filter(
    (endpoint) =>
      securityPolicyVerdict(endpoint.securityPolicy, policy) === "insecure" &&
      endpoint.userTokens.some(
        (token) => token.type === "UserName" && (token.securityPolicy === null || token.securityPolicy.trim() === "" || securityPolicyVerdict(token.securityPolicy, policy) === "insecure"),
      ),
  );
}

/** The distinct (policy, mode) pairs a posture offers, e.g. `Basic256Sha256 / SignAndEncrypt`, sorted. */
export function offeredPolicyModes(posture: ControllerPosture): readonly string[] {
  const pairs = new Set(posture.endpoints.map((endpoint) => `${securityPolicyShortName(endpoint.securityPolicy)} / ${endpoint.securityMode}`));
  return [...pairs].sort();
}

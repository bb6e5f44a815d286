import type { EndpointDescription, UserTokenPolicy } from "node-opcua";
import type { EndpointInfo } from "../../../shared/domain/posture";
import { cleanText } from "./text";

// Wire values (OPC 10000-4 §7.20, §7.43); numbers so this file needs node-opcua for types only.
const MODE_NAMES = { 1: "None", 2: "Sign", 3: "SignAndEncrypt" } as const;
const SIGN_AND_ENCRYPT = 3;
const TOKEN_NAMES = { 0: "Anonymous", 1: "UserName", 2: "Certificate", 3: "IssuedToken" } as const;
const ANONYMOUS = 0;
const USER_NAME = 1;
const POLICY_PREFIX = "http://opcfoundation.org/UA/SecurityPolicy#";

/**
 * The only policies a password may travel under, strongest first. Basic128Rsa15 and Basic256 are
 * deprecated (SHA-1, RSA PKCS#1 v1.5), None and Sign-only leave the password exposed.
 */
export const PASSWORD_POLICIES = ["Aes256_Sha256_RsaPss", "Aes128_Sha256_RsaOaep", "Basic256Sha256"] as const;
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

export const MAX_ENDPOINTS = 100;
const MAX_TOKENS = 50;

/** "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256" -> "Basic256Sha256"; "" -> null. */
export function policyName(uri: string | null | undefined): string | null {
  if (!uri) return null;
  const name = uri.startsWith(POLICY_PREFIX) ? uri.slice(POLICY_PREFIX.length) : uri;
  return cleanText(name, 80).text || null;
}

function isPasswordPolicy(name: string | null): name is PasswordPolicy {
  return name !== null && (PASSWORD_POLICIES as readonly string[]).includes(name);
}

/** The endpoint as the posture schema has it; null for an endpoint with an invalid security mode. */
export function toEndpointInfo(endpoint: EndpointDescription): EndpointInfo | null {
  const securityMode = MODE_NAMES[endpoint.securityMode as keyof typeof MODE_NAMES] as EndpointInfo["securityMode"] | undefined;
  if (!securityMode) return null;
  const userTokens = (endpoint.userIdentityTokens ?? []).flatMap((token) => {
    const type = TOKEN_NAMES[token.tokenType as keyof typeof TOKEN_NAMES] as EndpointInfo["userTokens"][number]["type"] | undefined;
    return type ? [{ type, policyId: cleanText(token.policyId, 200).text, securityPolicy: policyName(token.securityPolicyUri) }] : [];
  });
  return {
    url: cleanText(endpoint.endpointUrl, 1000).text,
    securityMode,
    securityPolicy: policyName(endpoint.securityPolicyUri) ?? "None",
    securityLevel: Number.isInteger(endpoint.securityLevel) ? endpoint.securityLevel : 0,
    userTokens: userTokens.slice(0, MAX_TOKENS),
  };
}

/**
 * The UserName token policy node-opcua's client will use on this endpoint (mirrors findUserTokenPolicy
 * in node-opcua-client 2.157 opcua_client_impl.js), so the check below judges the token actually sent.
 */
export function chosenUserNamePolicy(endpoint: EndpointDescription): UserTokenPolicy | null {
  let candidates = (endpoint.userIdentityTokens ?? []).filter((token) => Number(token.tokenType) === USER_NAME);
  if (candidates.length > 1) {
    candidates = candidates.filter((token) => !/#(Basic128Rsa15|Basic128)$/.test(token.securityPolicyUri ?? ""));
  }
  if (candidates.length > 1 && Number(endpoint.securityMode) === SIGN_AND_ENCRYPT) {
    const plain = candidates.find((token) => !token.securityPolicyUri || policyName(token.securityPolicyUri) === "None");
    if (plain) return plain;
  }
  if (candidates.length > 1) candidates = [...candidates].sort((a, b) => tokenRank(b) - tokenRank(a));
  return candidates[0] ?? null;
}

const NODE_OPCUA_ORDER = ["Basic128Rsa15", "Basic192Rsa15", "Basic256", "None", "Basic128", "Basic192", "Basic256Rsa15", "Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss"];
function tokenRank(token: UserTokenPolicy): number {
  // node-opcua sorts a token without a policy last, the others strongest first.
  if (!token.securityPolicyUri) return -100;
  return NODE_OPCUA_ORDER.indexOf(policyName(token.securityPolicyUri) ?? "");
}

/**
 * Whether a password may be sent over this endpoint: SignAndEncrypt with a current policy, and a
 * UserName token whose own policy (when it names one) is current too. A token without a policy, or
 * with None, is protected by the channel's encryption.
 */
export function allowsPassword(endpoint: EndpointDescription): boolean {
  if (Number(endpoint.securityMode) !== SIGN_AND_ENCRYPT || !isPasswordPolicy(policyName(endpoint.securityPolicyUri))) return false;
  const token = chosenUserNamePolicy(endpoint);
  if (!token) return false;
  const tokenPolicy = policyName(token.securityPolicyUri);
  return tokenPolicy === null || tokenPolicy === "None" || isPasswordPolicy(tokenPolicy);
}

/** The endpoint Fieldproof logs in over: the strongest policy that allows a password, then the server's securityLevel. */
export function pickSecureEndpoint(endpoints: readonly EndpointDescription[]): EndpointDescription | null {
  const rank = (endpoint: EndpointDescription): number => PASSWORD_POLICIES.indexOf(policyName(endpoint.securityPolicyUri) as PasswordPolicy);
  const usable = endpoints.filter(allowsPassword);
  usable.sort((a, b) => rank(a) - rank(b) || b.securityLevel - a.securityLevel);
  return usable[0] ?? null;
}

export function offersAnonymous(endpoints: readonly EndpointDescription[]): boolean {
  return endpoints.some((endpoint) => (endpoint.userIdentityTokens ?? []).some((token) => Number(token.tokenType) === ANONYMOUS));
}

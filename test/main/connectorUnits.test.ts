import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { EndpointDescription, MessageSecurityMode, SecurityPolicy, UserTokenType } from "node-opcua";
import { describe, expect, it } from "vitest";
import { leafCertificate, normalizeThumbprint } from "../../main/connectors/opcua/certificate";
import { parseEndpointUrl } from "../../main/connectors/opcua/endpointUrl";
import { allowsPassword, pickSecureEndpoint } from "../../main/connectors/opcua/endpoints";
import { describeEndpoints } from "../../main/connectors/opcua/discovery";
import { classify } from "../../main/connectors/opcua/errors";
import { cleanText } from "../../main/connectors/opcua/text";

// The connector's pure rules, without a server.

function endpoint(mode: MessageSecurityMode, policy: SecurityPolicy, tokens: { type: UserTokenType; policy?: SecurityPolicy }[], level = 0): EndpointDescription {
  return new EndpointDescription({
    endpointUrl: "opc.tcp://plc:4840",
    securityMode: mode,
    securityPolicyUri: policy,
    securityLevel: level,
    userIdentityTokens: tokens.map((token, i) => ({ policyId: `p${i}`, tokenType: token.type, securityPolicyUri: token.policy ?? null })),
  });
}
const userName = (policy?: SecurityPolicy) => ({ type: UserTokenType.UserName, ...(policy ? { policy } : {}) });
const { SignAndEncrypt, Sign, None } = MessageSecurityMode;

describe("when a password may be sent", () => {
  it("only over SignAndEncrypt with Basic256Sha256 or newer", () => {
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName()]))).toBe(true);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Aes128_Sha256_RsaOaep, [userName()]))).toBe(true);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Aes256_Sha256_RsaPss, [userName()]))).toBe(true);
    expect(allowsPassword(endpoint(Sign, SecurityPolicy.Basic256Sha256, [userName()]))).toBe(false);
    expect(allowsPassword(endpoint(None, SecurityPolicy.None, [userName(SecurityPolicy.Basic256Sha256)]))).toBe(false);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256, [userName()]))).toBe(false);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic128Rsa15, [userName()]))).toBe(false);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [{ type: UserTokenType.Anonymous }]))).toBe(false);
  });

  it("judges the user token policy node-opcua will actually use", () => {
    // Its own policy deprecated: refused, even inside a good channel.
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName(SecurityPolicy.Basic256)]))).toBe(false);
    // node-opcua drops Basic128Rsa15 when another UserName policy exists, and prefers the plain one on SignAndEncrypt.
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName(SecurityPolicy.Basic128Rsa15), userName(SecurityPolicy.Basic256Sha256)]))).toBe(true);
    // ...but picks the strongest of Basic256 / Basic256Sha256 only after the plain one, which is fine here.
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName(SecurityPolicy.Basic256), userName()]))).toBe(true);
    expect(allowsPassword(endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName(SecurityPolicy.None)]))).toBe(true);
  });

  it("picks the strongest usable endpoint, then the server's security level", () => {
    const weak = endpoint(SignAndEncrypt, SecurityPolicy.Basic256Sha256, [userName()], 200);
    const strong = endpoint(SignAndEncrypt, SecurityPolicy.Aes256_Sha256_RsaPss, [userName()], 10);
    const unusable = endpoint(Sign, SecurityPolicy.Aes256_Sha256_RsaPss, [userName()], 255);
    expect(pickSecureEndpoint([unusable, weak, strong])).toBe(strong);
    expect(pickSecureEndpoint([unusable])).toBeNull();
  });
});

describe("discovery of a hostile endpoint list", () => {
  it("cleans the strings, keeps 100 endpoints and 50 token policies, and says so", () => {
    const noisy = new EndpointDescription({
      endpointUrl: `opc.tcp://plc:4840/\u0000${"p".repeat(3_000)}`,
      securityMode: SignAndEncrypt,
      securityPolicyUri: SecurityPolicy.Basic256Sha256,
      userIdentityTokens: Array.from({ length: 80 }, (_, i) => ({ policyId: `<img src=x>\u001b${i}`, tokenType: UserTokenType.UserName })),
      server: { applicationUri: "urn:x\u202e", applicationName: { text: "PLC\u0007" } },
    });
    const many = Array.from({ length: 150 }, () => endpoint(Sign, SecurityPolicy.Basic256Sha256, [userName()]));
    const { discovery, gaps } = describeEndpoints("opc.tcp://plc:4840", [noisy, ...many]);
    expect(discovery.endpoints).toHaveLength(100);
    expect(discovery.endpoints[0]!.url).toHaveLength(1000);
    expect(discovery.endpoints[0]!.userTokens).toHaveLength(50);
    expect(discovery.endpoints[0]!.userTokens[0]!.policyId).toBe("<img src=x>0");
    expect(discovery).toMatchObject({ applicationUri: "urn:x", applicationName: "PLC", certificate: null, secureEndpoint: expect.objectContaining({ securityMode: "SignAndEncrypt" }) });
    expect(gaps.toArray().map((gap) => gap.message)).toEqual([
      "The controller listed 151 endpoints; the first 100 are kept.",
      "An endpoint listed 80 user token policies; the first 50 are kept.",
    ]);
  });
});

describe("endpoint URLs", () => {
  it("accepts host names, IPv4, bracketed IPv6, paths and the default port", () => {
    expect(parseEndpointUrl("opc.tcp://plc-7.line2.local:4840")).toMatchObject({ host: "plc-7.line2.local", port: 4840 });
    expect(parseEndpointUrl("opc.tcp://10.0.0.5:48010/UA/Server")).toMatchObject({ host: "10.0.0.5", port: 48010 });
    expect(parseEndpointUrl("opc.tcp://[fe80::1]:4841")).toMatchObject({ host: "[fe80::1]", port: 4841 });
    expect(parseEndpointUrl("opc.tcp://plc")).toMatchObject({ port: 4840 });
  });

  it("refuses everything else with INVALID_REQUEST", () => {
    for (const url of ["http://x", "opc.tcp://", "opc.tcp://a b:4840", "opc.tcp://x:0", "opc.tcp://-bad-:4840", "opc.tcp://[zz::1]:4840", " opc.tcp://x:1", "opc.tcp://x:1?q=1", `opc.tcp://${"a".repeat(5_000)}`]) {
      expect(() => parseEndpointUrl(url), url.slice(0, 30)).toThrow(expect.objectContaining({ code: "INVALID_REQUEST" }));
    }
  });
});

describe("text from controllers", () => {
  it("strips control and bidi characters, keeps markup as text, truncates with a mark", () => {
    expect(cleanText("a\u0000b\u001b[1m\u202ec\r\nd", 100)).toEqual({ text: "ab[1mc d", truncated: false });
    expect(cleanText("<b>x</b>", 100).text).toBe("<b>x</b>");
    expect(cleanText("y".repeat(10), 5)).toEqual({ text: "yyyy…", truncated: true });
    expect(cleanText("ab\ud83d\ude00cd", 4).text).toBe("ab…");
    expect(cleanText(42, 5)).toEqual({ text: "", truncated: false });
  });

  it("normalises thumbprints and finds the leaf of a certificate chain", () => {
    expect(normalizeThumbprint("AB:cd 12")).toBe("abcd12");
    const leaf = Buffer.from([0x30, 0x03, 1, 2, 3]);
    expect(leafCertificate(Buffer.concat([leaf, Buffer.from([0x30, 0x01, 9])]))).toEqual(leaf);
    expect(leafCertificate(Buffer.from([0x30, 0x05, 1]))).toBeNull();
  });

  it("classifies node-opcua's failures by what happened, not by the words it happens to use", () => {
    const base = { url: "opc.tcp://plc:4840", stage: "discover" as const, action: "connecting", timeoutMs: 500, secrets: [] };
    const cases: [string, string, RegExp][] = [
      ["The connection may have been rejected by server,\nErr = (getaddrinfo ENOTFOUND plc)", "UNREACHABLE", /host name does not resolve \(ENOTFOUND\)/],
      ["The connection cannot be established with server opc.tcp://plc:4840 .\nErr = (connect ECONNREFUSED 10.0.0.5:4840)", "UNREACHABLE", /nothing listens on that port \(ECONNREFUSED\)/],
      ["connect EHOSTUNREACH 10.0.0.5:4840", "UNREACHABLE", /no route to the host/],
      // "timeout was = 2500 ms" is node-opcua's setting, printed when the socket failed at once.
      ["The connection may have been rejected by server,\nErr = (ERROR in waiting for data on socket ( timeout was = 2500 ms) hadErrortrue)", "UNREACHABLE", /accepted the connection but closed it without answering as an OPC UA server/],
      ["Transaction has timed out ( timeout = 500 ms , request = ReadRequest)", "TIMEOUT", /did not answer within 500 ms while connecting/],
      ["ClientTCP_transport3: socket has been disconnected by third party", "UNREACHABLE", /was cut while connecting/],
    ];
    for (const [raw, code, message] of cases) expect(classify(new Error(raw), base), raw).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(classify(new Error("Error BadUserAccessDenied (0x801f0000)"), { ...base, stage: "session", userName: "maint" })).toMatchObject({
      code: "ACCESS_DENIED",
      statusCode: "BadUserAccessDenied",
      message: expect.stringMatching(/refused the login for maint \(BadUserAccessDenied\)/),
    });
    expect(classify(new Error("socket has been disconnected by third party"), { ...base, stage: "call", changeInFlight: true })).toMatchObject({ code: "UNREACHABLE", outcomeUnknown: true });
  });

  it("never lets a password into an error message", () => {
    const error = classify(new Error("BadSomething: user tech password Secret-123 rejected"), { url: "opc.tcp://x:1", stage: "call", action: "calling ModifyUser", timeoutMs: 1, secrets: ["Secret-123"] });
    expect(error.message).not.toContain("Secret-123");
    expect(error.statusCode).toBe("BadSomething");
  });
});

describe("loading", () => {
  it("imports node-opcua only when a call needs it, so other CLI commands never load it", async () => {
    // A static value import would be hoisted into the CLI bundle: ~2 s more per command, and
    // node-opcua's load-time warning W27 printed on stdout in the middle of --json output.
    const folder = fileURLToPath(new URL("../../main/connectors/opcua/", import.meta.url));
    const files = (await readdir(folder)).filter((name) => name.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = await readFile(folder + file, "utf8");
      expect(source, file).not.toMatch(/^import (?!type\b)[^;]*from "node-opcua[^"]*";/m);
      expect(source, file).not.toMatch(/^export (?!type\b)[^;]*from "node-opcua[^"]*";/m);
      expect(source, file).not.toMatch(/require\("node-opcua/);
    }
    expect(await readFile(folder + "loader.ts", "utf8")).toMatch(/import\("node-opcua"\)/);
  });

  it("bundles the way the CLI does with node-opcua behind a dynamic import only", async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../main/connectors/opcua/index.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      packages: "external",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toMatch(/import\("node-opcua"\)/);
    expect(code).not.toMatch(/^import[^;]*"node-opcua[^"]*";/m);
    expect(code).not.toMatch(/require\("node-opcua/);
  });
});

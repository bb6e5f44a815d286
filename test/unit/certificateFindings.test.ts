import { describe, expect, it } from "vitest";
import type { CertificateInfo } from "../../shared/domain/posture";
import { controllerFindings, DEFAULT_POLICY } from "../../shared/findings";
import { certificate, DAY, iso, NOW, posture } from "./findings.fixtures";

const SITE_CA = ["CN=Fieldproof North Bay issuing CA, OU=device SHA256:AB12, O=Fieldproof site CA"];

function codes(cert: Partial<CertificateInfo>, o: { endpointUrl?: string; siteCaIssuers?: readonly string[]; applicationUri?: string | null } = {}): string[] {
  const p = posture({ certificate: { ...certificate(iso(365 * DAY)), ...cert }, ...(o.endpointUrl ? { endpointUrl: o.endpointUrl } : {}), ...(o.applicationUri !== undefined ? { applicationUri: o.applicationUri } : {}) });
  return controllerFindings({ id: "c", name: "PLC", posture: p, trustedThumbprintSha256: null, ...(o.siteCaIssuers ? { siteCaIssuers: o.siteCaIssuers } : {}) }, DEFAULT_POLICY, NOW).map((f) => f.code);
}

const good: Partial<CertificateInfo> = { keyType: "rsa", keyBits: 2048, signatureHash: "SHA-256", dnsNames: ["plc-07.bay.local"], ipAddresses: ["127.0.0.1"] };

describe("certificate findings (shared/findings)", () => {
  it("a sound certificate fires nothing; one read before these fields existed fires nothing either", () => {
    expect(codes(good)).toEqual([]);
    expect(codes({})).toEqual([]);
  });

  it("weak keys: RSA below 2048 bits and EC below 256; 2048 and P-256 are fine", () => {
    expect(codes({ ...good, keyBits: 2047 })).toContain("certificate-weak-key");
    expect(codes({ ...good, keyBits: 1024 })).toContain("certificate-weak-key");
    expect(codes({ ...good, keyType: "ec", keyBits: 256 })).not.toContain("certificate-weak-key");
    expect(codes({ ...good, keyType: "ec", keyBits: 224 })).toContain("certificate-weak-key");
    expect(codes({ ...good, keyBits: null })).not.toContain("certificate-weak-key");
  });

  it("weak signatures: SHA-1 and MD5, however spelled; SHA-256 is fine", () => {
    for (const hash of ["SHA-1", "sha1", "MD5"]) expect(codes({ ...good, signatureHash: hash })).toContain("certificate-weak-signature");
    expect(codes({ ...good, signatureHash: "SHA-256" })).not.toContain("certificate-weak-signature");
    expect(codes({ ...good, signatureHash: null })).not.toContain("certificate-weak-signature");
  });

  it("names: no application URI, another one than announced, or the address clients use missing from the SAN (IPv6 in brackets too)", () => {
    expect(codes({ ...good, applicationUri: null })).toEqual(["certificate-name-mismatch"]);
    expect(codes(good, { applicationUri: "urn:other" })).toEqual(["certificate-name-mismatch"]);
    expect(codes({ ...good, ipAddresses: [] })).toEqual(["certificate-name-mismatch"]);
    expect(codes({ ...good, ipAddresses: [] }, { endpointUrl: "opc.tcp://PLC-07.bay.local:4840" })).toEqual([]);
    expect(codes({ ...good, ipAddresses: ["fd00::7"] }, { endpointUrl: "opc.tcp://[fd00::7]:4840" })).toEqual([]);
    const finding = controllerFindings({ id: "c", name: "PLC", posture: posture({ certificate: { ...certificate(iso(365 * DAY)), ...good, ipAddresses: [] } }), trustedThumbprintSha256: null }, DEFAULT_POLICY, NOW)[0]!;
    expect(finding.explanation).toBe(
      "PLC's certificate: the address clients use (127.0.0.1) is not among its host names and addresses (plc-07.bay.local). Clients that check names refuse it, and people learn to accept certificates that do not match, which is what an impostor needs.",
    );
  });

  it("with a site CA installed: self-signed is medium, another issuer is low; the site's own issuer matches however the name is spelled; without a site CA neither fires", () => {
    expect(codes({ ...good, selfSigned: true })).toEqual([]);
    expect(codes({ ...good, selfSigned: true }, { siteCaIssuers: SITE_CA })).toEqual(["certificate-self-signed"]);
    expect(codes({ ...good, selfSigned: false, issuer: "CN=Vendor Root" }, { siteCaIssuers: SITE_CA })).toEqual(["certificate-unknown-issuer"]);
    // node prints names one part per line; the site CA's list is RFC 4514: the same name.
    expect(codes({ ...good, selfSigned: false, issuer: "CN = Fieldproof North Bay issuing CA\nOU = device SHA256:AB12\nO = Fieldproof site CA" }, { siteCaIssuers: SITE_CA })).toEqual([]);
  });
});

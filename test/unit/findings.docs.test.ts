import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FindingCode, type Finding } from "../../shared/domain/identity";
import { controllerFindings, DEFAULT_POLICY, identityFindings, POSTURE_CHANGE_KINDS } from "../../shared/findings";
import { certificate, DAY, endpoint, identity, iso, NOW, posture, THUMB_B } from "./findings.fixtures";

/** docs/findings.md is the catalogue auditors read: it must cover every code and cite what the code cites. */
const doc = readFileSync(new URL("../../docs/findings.md", import.meta.url), "utf8");

function section(code: string): string {
  const start = doc.indexOf(`### \`${code}\``);
  if (start === -1) return "";
  const end = doc.indexOf("\n## ", start + 1);
  const nextSub = doc.indexOf("\n### ", start + 1);
  const stops = [end, nextSub].filter((i) => i !== -1);
  return doc.slice(start, stops.length > 0 ? Math.min(...stops) : undefined);
}

/** One finding of every code, produced by the real rules. */
function oneOfEach(): Map<string, Finding> {
  const all: Finding[] = [
    ...controllerFindings(
      {
        id: "c1",
        name: "PLC",
        posture: posture({
          anonymousAllowed: true,
          endpoints: [endpoint("None", "None", ["Anonymous"]), endpoint("Basic256Sha256", "SignAndEncrypt")],
          certificate: certificate(iso(-DAY)),
          userManagement: { available: false, passwordPolicy: null },
        }),
        trustedThumbprintSha256: THUMB_B,
      },
      DEFAULT_POLICY,
      NOW,
    ),
    ...controllerFindings({ id: "c2", name: "HMI", posture: posture({ certificate: certificate(iso(10 * DAY)) }), trustedThumbprintSha256: null }, DEFAULT_POLICY, NOW),
    // A weak, misnamed, self-signed certificate on a site with a CA; and one from a CA nobody here knows.
    ...controllerFindings(
      {
        id: "c3",
        name: "Press",
        posture: posture({ certificate: { ...certificate(iso(365 * DAY)), keyType: "rsa", keyBits: 1024, signatureHash: "SHA-1", applicationUri: null, dnsNames: [], ipAddresses: [] } }),
        trustedThumbprintSha256: null,
        siteCaIssuers: ["CN=Fieldproof North Bay issuing CA, O=Fieldproof site CA"],
      },
      DEFAULT_POLICY,
      NOW,
    ),
    ...controllerFindings(
      { id: "c4", name: "Robot", posture: posture({ certificate: { ...certificate(iso(365 * DAY)), issuer: "CN=Vendor CA", selfSigned: false } }), trustedThumbprintSha256: null, siteCaIssuers: ["CN=Site CA"] },
      DEFAULT_POLICY,
      NOW,
    ),
    ...identityFindings(
      identity({
        flags: { shared: true, breakGlass: true, vendor: true, default: true },
        effectiveOwner: null,
        holders: [{ name: "Ana", leftAt: "2026-01-01" }],
        lastRotatedAt: "2025-01-01T00:00:00Z",
        breakGlassUses: [{ at: "2026-02-01T00:00:00Z" }],
        vendorExpiresAt: "2026-03-01",
        controllers: Array.from({ length: 4 }, (_, i) => ({ id: `c${i}`, line: "L1", cell: "C" })),
      }),
      DEFAULT_POLICY,
      NOW,
    ),
    ...identityFindings(identity({ defaultPasswordConfirmed: true }), DEFAULT_POLICY, NOW),
  ];
  return new Map(all.map((f) => [f.code, f]));
}

describe("docs/findings.md", () => {
  const samples = oneOfEach();

  it("the samples cover every finding code", () => {
    expect([...samples.keys()].sort()).toEqual([...FindingCode.options].sort());
  });

  it.each(FindingCode.options)("has a section for %s citing every reference the rule cites", (code) => {
    const text = section(code);
    expect(text).toContain("**Severity**");
    expect(text.toLowerCase()).toContain(samples.get(code)!.severity);
    for (const reference of samples.get(code)!.references) expect(text).toContain(reference);
  });

  it("lists every finding code in the severity table and every posture change kind", () => {
    for (const code of FindingCode.options) expect(doc).toContain(`| \`${code}\` |`);
    for (const kind of POSTURE_CHANGE_KINDS) expect(doc).toContain(`| \`${kind}\` |`);
  });
});

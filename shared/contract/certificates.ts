import { z } from "zod";
import { channel } from "./channel";
import { absolutePath } from "./paths";

const AbsolutePath = absolutePath("/media/usb/site-ca.json or E:\\site-ca.json");
const Site = z.string().trim().min(1).max(64);

/** A site's issuing CA as installed on this laptop (from IT, signed by IT's key). */
export const SiteCaStatus = z.object({
  site: z.string(),
  state: z.enum(["valid", "expired", "not-yet-valid", "revoked"]),
  crlThisUpdate: z.string(),
  crlNextUpdate: z.string().nullable(),
  serial: z.string(),
  subject: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  sha256: z.string(),
  rootSubject: z.string(),
  rootSha256: z.string(),
  installedAt: z.string(),
});
export type SiteCaStatus = z.infer<typeof SiteCaStatus>;

const CertificateRef = z.object({ sha256: z.string(), subject: z.string(), notAfter: z.string() });
const MethodAccess = z.enum(["callable", "not-permitted", "absent"]);

/** A controller's Part 12 set-up as the preflight read it, and what it means for a rotation. */
export const CertificatePreflight = z.object({
  controllerId: z.string(),
  /** push: Part 12 rotation can run; manual: the controller has no push, use the manual path; blocked: fix what `notes` says first. */
  verdict: z.enum(["push", "manual", "blocked"]),
  /** Plain-language findings, most important first, each with what to do. */
  notes: z.array(z.object({ severity: z.enum(["info", "warning", "blocker"]), text: z.string() })),
  setup: z.object({
    serverTime: z.string().nullable(),
    /** Controller clock minus the laptop's, in seconds (null when the clock could not be read). */
    clockSkewSeconds: z.number().nullable(),
    methods: z.record(z.string(), MethodAccess),
    supportedPrivateKeyFormats: z.array(z.string()).nullable(),
    maxTrustListSize: z.number().nullable(),
    groups: z.array(
      z.object({
        name: z.string(),
        nodeId: z.string(),
        certificateTypes: z.array(z.string()),
        trustList: z.object({ bytes: z.number(), trusted: z.array(CertificateRef), issuers: z.array(CertificateRef), trustedCrls: z.number(), issuerCrls: z.number(), complete: z.boolean() }).nullable(),
      }),
    ),
    endpointCertificates: z.array(z.object({ securityPolicyUri: z.string(), securityMode: z.string(), sha256: z.string() })),
    channelCertificateSha256: z.string(),
    gaps: z.array(z.object({ stage: z.string(), code: z.string(), message: z.string() })),
  }),
});
export type CertificatePreflight = z.infer<typeof CertificatePreflight>;

export const certificateChannels = {
  "certificates.revoke": channel(
    z.strictObject({
      site: Site,
      serial: z.string().min(1).max(80),
      reason: z.enum(["unspecified", "keyCompromise", "cACompromise", "affiliationChanged", "superseded", "cessationOfOperation"]).default("unspecified"),
      out: AbsolutePath,
    }),
    z.object({ out: z.string(), serial: z.string(), controllerId: z.string(), revokedCount: z.number() }),
    "Revoke a controller certificate this laptop issued and write the issuing CA's CRL for the controller's clients (a signed record)",
  ),
  "certificates.preflight": channel(
    z.strictObject({ controllerId: z.string().min(1).max(64) }),
    CertificatePreflight,
    "Read a controller's Part 12 set-up (methods, groups, certificate types, trust lists, clock) without changing anything, and say whether a certificate rotation can push",
  ),
  "ca.list": channel(z.strictObject({}), z.array(SiteCaStatus), "The site CAs installed on this laptop, with their validity now"),
  "ca.request": channel(
    z.strictObject({ site: Site, out: AbsolutePath }),
    z.object({ out: z.string(), site: z.string(), csrSha256: z.string(), deviceFingerprint: z.string() }),
    "Make this laptop's key for a site's issuing CA and write the request for IT (signed by the device key; a signed record)",
  ),
  "ca.updateCrl": channel(
    z.strictObject({ path: AbsolutePath }),
    z.object({ thisUpdate: z.string(), nextUpdate: z.string().nullable(), revoked: z.number(), sites: z.array(z.string()), revokedSites: z.array(z.string()) }),
    "Install IT's newer root CRL (signed by the pinned root): an issuing certificate it revokes signs nothing more (a signed record)",
  ),
  "ca.install": channel(z.strictObject({ path: AbsolutePath }), SiteCaStatus, "Install IT's answer to a site CA request, checked against IT's key and the request (a signed record)"),
  "certificates.issue": channel(
    z.strictObject({
      site: Site,
      controllerId: z.string().min(1).max(64),
      /** The controller's CSR (PEM), from its vendor tool or Part 12 CreateSigningRequest. */
      csr: z.string().min(1).max(64_000),
      /** Names for the SAN when the CSR carries none (the controller's current certificate's). */
      names: z.object({ applicationUri: z.string().min(1).max(1000), dns: z.array(z.string().max(253)).max(32), ips: z.array(z.string().max(45)).max(32) }).optional(),
      days: z.number().int().min(1).max(825).optional(),
    }),
    z.object({ certificatePem: z.string(), chainPem: z.string(), serial: z.string(), sha256: z.string(), notAfter: z.string(), names: z.object({ applicationUri: z.string(), dns: z.array(z.string()), ips: z.array(z.string()) }) }),
    "Issue a controller certificate from a site's issuing CA for a CSR (the manual path; a signed record with the certificate whole)",
  ),
};

import type { Finding } from "../domain/identity";
import type { ControllerPosture } from "../domain/posture";
import type { ControllerFacts } from "./facts";
import { makeFinding, sortFindings } from "./finding";
import type { FindingPolicy } from "./policy";
import { REF } from "./references";
import { anonymousEndpoints, anonymousObserved, clearTextPasswordEndpoints, endpointsWereRead, securityPolicyShortName, securityPolicyVerdict } from "./securityPolicy";
import { listOf, plural, shortName } from "./text";
import { DAY_MS, isoDay, parseInstant, wholeDays } from "../domain/time";

/**
 * Findings about one controller from what the latest visit observed. A controller that was not
 * reached, or a part of the posture that could not be read, produces nothing: absence of evidence is
 * reported as a gap by the scan, never as a finding.
 */
export function controllerFindings(controller: ControllerFacts, policy: FindingPolicy, now: Date): readonly Finding[] {
  const posture = controller.posture;
  if (!posture || !posture.reachable) return sortFindings([]);
  const nowMs = now.getTime();
  const name = shortName(controller.name || controller.id);
  const subject = { type: "controller", id: controller.id } as const;
  const out: Finding[] = [];

  if (anonymousObserved(posture)) out.push(anonymousAccess(posture, name, subject));
  if (endpointsWereRead(posture)) {
    const insecure = insecureSecurityPolicy(posture, policy, name, subject);
    if (insecure) out.push(insecure);
  }
  if (posture.certificate) {
    const expiry = certificateExpiry(posture.certificate.notAfter, policy, nowMs, name, subject);
    if (expiry) out.push(expiry);
    const changed = certificateChanged(posture.certificate.thumbprintSha256, controller.trustedThumbprintSha256, name, subject);
    if (changed) out.push(changed);
    out.push(...certificateQuality(posture, controller.siteCaIssuers ?? [], name, subject));
  }
  if (part18WasChecked(posture) && !posture.userManagement.available) out.push(manualRotationOnly(name, subject));
  return sortFindings(out);
}

type Subject = { readonly type: "controller"; readonly id: string };

function anonymousAccess(posture: ControllerPosture, name: string, subject: Subject): Finding {
  const where = anonymousEndpoints(posture).map((e) => `${securityPolicyShortName(e.securityPolicy)} / ${e.securityMode}`);
  const offered = where.length > 0 ? ` It offers an Anonymous user token on ${listOf([...new Set(where)].sort())}.` : "";
  return makeFinding({
    code: "anonymous-access",
    severity: "high",
    subject,
    title: "Anonymous access is enabled",
    explanation:
      `${name} accepts OPC UA sessions from clients that give no user name and no certificate.${offered} ` +
      "Anyone who can reach it on the network can browse it and do whatever its Anonymous role allows, and nothing records who it was.",
    action:
      "Remove the Anonymous user token from every endpoint in the controller's OPC UA settings (or the vendor tool), then scan again to confirm it is gone. " +
      "If a display really needs to read without logging in, give it an account of its own with the Observer role instead.",
    references: [REF.cip007_5_1, REF.sr1_1, REF.sr2_1, REF.csfAA03],
  });
}

function insecureSecurityPolicy(posture: ControllerPosture, policy: FindingPolicy, name: string, subject: Subject): Finding | null {
  const insecure = new Set<string>();
  const deprecated = new Set<string>();
  for (const endpoint of posture.endpoints) {
    const verdict = securityPolicyVerdict(endpoint.securityPolicy, policy);
    if (verdict === "insecure") insecure.add(securityPolicyShortName(endpoint.securityPolicy));
    if (verdict === "deprecated") deprecated.add(securityPolicyShortName(endpoint.securityPolicy));
  }
  if (insecure.size === 0 && deprecated.size === 0) return null;
  const clearText = clearTextPasswordEndpoints(posture, policy).length > 0;
  const named = [...[...insecure].sort(), ...[...deprecated].sort()];
  const parts: string[] = [];
  if (insecure.size > 0) {
    parts.push("With None, messages are neither signed nor encrypted: anyone on the same network can read values, change them in transit, or pretend to be the controller.");
  }
  if (clearText) parts.push("Worse, a UserName login on that endpoint sends the password without encryption, so it can be read off the wire.");
  if (deprecated.size > 0) {
    parts.push(`${listOf([...deprecated].sort())} rely on SHA-1 and RSA PKCS#1 v1.5, which the OPC Foundation deprecated because they no longer resist attack.`);
  }
  return makeFinding({
    code: "insecure-security-policy",
    // None lets anyone tamper; a password in clear text hands over the account; deprecated crypto still needs a capable attacker.
    severity: clearText ? "critical" : insecure.size > 0 ? "high" : "medium",
    subject,
    title: `Endpoint offers ${listOf(named)}`,
    explanation: `${name} offers the security ${named.length === 1 ? "policy" : "policies"} ${listOf(named)}. ${parts.join(" ")}`,
    action:
      `Switch off ${listOf(named)} in the controller's OPC UA endpoint settings and keep Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss with Sign & Encrypt. ` +
      "First check which clients (HMIs, historians, SCADA) still connect with the old policies and move them over, so nothing stops when you switch.",
    references: [REF.sr3_1, REF.sr4_1, REF.sr4_3, REF.csfDS02, REF.opcua7],
  });
}

function certificateExpiry(notAfter: string, policy: FindingPolicy, nowMs: number, name: string, subject: Subject): Finding | null {
  const end = parseInstant(notAfter);
  if (end === null) return null;
  const action = RENEW;
  // X.509 validity includes notAfter itself.
  if (nowMs > end) {
    const ago = wholeDays(end, nowMs);
    return makeFinding({
      code: "certificate-expired",
      severity: "high",
      subject,
      title: "Application certificate has expired",
      explanation:
        `${name}'s application certificate expired on ${isoDay(end)} (${ago === 0 ? "less than a day ago" : `${plural(ago, "day")} ago`}). ` +
        "Clients that check validity refuse secure connections to it, and people learn to click through certificate warnings, which is exactly what an impostor needs.",
      action,
      references: [REF.sr1_8, REF.sr1_9, REF.csfAA03],
    });
  }
  const left = Math.floor((end - nowMs) / DAY_MS);
  if (left > policy.certificateWarningDays) return null;
  return makeFinding({
    code: "certificate-expiring",
    severity: left <= policy.certificateUrgentDays ? "high" : "medium",
    subject,
    title: left === 0 ? "Application certificate expires today" : `Application certificate expires in ${plural(left, "day")}`,
    explanation:
      `${name}'s application certificate is valid until ${isoDay(end)}, ${left === 0 ? "less than a day from now" : `${plural(left, "day")} from now`}. ` +
      "When it expires, clients that check validity will refuse secure connections to it.",
    action,
    references: [REF.sr1_8, REF.sr1_9, REF.csfAA03],
  });
}

const RENEW =
  "Issue a new application certificate from the site CA: `fieldproof certificates preflight` says whether the controller takes a pushed one; otherwise its vendor tool makes a CSR and `fieldproof certificates issue --csr` writes the certificate for it. " +
  "Then scan it, trust the new thumbprint here after checking it on the controller, and put the site CA in every other client that connects to it (HMIs, historians).";

/** "CN=a, O=b" and "CN = a\nO = b" alike: lower case, no spaces around separators, no escapes. */
function normaliseName(name: string): string {
  return name
    .replace(/\\/g, "")
    .split(/\s*[,\n]\s*/)
    .map((part) => part.replace(/\s*=\s*/, "=").trim().toLowerCase())
    .filter(Boolean)
    .join(",");
}

/** The endpoint URL's host, without brackets or port; null when it does not parse. */
function endpointHost(url: string): string | null {
  const match = /^opc\.tcp:\/\/(\[[^\]]+\]|[^:/]+)/i.exec(url);
  return match ? match[1]!.replace(/^\[|\]$/g, "").toLowerCase() : null;
}

/**
 * What is wrong with the certificate itself: a weak key or signature, names that do not match the
 * application or the address clients use, and (with a site CA installed) self-signed or issued by a
 * CA the site does not know. A field an older visit did not read fires nothing.
 */
function certificateQuality(posture: ControllerPosture, siteCaIssuers: readonly string[], name: string, subject: Subject): Finding[] {
  const cert = posture.certificate!;
  const out: Finding[] = [];
  const weakKey =
    (cert.keyType === "rsa" && cert.keyBits != null && cert.keyBits < 2048) || (cert.keyType === "ec" && cert.keyBits != null && cert.keyBits < 256);
  if (weakKey) {
    out.push(
      makeFinding({
        code: "certificate-weak-key",
        severity: "high",
        subject,
        title: `Application certificate has a weak ${cert.keyType === "rsa" ? "RSA" : "EC"} key (${cert.keyBits} bits)`,
        explanation: `${name}'s certificate key has ${cert.keyBits} bits; keys this short can be broken, and with it the encryption and the proof that the controller is the one trusted. OPC UA's current security policies ask for RSA 2048 bits or more.`,
        action: `${RENEW} Make the new key RSA 2048 bits or more.`,
        references: [REF.sr1_9, REF.sr4_3, REF.opcua7],
      }),
    );
  }
  const hash = cert.signatureHash?.toUpperCase().replace(/[^A-Z0-9]/g, "");
  if (hash === "SHA1" || hash === "MD5") {
    out.push(
      makeFinding({
        code: "certificate-weak-signature",
        severity: "high",
        subject,
        title: `Application certificate is signed with ${cert.signatureHash}`,
        explanation: `${name}'s certificate is signed with ${cert.signatureHash}, for which forged certificates with the same signature can be made. Clients on current security policies refuse it, and those that accept it accept forgeries too.`,
        action: `${RENEW} The site CA signs with SHA-256.`,
        references: [REF.sr1_9, REF.sr4_3, REF.opcua7],
      }),
    );
  }
  const problems: string[] = [];
  if (cert.applicationUri === null) problems.push("it names no application URI (OPC UA requires it in the subjectAltName)");
  else if (posture.applicationUri && cert.applicationUri !== posture.applicationUri) problems.push(`its application URI (${cert.applicationUri}) is not the one the controller announces (${posture.applicationUri})`);
  const host = endpointHost(posture.endpointUrl);
  if (host && cert.dnsNames !== undefined && cert.ipAddresses !== undefined) {
    const names = [...cert.dnsNames.map((n) => n.toLowerCase()), ...cert.ipAddresses.map((n) => n.toLowerCase())];
    if (!names.includes(host)) problems.push(`the address clients use (${host}) is not among its host names and addresses (${names.length > 0 ? listOf(names) : "none"})`);
  }
  if (problems.length > 0) {
    out.push(
      makeFinding({
        code: "certificate-name-mismatch",
        severity: "medium",
        subject,
        title: "Application certificate does not name this controller as clients reach it",
        explanation: `${name}'s certificate: ${problems.join("; ")}. Clients that check names refuse it, and people learn to accept certificates that do not match, which is what an impostor needs.`,
        action: `${RENEW} Give the new certificate the controller's application URI and every host name and address clients use.`,
        references: [REF.sr1_2, REF.sr1_9],
      }),
    );
  }
  if (siteCaIssuers.length > 0) {
    const issuers = new Set(siteCaIssuers.map(normaliseName));
    if (cert.selfSigned) {
      out.push(
        makeFinding({
          code: "certificate-self-signed",
          severity: "medium",
          subject,
          title: "Application certificate is self-signed though the site has a CA",
          explanation: `${name}'s certificate is signed by itself. Each client must trust it one by one and be re-told at every renewal; with the site CA, clients trust the CA once and a renewed certificate needs nothing on their side.`,
          action: RENEW,
          references: [REF.sr1_2, REF.sr1_9, REF.csfAA03],
        }),
      );
    } else if (!issuers.has(normaliseName(cert.issuer))) {
      out.push(
        makeFinding({
          code: "certificate-unknown-issuer",
          severity: "low",
          subject,
          title: "Application certificate is issued by a CA the site does not know",
          explanation: `${name}'s certificate is issued by ${cert.issuer}, which is not the site CA. It may be a vendor's or an earlier CA; nobody here can say which certificates that CA has issued or revoke one.`,
          action: `Find out whose CA it is. ${RENEW}`,
          references: [REF.sr1_2, REF.sr1_9],
        }),
      );
    }
  }
  return out;
}

function normaliseThumbprint(value: string): string {
  return value.replace(/[\s:]/g, "").toLowerCase();
}

function certificateChanged(observed: string, trusted: string | null, name: string, subject: Subject): Finding | null {
  if (trusted === null || normaliseThumbprint(trusted) === "" || normaliseThumbprint(trusted) === normaliseThumbprint(observed)) return null;
  const short = (t: string): string => normaliseThumbprint(t).slice(0, 16);
  return makeFinding({
    code: "certificate-changed",
    // Until someone explains it, a new certificate at a trusted address is indistinguishable from an impostor.
    severity: "critical",
    subject,
    title: "Certificate changed since it was trusted",
    explanation:
      `${name} now presents a certificate (SHA-256 ${short(observed)}…) that is not the one trusted (${short(trusted)}…). ` +
      "It may have been replaced on purpose (a vendor visit, a firmware update, a rotation done outside Fieldproof), or another device may be answering at this address.",
    action:
      "Do not log in or send passwords to it until the change is explained. Check the work orders, and read the thumbprint on the controller itself (its display or the vendor tool). " +
      "Trust the new certificate only once it matches.",
    references: [REF.sr1_2, REF.sr1_9, REF.sr3_1, REF.csfAA03],
  });
}

/** Part 18 support can only be judged when a session got far enough to browse the server. */
function part18WasChecked(posture: ControllerPosture): boolean {
  return !posture.gaps.some((gap) => gap.stage === "connect" || gap.stage === "session" || gap.stage === "capabilities");
}

function manualRotationOnly(name: string, subject: Subject): Finding {
  return makeFinding({
    code: "manual-rotation-only",
    // Not a weakness by itself, but every rotation here costs a vendor tool and a hand-written record.
    severity: "low",
    subject,
    title: "Passwords can only be changed with the vendor tool",
    explanation:
      `${name} does not offer OPC UA user management (Part 18), so Fieldproof cannot change its passwords over OPC UA. ` +
      "Every rotation must be done in the vendor's engineering tool and recorded by hand, which makes rotations slower and their proof weaker.",
    action:
      "Plan rotations of its accounts with the vendor tool at hand, record each change in Fieldproof as a manual rotation, and let Fieldproof test that the new password works and the old one is refused. " +
      "Ask the vendor whether a firmware update adds Part 18.",
    references: [REF.sr1_5, REF.cip007_5_6],
  });
}

/**
 * The standard clauses findings cite, spelled once so the catalogue (docs/findings.md), the UI and
 * the evidence all use the same words an auditor searches for.
 */
export const REF = Object.freeze({
  /** Enforce authentication of interactive user access. */
  cip007_5_1: "NERC CIP-007-6 R5.1",
  /** Inventory known enabled default or other generic account types. */
  cip007_5_2: "NERC CIP-007-6 R5.2",
  /** Identify the individuals who have authorised access to shared accounts. */
  cip007_5_3: "NERC CIP-007-6 R5.3",
  /** Change known default passwords. */
  cip007_5_4: "NERC CIP-007-6 R5.4",
  /** Change passwords at least once every 15 calendar months. */
  cip007_5_6: "NERC CIP-007-6 R5.6",
  /** After a termination, change shared-account passwords the person knew within 30 calendar days. */
  cip004_5_4: "NERC CIP-004-7 R5.4",
  /** Methods to determine and to disable active vendor remote access. */
  cip005_2_4: "NERC CIP-005-7 R2.4",
  cip005_2_5: "NERC CIP-005-7 R2.5",
  /** Human user identification and authentication. */
  sr1_1: "IEC 62443-3-3 SR 1.1",
  /** Software process and device identification and authentication. */
  sr1_2: "IEC 62443-3-3 SR 1.2",
  /** Account management. */
  sr1_3: "IEC 62443-3-3 SR 1.3",
  /** Authenticator management (change defaults, refresh periodically). */
  sr1_5: "IEC 62443-3-3 SR 1.5",
  /** Public key infrastructure certificates. */
  sr1_8: "IEC 62443-3-3 SR 1.8",
  /** Strength of public key authentication (validity, trust). */
  sr1_9: "IEC 62443-3-3 SR 1.9",
  /** Authorization enforcement. */
  sr2_1: "IEC 62443-3-3 SR 2.1",
  /** Auditable events. */
  sr2_8: "IEC 62443-3-3 SR 2.8",
  /** Non-repudiation: actions attributable to a human. */
  sr2_12: "IEC 62443-3-3 SR 2.12",
  /** Communication integrity. */
  sr3_1: "IEC 62443-3-3 SR 3.1",
  /** Information confidentiality. */
  sr4_1: "IEC 62443-3-3 SR 4.1",
  /** Use of cryptography. */
  sr4_3: "IEC 62443-3-3 SR 4.3",
  /** Identities and credentials are managed by the organisation. */
  csfAA01: "NIST CSF 2.0 PR.AA-01",
  /** Users, services and hardware are authenticated. */
  csfAA03: "NIST CSF 2.0 PR.AA-03",
  /** Access permissions managed with least privilege and separation of duties. */
  csfAA05: "NIST CSF 2.0 PR.AA-05",
  /** Data in transit is protected. */
  csfDS02: "NIST CSF 2.0 PR.DS-02",
  nhi1: "OWASP NHI1:2025 Improper Offboarding",
  nhi3: "OWASP NHI3:2025 Vulnerable Third-Party NHI",
  nhi4: "OWASP NHI4:2025 Insecure Authentication",
  nhi7: "OWASP NHI7:2025 Long-Lived Secrets",
  nhi9: "OWASP NHI9:2025 NHI Reuse",
  nhi10: "OWASP NHI10:2025 Human Use of NHI",
  /** OPC UA security policies: Basic128Rsa15 and Basic256 are deprecated. */
  opcua7: "OPC 10000-7 (security policy profiles)",
});

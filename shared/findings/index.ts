/**
 * Findings rules: pure functions from observed facts to findings, due dates, account
 * classifications and posture changes. No clock, no I/O: `now` is always passed in.
 * The catalogue for people is docs/findings.md.
 */
export { DEFAULT_POLICY, FindingPolicySchema, rotationMaxAgeMonthsFor, type FindingPolicy } from "./policy";
export type { BreakGlassUse, ControllerFacts, EffectiveOwner, HolderFacts, IdentityControllerRef, IdentityFacts } from "./facts";
export { controllerFindings } from "./controllerRules";
export { identityFindings } from "./identityRules";
export { dueDate, dueItems, type DueDate, type DueItem, type DueReason } from "./due";
export { classifyAccount, withDeclaredKinds, type AccountClassification, type AccountToClassify, type ClassifyContext } from "./classify";
export { factoryDefaultName, GENERIC_DEFAULT_NAMES, knownDefaultPasswords, VENDOR_DEFAULTS, vendorDefaultsFor } from "./defaults";
export { parseExpiryFromText } from "./expiry";
export { diffPosture, POSTURE_CHANGE_KINDS, type DiffOptions, type PostureChange, type PostureChangeKind } from "./diff";
export { compareFindings, SEVERITY_ORDER, severityRank, sortFindings } from "./finding";
export { securityPolicyShortName, securityPolicyVerdict, type SecurityPolicyVerdict } from "./securityPolicy";
export { REF } from "./references";

import type { ClientSession } from "node-opcua";
import type { AccountInfo } from "../../../shared/domain/posture";
import type { GapList } from "./gaps";
import type { CallGuard } from "./guard";
import type { Ua } from "./loader";
import { NODE, count } from "./reads";
import { cleanText, type TruncationTally } from "./text";

export const MAX_ACCOUNTS = 10_000;
const MAX_ROLES = 100;
/** IdentityCriteriaType.UserName (OPC 10000-3 §5.9.3). */
const CRITERIA_USER_NAME = 1;

const EXPLAIN: Record<string, string> = {
  BadUserAccessDenied: "this login may not read them (Part 18 Users needs the SecurityAdmin role)",
  BadNodeIdUnknown: "the controller has no Part 18 user management, so accounts are not listed over OPC UA",
  BadSecurityModeInsufficient: "the controller wants an encrypted channel for them",
};

/** Part 18 Users: name, UserConfiguration and description of every account; null when not readable. */
export async function readAccounts(session: ClientSession, guard: CallGuard, gaps: GapList, tally: TruncationTally): Promise<AccountInfo[] | null> {
  const value = await guard.step({ stage: "read", action: "reading the accounts" }, () => session.read({ nodeId: NODE.users, attributeId: 13 }));
  const status = value.statusCode.name;
  if (value.statusCode.isGood() && !Array.isArray(value.value.value)) {
    gaps.add("accounts", "NO_VALUE", "The controller has a Part 18 Users node but gives no account list (user management is not implemented there).");
    return null;
  }
  if (!value.statusCode.isGood()) {
    const why = EXPLAIN[status] ?? `the controller answered ${status}`;
    gaps.add("accounts", status, `The accounts (Part 18 UserManagement Users) could not be read: ${why}.`);
    return null;
  }
  const entries = value.value.value as unknown[];
  if (entries.length > MAX_ACCOUNTS) {
    gaps.add("accounts", "TRUNCATED", `The controller listed ${entries.length} accounts; the first ${MAX_ACCOUNTS} are kept.`);
  }
  const accounts: AccountInfo[] = [];
  for (const entry of entries.slice(0, MAX_ACCOUNTS)) {
    const item = entry as { userName?: unknown; userConfiguration?: unknown; description?: unknown } | null;
    if (!item || typeof item.userName !== "string") continue;
    accounts.push({
      userName: tally.take(item.userName, 500),
      description: tally.take(item.description, 2000),
      userConfiguration: count(item.userConfiguration) ?? 0,
      roles: [],
    });
  }
  return accounts;
}

/**
 * Roles per user name, from the RoleSet: every role object's Identities (UserName criteria).
 * `Identities` has no fixed node id in the 2.157 constants, so it is resolved by browse path.
 */
export async function readRoles(ua: Ua, session: ClientSession, guard: CallGuard, gaps: GapList): Promise<Map<string, string[]> | null> {
  const browsed = await guard.step({ stage: "read", action: "browsing the RoleSet" }, () =>
    session.browse({ nodeId: NODE.roleSet, browseDirection: ua.BrowseDirection.Forward, referenceTypeId: "HasComponent", includeSubtypes: true, nodeClassMask: 1, resultMask: 63 }),
  );
  if (!browsed.statusCode.isGood()) {
    gaps.add("roles", browsed.statusCode.name, `The RoleSet could not be browsed (${browsed.statusCode.name}); roles are unknown.`);
    return null;
  }
  const roles = (browsed.references ?? []).slice(0, 500).map((reference) => ({
    nodeId: reference.nodeId,
    name: cleanText(reference.browseName?.name, 200).text,
  }));
  if (roles.length === 0) return new Map();
  const paths = await guard.step({ stage: "read", action: "resolving role identities" }, () =>
    session.translateBrowsePath(roles.map((role) => ua.makeBrowsePath(role.nodeId, ".Identities"))),
  );
  const targets = roles.flatMap((role, index) => {
    const target = paths[index]?.targets?.[0]?.targetId;
    return paths[index]?.statusCode.isGood() && target ? [{ name: role.name, nodeId: target }] : [];
  });
  if (targets.length === 0) return new Map();
  const values = await guard.step({ stage: "read", action: "reading role identities" }, () =>
    session.read(targets.map((target) => ({ nodeId: target.nodeId, attributeId: 13 }))),
  );
  const byUser = new Map<string, string[]>();
  const refused = new Set<string>();
  values.forEach((value, index) => {
    const role = targets[index]!.name;
    if (!value.statusCode.isGood()) {
      refused.add(value.statusCode.name);
      return;
    }
    const rules = Array.isArray(value.value.value) ? (value.value.value as unknown[]) : [];
    for (const rule of rules) {
      const item = rule as { criteriaType?: unknown; criteria?: unknown } | null;
      if (Number(item?.criteriaType) !== CRITERIA_USER_NAME || typeof item?.criteria !== "string") continue;
      const held = byUser.get(item.criteria) ?? [];
      if (held.length < MAX_ROLES && !held.includes(role)) held.push(role);
      byUser.set(item.criteria, held);
    }
  });
  if (refused.size > 0) {
    const codes = [...refused].join(", ");
    gaps.add("roles", [...refused][0]!, `Some role memberships (RoleSet Identities) could not be read (${codes}); roles shown may be incomplete. Reading them needs SecurityAdmin over an encrypted channel.`);
  }
  return byUser;
}

/** Puts the roles read from the RoleSet on the accounts read from Users (names cleaned the same way). */
export function attachRoles(accounts: AccountInfo[], roles: Map<string, string[]>): AccountInfo[] {
  const cleaned = new Map<string, string[]>();
  for (const [user, held] of roles) cleaned.set(cleanText(user, 500).text, held);
  return accounts.map((account) => ({ ...account, roles: cleaned.get(account.userName) ?? [] }));
}

/** Accounts named only by RoleSet UserName mappings: roles known, description and status not. */
export function accountsFromRoles(roles: Map<string, string[]>): AccountInfo[] {
  return [...roles]
    .slice(0, 10_000)
    .map(([user, held]) => ({ userName: cleanText(user, 500).text, description: "", userConfiguration: 0, roles: held.slice(0, 100) }))
    .filter((a) => a.userName.length > 0)
    .sort((a, b) => a.userName.localeCompare(b.userName));
}

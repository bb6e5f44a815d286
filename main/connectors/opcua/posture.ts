import type { ClientSession } from "node-opcua";
import { ControllerPosture, unreachablePosture } from "../../../shared/domain/posture";
import { accountsFromRoles, attachRoles, readAccounts, readRoles } from "./accounts";
import { describeEndpoints } from "./discovery";
import { OpcUaError, classify } from "./errors";
import { GapList } from "./gaps";
import type { CallGuard } from "./guard";
import { pinnedEndpoint } from "./pin";
import { readServerFacts, readSessions } from "./reads";
import { fetchEndpoints, openPinnedSession, type ClientEnv } from "./session";
import { TruncationTally } from "./text";
import type { Login } from "./types";
import { describeIssues } from "../../../shared/domain/validation";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One visit: discovery, then (with a login) a pinned session that reads what the login may read.
 * Each failure becomes a gap; only CANCELLED (and the caller's own INVALID_REQUEST) is thrown.
 */
export async function collectPosture(env: ClientEnv, guard: CallGuard, login: Login | null, expected: string | undefined): Promise<ControllerPosture> {
  const posture: Mutable<ControllerPosture> = unreachablePosture(guard.url, new Date().toISOString());
  let gaps = new GapList();
  try {
    const described = describeEndpoints(guard.url, await fetchEndpoints(env, guard));
    gaps = described.gaps;
    const { discovery } = described;
    Object.assign(posture, {
      reachable: true,
      applicationUri: discovery.applicationUri,
      endpoints: discovery.endpoints,
      certificate: discovery.certificate,
      anonymousAllowed: discovery.anonymousAllowed,
    });
    if (!login) {
      gaps.add("session", "NO_LOGIN", "No login was given: accounts, roles, sessions, password policy and the controller's clock were not read.");
    } else {
      const endpoint = pinnedEndpoint(guard.url, described, expected);
      const secrets = [login.password];
      const opened = await openPinnedSession(env, guard, endpoint, login, secrets);
      try {
        await readInSession(env, opened.session, guard, posture, gaps, secrets, login?.userName ?? null);
      } finally {
        await opened.close();
      }
    }
  } catch (error) {
    const failure = classify(error, { url: guard.url, stage: "session", action: "opening a session", timeoutMs: guard.timeoutMs, secrets: login ? [login.password] : [], client: env.client });
    if (failure.code === "CANCELLED" || failure.code === "INVALID_REQUEST") throw failure;
    gaps.add(posture.reachable ? "session" : "connect", failure.code, failure.message);
  }
  posture.gaps = gaps.toArray();
  const parsed = ControllerPosture.safeParse(posture);
  if (!parsed.success) {
    throw new OpcUaError("INTERNAL", `The posture read from ${guard.url} does not fit the schema (${describeIssues(parsed.error, 1)}).`, { stage: "read" });
  }
  return parsed.data;
}

/**
 * The reads of a session, each its own step. A read the login may not do is a gap; a lost connection
 * ends the visit (every further read would only wait for its own timeout).
 */
async function readInSession(env: ClientEnv, session: ClientSession, guard: CallGuard, posture: Mutable<ControllerPosture>, gaps: GapList, secrets: readonly string[], userName: string | null): Promise<void> {
  const tally = new TruncationTally();
  const attempt = async (stage: "capabilities" | "accounts" | "roles" | "sessions", action: string, work: () => Promise<void>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (error) {
      const failure = classify(error, { url: guard.url, stage: "read", action, timeoutMs: guard.timeoutMs, secrets });
      if (failure.code === "CANCELLED") throw failure;
      gaps.add(stage, failure.statusCode ?? failure.code, failure.message);
      return failure.code !== "TIMEOUT" && failure.code !== "UNREACHABLE";
    }
  };
  const going = await attempt("capabilities", "reading the server status", async () => {
    const facts = await readServerFacts(session, guard, gaps, userName);
    posture.serverTime = facts.serverTime;
    posture.productName = facts.productName;
    posture.softwareVersion = facts.softwareVersion;
    posture.userManagement = { available: facts.part18, passwordPolicy: facts.passwordPolicy, modifyUsers: facts.modifyUsers };
    posture.pushManagement = { available: facts.part12 };
  });
  const accountsRead =
    going &&
    (await attempt("accounts", "reading the accounts", async () => {
      posture.accounts = await readAccounts(session, guard, gaps, tally);
    }));
  const rolesRead =
    accountsRead &&
    (await attempt("roles", "reading the roles", async () => {
      const roles = await readRoles(env.ua, session, guard, gaps);
      if (roles && posture.accounts) posture.accounts = attachRoles(posture.accounts, roles);
      // Without Part 18 Users, the RoleSet's UserName mappings still name the accounts (no descriptions).
      else if (roles && roles.size > 0) {
        posture.accounts = accountsFromRoles(roles);
        gaps.add("accounts", "FROM_ROLESET", `The account list comes from the RoleSet's role mappings (no Part 18 Users on this controller): ${roles.size} account name(s), without descriptions or status.`);
      }
    }));
  if (rolesRead) {
    await attempt("sessions", "reading the sessions", async () => {
      posture.sessions = await readSessions(session, guard, gaps, tally);
    });
  } else {
    const missed = [going ? null : "accounts", accountsRead ? null : "roles", "sessions"].filter(Boolean).join(", ");
    gaps.add("session", "NOT_READ", `Not read (${missed}): the connection was lost or a read timed out before.`);
  }
  if (tally.truncated > 0) {
    gaps.add("accounts", "TEXT_TRUNCATED", `${tally.truncated} name(s) or description(s) from the controller were longer than Fieldproof keeps and were cut.`);
  }
}

import type { ClientSession, DataValue } from "node-opcua";
import type { PasswordPolicyInfo, SessionInfo } from "../../../shared/domain/posture";
import type { GapList } from "./gaps";
import type { CallGuard } from "./guard";
import { cleanOptional, type TruncationTally } from "./text";

// Standard node ids (OPC 10000-5 / -12 / -18, namespace 0): fixed by the specification.
export const NODE = {
  currentTime: 2258,
  productName: 2261,
  softwareVersion: 2264,
  sessionDiagnostics: 3707,
  sessionSecurityDiagnostics: 3708,
  userManagement: 24290,
  users: 24301,
  passwordLength: 24302,
  passwordOptions: 24303,
  passwordRestrictions: 24291,
  changePassword: 24310,
  modifyUser: 24306,
  createSigningRequest: 12737,
  updateCertificate: 13737,
  applyChanges: 12740,
  roleSet: 15606,
} as const;

const ATTRIBUTE = { browseName: 3, value: 13, executable: 21, userExecutable: 22 } as const;
export const MAX_SESSIONS = 10_000;

export interface ServerFacts {
  readonly serverTime: string | null;
  readonly productName: string | null;
  readonly softwareVersion: string | null;
  readonly part18: boolean;
  readonly part12: boolean;
  /** This login may set other accounts' passwords (ModifyUser). */
  readonly modifyUsers: boolean;
  readonly passwordPolicy: PasswordPolicyInfo | null;
}

const read = (nodeId: number, attributeId: number = ATTRIBUTE.value) => ({ nodeId, attributeId });
const good = (value: DataValue | undefined): value is DataValue => value?.statusCode.isGood() === true;

/** The features whose availability the posture reports, and the methods each needs. */
const FEATURES: readonly { readonly name: string; readonly methods: readonly (readonly [string, number])[] }[] = [
  { name: "Part 18 password changes", methods: [["ChangePassword", NODE.changePassword]] },
  { name: "Part 12 certificate push", methods: [["CreateSigningRequest", NODE.createSigningRequest], ["UpdateCertificate", NODE.updateCertificate], ["ApplyChanges", NODE.applyChanges]] },
  { name: "Part 18 user management", methods: [["ModifyUser", NODE.modifyUser]] },
];
const METHODS = FEATURES.flatMap((f) => f.methods);

/**
 * One request: the clock, the build info, Part 18 / Part 12 availability and the password policy.
 * Available means present, bound to an implementation (Executable) and callable by the account this
 * session logged in as (UserExecutable): a feature the server implements but this login may not use
 * is not available to Fieldproof, and a gap says what would make it so.
 */
export async function readServerFacts(session: ClientSession, guard: CallGuard, gaps: GapList, userName: string | null = null): Promise<ServerFacts> {
  const values = await guard.step({ stage: "read", action: "reading the server status" }, () =>
    session.read([
      read(NODE.currentTime),
      read(NODE.productName),
      read(NODE.softwareVersion),
      read(NODE.userManagement, ATTRIBUTE.browseName),
      ...METHODS.flatMap(([, node]) => [read(node, ATTRIBUTE.executable), read(node, ATTRIBUTE.userExecutable)]),
      read(NODE.passwordLength),
      read(NODE.passwordOptions),
      read(NODE.passwordRestrictions),
    ]),
  );
  const [time, product, version, userManagement] = values;
  const [length, options, restrictions] = values.slice(4 + METHODS.length * 2);
  const flag = (value: DataValue | undefined): boolean => good(value) && value.value.value === true;
  const method = new Map(METHODS.map(([name], i) => [name, { executable: values[4 + i * 2], userExecutable: values[5 + i * 2] }] as const));
  const usable = FEATURES.map((feature) => {
    const states = feature.methods.map(([name]) => ({ name, ...method.get(name)! }));
    for (const { name, executable } of states) {
      const status = executable?.statusCode.name ?? "MISSING";
      if (!good(executable) && status !== "BadNodeIdUnknown") gaps.add("capabilities", status, `Whether ${name} can be called could not be read (${status}).`);
    }
    const implemented = states.every((m) => flag(m.executable));
    const allowed = states.every((m) => flag(m.userExecutable));
    if (implemented && !allowed) {
      const refused = states.filter((m) => !flag(m.userExecutable)).map((m) => m.name);
      gaps.add(
        "capabilities",
        "BadUserAccessDenied",
        `The controller implements ${feature.name}, but ${userName ?? "this login"} may not call ${refused.join(", ")} (UserExecutable is false): store a login with the SecurityAdmin role for this controller to use it.`,
      );
    }
    return implemented && allowed;
  });
  let serverTime: string | null = null;
  const clock: unknown = time?.value.value;
  if (good(time) && clock instanceof Date && !Number.isNaN(clock.getTime())) serverTime = clock.toISOString();
  else gaps.add("clock", time?.statusCode.name ?? "MISSING", "The controller's clock (Server_ServerStatus_CurrentTime) could not be read.");

  const part18 = good(userManagement) && usable[0] === true;
  const part12 = usable[1] === true;
  const modifyUsers = part18 && usable[2] === true;

  return {
    serverTime,
    productName: good(product) ? cleanOptional(product.value.value, 500) : null,
    softwareVersion: good(version) ? cleanOptional(version.value.value, 200) : null,
    part18,
    part12,
    modifyUsers,
    passwordPolicy: part18 ? passwordPolicy(length, options, restrictions, gaps) : null,
  };
}

function passwordPolicy(length: DataValue | undefined, options: DataValue | undefined, restrictions: DataValue | undefined, gaps: GapList): PasswordPolicyInfo | null {
  const range: unknown = length?.value.value;
  const low = good(length) ? count((range as { low?: unknown } | null)?.low) : null;
  const high = good(length) ? count((range as { high?: unknown } | null)?.high) : null;
  if (low === null || high === null) {
    gaps.add("policy", length?.statusCode.name ?? "MISSING", "The password length limits (Part 18 PasswordLength) could not be read.");
    return null;
  }
  const text: unknown = good(restrictions) ? restrictions.value.value : null;
  return {
    minLength: low,
    maxLength: high,
    options: good(options) ? (count(options.value.value) ?? 0) : 0,
    restrictions: cleanOptional((text as { text?: unknown } | null)?.text ?? text, 2000),
  };
}

/** A non-negative integer from a decoded number, or null. */
export function count(value: unknown): number | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return null;
  return Math.min(Math.round(value), Number.MAX_SAFE_INTEGER);
}

/** Open sessions on the controller, without Fieldproof's own. */
export async function readSessions(session: ClientSession, guard: CallGuard, gaps: GapList, tally: TruncationTally): Promise<SessionInfo[] | null> {
  const [list, security] = await guard.step({ stage: "read", action: "reading the sessions" }, () =>
    session.read([read(NODE.sessionDiagnostics), read(NODE.sessionSecurityDiagnostics)]),
  );
  if (!good(list) || !Array.isArray(list.value.value)) {
    gaps.add("sessions", list?.statusCode.name ?? "MISSING", `The open sessions (SessionDiagnosticsArray) could not be read (${list?.statusCode.name ?? "no value"}).`);
    return null;
  }
  const users = new Map<string, string>();
  // Often empty or refused (it needs an administrator); the user of a session is then unknown.
  if (good(security) && Array.isArray(security.value.value)) {
    for (const entry of security.value.value as unknown[]) {
      const item = entry as { sessionId?: { toString(): string }; clientUserIdOfSession?: unknown } | null;
      if (item?.sessionId && typeof item.clientUserIdOfSession === "string") users.set(item.sessionId.toString(), item.clientUserIdOfSession);
    }
  }
  const own = session.sessionId?.toString();
  const sessions: SessionInfo[] = [];
  const entries = list.value.value as unknown[];
  for (const entry of entries) {
    const item = entry as { sessionId?: { toString(): string }; sessionName?: unknown; clientDescription?: { applicationName?: { text?: unknown } } } | null;
    const id = item?.sessionId?.toString();
    if (!item || (id !== undefined && id === own)) continue;
    if (sessions.length >= MAX_SESSIONS) {
      gaps.add("sessions", "TRUNCATED", `The controller listed ${entries.length} sessions; the first ${MAX_SESSIONS} are kept.`);
      break;
    }
    const user = id ? users.get(id) : undefined;
    sessions.push({
      sessionName: tally.take(item.sessionName, 500),
      clientName: tally.take(item.clientDescription?.applicationName?.text, 500),
      userName: user ? tally.take(user, 500) || null : null,
    });
  }
  return sessions;
}

import type {
  AddressSpace,
  CallMethodResultOptions,
  ISessionContext,
  PermissionType,
  StatusCode,
  UAMethod,
  UAVariable,
  Variant,
} from "node-opcua";
import { callerOf, type Caller } from "./caller";
import type { ControllerStore, UserChange } from "./controllerStore";
import { runChange, type ChangeContext, type ChangeOutcome, type FaultSwitch } from "./faults";
import { describePolicy, policyViolation } from "./passwords";
import { PASSWORD_OPTIONS, USER_CONFIGURATION, fromUserConfiguration, toUserConfiguration } from "./part18Masks";
import type { Opcua } from "./opcua";
import type { PasswordPolicy } from "./types";

export interface UserManagementOptions {
  readonly addressSpace: AddressSpace;
  readonly store: ControllerStore;
  readonly faults: FaultSwitch;
  readonly policy: PasswordPolicy;
  /** Hooks the fault handling needs from the running server. */
  readonly hooks: Pick<ChangeContext, "sleep"> & {
    dropConnection(context: ISessionContext): void;
    /** Part 18: sessions of a removed or disabled user are closed. */
    closeSessionsOf(userName: string): void;
  };
}

// Permission values copied from the standard nodeset (Opc.Ua.NodeSet2.xml, i=24290...): node-opcua
// 2.157 does not load RolePermissions/AccessRestrictions from the XML, so without this any logged-in
// user could read the Users list over an unencrypted channel.
/** Permission bits exactly as the nodeset writes them (e.g. 4097 = Browse | Call). */
const bits = (value: number): PermissionType => value;

type StatusCodeTable = Opcua["ua"]["StatusCodes"];

/** Binds Part 18 user management (Server/ServerConfiguration/UserManagement, i=24290) to the store. */
export function installUserManagement(opcua: Opcua, options: UserManagementOptions): void {
  const { AccessRestrictionsFlag, DataType, DataTypeIds, MethodIds, ObjectIds, Range, StatusCodes, Variant, VariantArrayType, VariableIds, WellKnownRoles, resolveNodeId } =
    opcua.ua;
  const ENCRYPTED = AccessRestrictionsFlag.SigningRequired | AccessRestrictionsFlag.EncryptionRequired;
  const AUTHENTICATED = resolveNodeId(WellKnownRoles.AuthenticatedUser);
  const SECURITY_ADMIN = resolveNodeId(WellKnownRoles.SecurityAdmin);
  const { addressSpace } = options;
  const node = addressSpace.findNode(ObjectIds.UserManagement);
  if (!node) throw new Error("the standard nodeset has no UserManagement object (i=24290)");
  node.setRolePermissions([
    { roleId: AUTHENTICATED, permissions: bits(4097) },
    { roleId: SECURITY_ADMIN, permissions: bits(65423) },
  ]);

  const variable = (id: number): UAVariable => addressSpace.findNode(id) as UAVariable;
  const users = variable(VariableIds.UserManagement_Users);
  users.setRolePermissions([{ roleId: SECURITY_ADMIN, permissions: bits(59391) }]);
  users.setAccessRestrictions(ENCRYPTED);
  const UserManagementDataType = resolveNodeId(DataTypeIds.UserManagementDataType);
  users.bindVariable(
    {
      get: () =>
        new Variant({
          dataType: DataType.ExtensionObject,
          arrayType: VariantArrayType.Array,
          value: options.store.snapshot().map((user) =>
            addressSpace.constructExtensionObject(UserManagementDataType, {
              userName: user.userName,
              userConfiguration: toUserConfiguration(user),
              description: user.description,
            }),
          ),
        }),
    },
    true,
  );

  // The policy is readable by every logged-in user, so a client can check a password before sending it.
  const policyNodes = [VariableIds.UserManagement_PasswordLength, VariableIds.UserManagement_PasswordOptions, VariableIds.UserManagement_PasswordRestrictions];
  for (const id of policyNodes) {
    variable(id).setRolePermissions([
      { roleId: AUTHENTICATED, permissions: bits(33) },
      { roleId: SECURITY_ADMIN, permissions: bits(59391) },
    ]);
  }
  const { policy } = options;
  variable(VariableIds.UserManagement_PasswordLength).setValueFromSource({
    dataType: DataType.ExtensionObject,
    value: new Range({ low: policy.minLength, high: policy.maxLength }),
  });
  variable(VariableIds.UserManagement_PasswordOptions).setValueFromSource({ dataType: DataType.UInt32, value: passwordOptions(policy) });
  variable(VariableIds.UserManagement_PasswordRestrictions).setValueFromSource({
    dataType: DataType.LocalizedText,
    value: { locale: "en", text: describePolicy(policy) },
  });

  const method = (id: number, adminOnly: boolean, handler: (args: readonly Variant[], caller: Caller) => Promise<StatusCode>): void => {
    const uaMethod = addressSpace.findMethod(id) as UAMethod;
    uaMethod.setRolePermissions(
      adminOnly ? [{ roleId: SECURITY_ADMIN, permissions: bits(61455) }] : [{ roleId: AUTHENTICATED, permissions: bits(4097) }, { roleId: SECURITY_ADMIN, permissions: bits(61455) }],
    );
    uaMethod.setAccessRestrictions(ENCRYPTED);
    uaMethod.bindMethod(async (args: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
      const caller = callerOf(opcua, context);
      // node-opcua checks the same before calling us; repeated so the rules live next to the handlers.
      if (!caller.encrypted) return { statusCode: StatusCodes.BadSecurityModeInsufficient };
      if (adminOnly && !caller.securityAdmin) return { statusCode: StatusCodes.BadUserAccessDenied };
      return { statusCode: await handler(args, caller) };
    });
  };

  const change = async (caller: Caller, apply: ChangeContext["apply"]): Promise<StatusCode> =>
    statusOf(
      StatusCodes,
      await runChange(options.faults.take(), {
        apply,
        sleep: options.hooks.sleep,
        dropConnection: () => options.hooks.dropConnection(caller.context),
      }),
    );

  const { store } = options;

  method(MethodIds.UserManagement_ChangePassword, false, async (args, caller) => {
    if (caller.userName === undefined) return StatusCodes.BadInvalidState;
    const user = store.user(caller.userName);
    if (!user) return StatusCodes.BadUserAccessDenied;
    if (user.noChangeByUser) return StatusCodes.BadNotSupported;
    const oldPassword = stringArg(args, 0);
    const newPassword = stringArg(args, 1);
    if (!(await store.passwordMatches(user, oldPassword))) return StatusCodes.BadIdentityTokenInvalid;
    if (newPassword === oldPassword) return StatusCodes.BadAlreadyExists;
    if (policyViolation(newPassword, policy)) return StatusCodes.BadOutOfRange;
    return change(caller, ({ keepOld }) => store.modify(user.userName, { password: newPassword }, { keepOld }));
  });

  method(MethodIds.UserManagement_ModifyUser, true, async (args, caller) => {
    const userName = stringArg(args, 0);
    if (!store.has(userName)) return StatusCodes.BadNotFound;
    let modification: UserChange = {};
    if (booleanArg(args, 1)) {
      const password = stringArg(args, 2);
      if (policyViolation(password, policy)) return StatusCodes.BadOutOfRange;
      modification = { ...modification, password };
    }
    if (booleanArg(args, 3)) {
      const configuration = numberArg(args, 4);
      const problem = configurationProblem(StatusCodes, configuration);
      if (problem) return problem;
      const flags = fromUserConfiguration(configuration);
      if (flags.disabled && userName === caller.userName) return StatusCodes.BadInvalidSelfReference;
      modification = { ...modification, ...flags };
    }
    if (booleanArg(args, 5)) modification = { ...modification, description: stringArg(args, 6) };
    if (Object.keys(modification).length === 0) return StatusCodes.Good;
    const status = await change(caller, ({ keepOld }) => store.modify(userName, modification, { keepOld }));
    if (status.isGood() && modification.disabled) options.hooks.closeSessionsOf(userName);
    return status;
  });

  method(MethodIds.UserManagement_AddUser, true, async (args, caller) => {
    const userName = stringArg(args, 0);
    if (!/^[A-Za-z0-9._@-]{1,64}$/.test(userName)) return StatusCodes.BadInvalidArgument;
    if (store.has(userName)) return StatusCodes.BadAlreadyExists;
    const password = stringArg(args, 1);
    if (policyViolation(password, policy)) return StatusCodes.BadOutOfRange;
    const configuration = numberArg(args, 2);
    const problem = configurationProblem(StatusCodes, configuration);
    if (problem) return problem;
    // Part 18 adds accounts without roles; roles come from RoleSet identities (not implemented here).
    const user = { userName, password, roles: [], description: stringArg(args, 3), ...fromUserConfiguration(configuration) };
    return change(caller, () => store.add(user));
  });

  method(MethodIds.UserManagement_RemoveUser, true, async (args, caller) => {
    const userName = stringArg(args, 0);
    const user = store.user(userName);
    if (!user) return StatusCodes.BadNotFound;
    if (userName === caller.userName) return StatusCodes.BadInvalidSelfReference;
    if (user.noDelete) return StatusCodes.BadNotSupported;
    const status = await change(caller, () => store.remove(userName));
    if (status.isGood()) options.hooks.closeSessionsOf(userName);
    return status;
  });
}

/** A controller without Part 18: the UserManagement object and its methods are gone (BadNodeIdUnknown). */
export function removeUserManagement({ ua }: Opcua, addressSpace: AddressSpace): void {
  const node = addressSpace.findNode(ua.ObjectIds.UserManagement);
  if (node) addressSpace.deleteNode(node);
}

/**
 * A controller without a RoleSet (noUserList): `Server/ServerCapabilities/RoleSet` (i=15606) and its
 * role objects are gone, so no client can list who holds which role. Access checks are unaffected:
 * node-opcua compares the role NodeIds the user manager grants, it does not need the objects.
 */
export function removeRoleSet({ ua }: Opcua, addressSpace: AddressSpace): void {
  const node = addressSpace.findNode(ua.ObjectIds.Server_ServerCapabilities_RoleSet);
  if (node) addressSpace.deleteNode(node);
}

function statusOf(StatusCodes: StatusCodeTable, outcome: ChangeOutcome): StatusCode {
  switch (outcome) {
    case "applied":
      return StatusCodes.Good;
    case "denied":
      return StatusCodes.BadUserAccessDenied;
    // Neither reaches the client: the connection is gone, or it gave up waiting.
    case "dropped":
      return StatusCodes.BadConnectionClosed;
    case "notApplied":
      return StatusCodes.BadTimeout;
  }
}

function configurationProblem(StatusCodes: StatusCodeTable, configuration: number): StatusCode | null {
  if ((configuration & ~USER_CONFIGURATION.supported) !== 0) return StatusCodes.BadNotSupported;
  return null;
}

function passwordOptions(policy: PasswordPolicy): number {
  let mask = PASSWORD_OPTIONS.SupportDisableUser | PASSWORD_OPTIONS.SupportDisableDeleteForUser | PASSWORD_OPTIONS.SupportNoChangeForUser | PASSWORD_OPTIONS.SupportDescriptionForUser;
  if (policy.requireUpper) mask |= PASSWORD_OPTIONS.RequiresUpperCaseCharacters;
  if (policy.requireLower) mask |= PASSWORD_OPTIONS.RequiresLowerCaseCharacters;
  if (policy.requireDigit) mask |= PASSWORD_OPTIONS.RequiresDigitCharacters;
  if (policy.requireSpecial) mask |= PASSWORD_OPTIONS.RequiresSpecialCharacters;
  return mask;
}

function stringArg(args: readonly Variant[], index: number): string {
  const value: unknown = args[index]?.value;
  return typeof value === "string" ? value : "";
}

function booleanArg(args: readonly Variant[], index: number): boolean {
  return args[index]?.value === true;
}

function numberArg(args: readonly Variant[], index: number): number {
  const value: unknown = args[index]?.value;
  return typeof value === "number" ? value : 0;
}

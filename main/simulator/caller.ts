import type { ISessionContext } from "node-opcua";
import type { Opcua } from "./opcua";

/** Who is calling a method, as far as the simulator's rules care. */
export interface Caller {
  readonly context: ISessionContext;
  /** Set when the session was activated with a UserName token. */
  readonly userName: string | undefined;
  readonly encrypted: boolean;
  readonly securityAdmin: boolean;
}

export function callerOf({ ua }: Opcua, context: ISessionContext): Caller {
  const token = context.session?.userIdentityToken;
  const userName = token instanceof ua.UserNameIdentityToken && typeof token.userName === "string" && token.userName ? token.userName : undefined;
  return {
    context,
    userName,
    encrypted: context.session?.channel?.securityMode === ua.MessageSecurityMode.SignAndEncrypt,
    securityAdmin: context.currentUserHasRole(ua.WellKnownRoles.SecurityAdmin),
  };
}

import type { ClientSession, VariantOptions } from "node-opcua";
import { classify } from "./errors";
import type { CallGuard } from "./guard";
import type { Ua } from "./loader";
import { NODE } from "./reads";
import type { CallOutcome } from "./types";

export type Part18Method = "ChangePassword" | "ModifyUser";

/**
 * Calls a Part 18 method and returns the controller's status as an outcome: node-opcua resolves
 * session.call with the status in the result (it does not throw), and a refusal such as
 * BadIdentityTokenInvalid or BadNodeIdUnknown (no Part 18: rotate manually) is an answer, not a fault.
 * A cut or a timeout after the request left is an error with outcomeUnknown set.
 */
export async function callPart18(
  session: ClientSession,
  guard: CallGuard,
  method: Part18Method,
  inputArguments: VariantOptions[],
  secrets: readonly string[],
): Promise<CallOutcome> {
  const action = `calling ${method}`;
  const methodId = method === "ChangePassword" ? NODE.changePassword : NODE.modifyUser;
  try {
    const result = await guard.step({ stage: "call", action, changeInFlight: true }, () => session.call({ objectId: NODE.userManagement, methodId, inputArguments }));
    return { statusCode: result.statusCode.name, good: result.statusCode.isGood() };
  } catch (error) {
    throw classify(error, { url: guard.url, stage: "call", action, timeoutMs: guard.timeoutMs, changeInFlight: true, secrets });
  }
}

export function changePasswordArguments(ua: Ua, oldPassword: string, newPassword: string): VariantOptions[] {
  const { DataType } = ua;
  return [
    { dataType: DataType.String, value: oldPassword },
    { dataType: DataType.String, value: newPassword },
  ];
}

/** ModifyUser(UserName, ModifyPassword, Password, ModifyUserConfiguration, UserConfiguration, ModifyDescription, Description). */
export function setPasswordArguments(ua: Ua, userName: string, newPassword: string): VariantOptions[] {
  const { DataType } = ua;
  return [
    { dataType: DataType.String, value: userName },
    { dataType: DataType.Boolean, value: true },
    { dataType: DataType.String, value: newPassword },
    { dataType: DataType.Boolean, value: false },
    { dataType: DataType.UInt32, value: 0 },
    { dataType: DataType.Boolean, value: false },
    { dataType: DataType.String, value: "" },
  ];
}

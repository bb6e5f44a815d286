/**
 * Fieldproof's OPC UA client connector: discovery, posture, login probes and Part 18 password
 * changes, with certificate pinning and classified errors. node-opcua is loaded on first use only.
 * See docs/connector.md.
 */
export { createOpcUaConnector } from "./connector";
export { OpcUaError, type Stage } from "./errors";
export { PASSWORD_POLICIES } from "./endpoints";
export type {
  CallOptions,
  CallOutcome,
  Discovery,
  Login,
  LoginOutcome,
  OpcUaConnector,
  OpcUaConnectorOptions,
  PinnedCallOptions,
  PostureOptions,
} from "./types";

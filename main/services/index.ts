export { createServices, type Services } from "./createServices";
export { createDispatcher, isTrustedSender, describeIssues, type Dispatch, type SenderInfo, type Handlers } from "./dispatch";
export { createHandlers } from "./handlers";
export { resolveDataDir, STORE_FILE, type ServicesConfig, type Runtime, type FileDialogs, type FileDialog } from "./config";
export { isAppUrl } from "./navigation";

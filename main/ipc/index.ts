// The IPC adapter: the contract's channels bound to the use cases (services), the dispatcher that
// validates every request, and the in-process invoke for the CLI and tests.
export { createChannelRunner, createDispatcher, isTrustedSender, type ChannelRunner, type Dispatch, type DispatchOptions, type Handlers, type SenderInfo } from "./dispatch";
export { createInvoke, type Invoke, type InvokeResult } from "./invoke";
export { createHandlers } from "./handlers";
export { isAppUrl } from "./navigation";

/**
 * `@gtm-clarity/connector-o365/sandbox`: a loopback fake of the Microsoft 365 API for tests, demos and benchmarks.
 * Built on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { startO365Sandbox, type O365Sandbox, type O365SandboxOptions } from "./server.js";
export { o365Sandbox } from "./descriptor.js";
export { sandboxData, sandboxRecords, SANDBOX_KINDS, type SandboxData } from "./data.js";
export { SANDBOX_EPOCH, type SandboxKind } from "./data/shared.js";
export * from "./data/person.js";
export * from "./data/account.js";
export * from "./data/activity.js";
export * from "./auth.js";

/**
 * `@gtm-clarity/connector-salesforce/sandbox`: a loopback fake of the Salesforce API for tests, demos and benchmarks.
 * Built on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from "./server.js";
export { salesforceSandbox } from "./descriptor.js";
export { sandboxData, sandboxRecords, SANDBOX_KINDS, type SandboxData } from "./data.js";
export { SANDBOX_EPOCH, type SandboxKind } from "./data/shared.js";
export * from "./data/person.js";
export * from "./data/account.js";
export * from "./data/activity.js";
export * from "./auth.js";

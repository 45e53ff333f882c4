/**
 * `@gtm-clarity/connector-customerio/sandbox`: a loopback fake of the Customer.io API for tests, demos and benchmarks.
 * Built on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { startCustomerioSandbox, type CustomerioSandbox, type CustomerioSandboxOptions } from "./server.js";
export { customerioSandbox } from "./descriptor.js";
export { sandboxData, sandboxRecords, SANDBOX_KINDS, type SandboxData } from "./data.js";
export { SANDBOX_EPOCH, type SandboxKind } from "./data/shared.js";
export * from "./data/person.js";
export * from "./data/account.js";
export * from "./data/activity.js";
export * from "./auth.js";
export * from "./webhook-sender.js";

/**
 * `@gtm-clarity/connector-o365/sandbox`: a loopback fake of Entra ID and Microsoft Graph for tests, demos and
 * benchmarks, on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { startO365Sandbox, type O365Sandbox, type O365SandboxOptions, type O365SandboxStats } from "./server.js";
export { o365Sandbox } from "./descriptor.js";
export { PRIVACY_CANARY, SANDBOX_EPOCH, type SandboxTenant, type SandboxUser } from "./data.js";
export { DeltaCollection } from "./delta-collection.js";
export { FakeEntra, SANDBOX_AUTHORITY_HOST } from "./entra.js";
export type { ExpiryStyle, GraphStream } from "./graph.js";

/**
 * `@gtm-clarity/connector-salesforce/sandbox`: a loopback fake of Salesforce for tests, demos and benchmarks, built
 * on `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { startSalesforceSandbox, type SalesforceSandbox, type SalesforceSandboxOptions } from "./server.js";
export { salesforceSandbox } from "./descriptor.js";
export { SandboxOAuthServer, type SandboxOAuthOptions } from "./oauth.js";
export {
  DEFAULT_COUNTS,
  makeRecord,
  malformedRecord,
  MODSTAMP_GROUP,
  SANDBOX_EPOCH,
  sandboxData,
  sfDateTime,
  type SandboxData,
  type SandboxRecord,
} from "./data.js";
export { sandboxId, KEY_PREFIX } from "./ids.js";
export { parseSoql, SoqlError } from "./soql.js";

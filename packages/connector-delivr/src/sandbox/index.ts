/**
 * `@gtm-clarity/connector-delivr/sandbox`: a loopback fake of the Delivr.ai data APIs for tests, demos and
 * benchmarks, with SYNTHETIC data. Built on `@gtm-clarity/testkit/sandbox`. Importing it does not register the
 * connector.
 */
export { startDelivrSandbox, MAX_RANGE_MS, DEFAULT_LIMIT, MAX_LIMIT, type DelivrSandbox, type DelivrSandboxOptions } from "./server.js";
export { delivrSandbox } from "./descriptor.js";
export {
  companyFields,
  expectedRecords,
  sandboxDataSet,
  SANDBOX_ORGANIZATION,
  SANDBOX_OTHER_PIXEL,
  SANDBOX_PIXEL,
  SANDBOX_PROJECT,
  type SandboxDataOptions,
  type SandboxDataSet,
} from "./data.js";
export { parseFilter, type Row, type RowFilter } from "./filter.js";
export { createSandboxAuth, UNAUTHORIZED, type SandboxAuth } from "./auth.js";

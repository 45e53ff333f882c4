/**
 * `@gtm-clarity/connector-fathom/sandbox`: a loopback fake of the Fathom API for tests, demos and benchmarks, built on
 * `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export { fathomSandbox, type FathomSandbox, type FathomSandboxSettings } from "./server.js";
// The Fathom-specific controls the descriptor does not have (meetings malformed for good, not once), for tests.
export { startFathomSandbox, type FathomSandboxOptions } from "./server.js";

/**
 * `@gtm-clarity/connector-fathom/sandbox`: a loopback fake of the Fathom API for tests, demos and benchmarks, built on
 * `@gtm-clarity/testkit/sandbox`. Importing it does not register the connector.
 */
export {
  fathomSandbox,
  startFathomSandbox,
  SANDBOX_BASE_PATH,
  type FathomSandbox,
  type FathomSandboxOptions,
  type FathomSandboxStats,
  type SandboxFaults,
  type SandboxRateLimitOptions,
  type SandboxRequestRecord,
} from "./server.js";
export {
  generateMeeting,
  generateMeetings,
  malformMeeting,
  SANDBOX_INTERNAL_DOMAIN,
  SANDBOX_EPOCH,
  SANDBOX_FIRST_RECORDING_ID,
} from "./data.js";

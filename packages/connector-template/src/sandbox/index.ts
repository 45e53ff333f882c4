/**
 * `@gtm-clarity/connector-template/sandbox`: a loopback fake of the Template API for tests, demos and benchmarks.
 * Importing it does not register the connector.
 */
export {
  startTemplateSandbox,
  type TemplateSandbox,
  type TemplateSandboxOptions,
  type SandboxStats,
} from "./server.js";
export {
  sandboxData,
  sandboxPerson,
  sandboxAccount,
  sandboxActivity,
  malformedPerson,
  malformedAccount,
  malformedActivity,
  SANDBOX_COUNTS,
  SANDBOX_EPOCH,
  type SandboxData,
} from "./data.js";
export { RateWindow, type RateDecision } from "./rate-limit.js";
export * from "./auth.js";
export * from "./webhook-sender.js";

/**
 * `@gtm-clarity/connector-fathom/sandbox`: a loopback fake of the Fathom API for tests, demos and benchmarks.
 * Importing it does not register the connector.
 */
export {
  startFathomSandbox,
  SANDBOX_BASE_PATH,
  type FathomSandbox,
  type FathomSandboxOptions,
  type SandboxFaults,
  type SandboxRateLimitOptions,
  type SandboxRequestRecord,
  type SandboxStats,
} from "./server.js";
export {
  generateMeeting,
  generateMeetings,
  malformMeeting,
  createRandom,
  SANDBOX_INTERNAL_DOMAIN,
  SANDBOX_EPOCH,
  SANDBOX_FIRST_RECORDING_ID,
} from "./data.js";
export { FathomRateLimiter, RateWindow, type WindowMode, type RateWindowState } from "./rate-limit.js";
export {
  buildFathomWebhook,
  createWebhookId,
  createWebhookSecret,
  sendFathomWebhook,
  signFathomWebhook,
  type SignedWebhook,
  type WebhookDelivery,
} from "./webhook-sender.js";

/**
 * `@gtm-clarity/testkit/sandbox`: the kit connectors build their loopback sandboxes from. Imported at run time by
 * connectors' `./sandbox` exports and the worker's demo, so nothing reachable from here may import vitest (a test
 * walks the import graph to keep it so).
 */
export { systemClock, type Clock } from "./clock.js";
export {
  defaultErrorReply,
  empty,
  html,
  json,
  redirect,
  SandboxHttpError,
  text,
  withOutcome,
  type ErrorReply,
  type Headers,
  type Reply,
  type ReplyOutcome,
  type SandboxErrorInfo,
} from "./reply.js";
export { DEFAULT_MAX_BODY_BYTES, queryObject, readRequestBody } from "./body.js";
export { compilePathPattern, type PathParams, type PathPattern } from "./path-pattern.js";
export { route, RouteTable, type Route, type RouteHandler, type RouteMatch } from "./routes.js";
export type { SandboxRequest } from "./request.js";
export { listenOnLoopback, type LoopbackListener, type LoopbackOptions } from "./loopback.js";
export {
  startSandboxServer,
  type Guard,
  type RequestRecord,
  type SandboxServer,
  type SandboxServerOptions,
} from "./server.js";
export type { SandboxStats } from "./stats.js";
export {
  anyGuard,
  guardWhen,
  requireBasic,
  requireBearer,
  requireHeaders,
  safeEqual,
  type Expected,
  type Refusal,
} from "./credentials.js";
export { TokenSet, type TokenSetOptions } from "./token-set.js";
export { RateWindow, type RateWindowOptions, type RateWindowState, type WindowMode } from "./rate-window.js";
export {
  formatRetryAfter,
  RateLimiter,
  rateLimitGuard,
  resolveRateWindows,
  type NamedRateWindow,
  type RateDecision,
  type RateLimiterOptions,
  type RateRefusal,
  type ResetFormat,
  type RetryAfterFormat,
} from "./rate-limiter.js";
export {
  FaultPlan,
  FaultSchema,
  isContentFault,
  type ContentFault,
  type DeliveryFault,
  type DrawnFaults,
  type Fault,
  type FaultKind,
  type FaultMatch,
  type FaultMatcher,
  type FaultSpec,
  type HtmlFault,
  type StatusFault,
} from "./faults.js";
export { hasContentFault, malformItems } from "./content-faults.js";
export { isoSeconds, itemSeed, mulberry32, SeededRandom, type Company, type PersonName, type TimestampOptions } from "./random.js";
export { COMPANY_STEMS, COMPANY_SUFFIXES, FIRST_NAMES, JOB_TITLES, LAST_NAMES } from "./names.js";
export { sandboxSecret } from "./secrets.js";
export {
  createSigningSecret,
  createStandardWebhookSecret,
  createWebhookId,
  customerIoSigner,
  standardWebhooksSigner,
  type WebhookMessage,
  type WebhookSigner,
} from "./webhook-signers.js";
export {
  sendWebhook,
  signWebhook,
  type SendWebhookOptions,
  type SignedWebhook,
  type SignOptions,
  type WebhookAttempt,
  type WebhookDelivery,
} from "./webhook-sender.js";
export type {
  RunningSandbox,
  SandboxBinding,
  SandboxDescriptor,
  SandboxRateLimitOption,
  SandboxStartOptions,
  SandboxWebhookOptions,
  SandboxWebhooks,
} from "./descriptor.js";

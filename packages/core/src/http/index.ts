export { createHttpClient } from "./client.js";
export { createHttpClientPool, type HttpClientPool } from "./client-pool.js";
export { parseRateLimitHeaders } from "./rate-limit-headers.js";
export { parseRetryAfter } from "./retry-after.js";
export { currentRequestGate, withRequestGate, type GatedRequest, type RequestGate } from "./request-gate.js";
export type { ErrorBodyOptions } from "./vendor-error.js";
export type {
  HttpClient,
  HttpClientOptions,
  HttpDecision,
  HttpStats,
  RateLimitPolicy,
  RequestOptions,
  RetryPolicy,
} from "./types.js";
export {
  VendorClients,
  type VendorClientOverrides,
  type VendorClientRequest,
  type VendorProfile,
} from "./vendor-clients.js";

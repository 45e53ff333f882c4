/**
 * The Delivr.ai HTTP client: core's client (pacing, Retry-After and RateLimit-* headers, backoff with a
 * total-wait cap, AuthError on 401, zod-validated bodies) with Delivr.ai's rate-limit policy. Clients are kept
 * per base URL and credential for the connector's lifetime, so pacing state carries across the pages of a sync.
 */
import { VendorClients, type RateLimitPolicy, type RetryPolicy, type VendorClientOverrides } from "@gtm-clarity/core";
import { DelivrErrorSchema, readDelivrError, type DelivrErrorBody } from "./api-schema.js";

/**
 * Delivr documents no rate limit (vendor-apis.md §5.2), so the client paces itself at 10 requests a second, a budget
 * no documented integration exceeds, and slows down further whenever the server sends RateLimit-* or Retry-After.
 */
export const DELIVR_RATE_LIMIT: RateLimitPolicy = { requests: 10, windowMs: 1_000, respectHeaders: true };

export const DELIVR_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

/** Injected into every client (tests, the sandbox): `fetch`, `rateLimit`, `retry`, `timeoutMs`, `clock`. */
export type DelivrClientOptions = VendorClientOverrides;

/** HTTP clients per (base URL, auth headers); the least recently used is evicted first. */
export class DelivrClients extends VendorClients<DelivrErrorBody> {
  constructor(options: DelivrClientOptions = {}) {
    super(
      {
        name: "delivr",
        headers: { Accept: "application/json" },
        // Errors carry the API's own code and message (`vendorCode`, `vendorMessage`), secrets scrubbed by core.
        errorBody: { schema: DelivrErrorSchema, read: readDelivrError },
        rateLimit: DELIVR_RATE_LIMIT,
        retry: DELIVR_RETRY,
      },
      options,
    );
  }
}

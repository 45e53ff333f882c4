/**
 * The App API client: core's HTTP client (pacing, backoff with a total-wait cap, AuthError on 401, zod-validated
 * bodies) with Customer.io's budget. Clients are kept per (base URL, credential) for the connector's lifetime, so
 * pacing carries across the pages of a sync and across syncs of one workspace.
 */
import { VendorClients, type RateLimitPolicy, type RetryPolicy, type VendorClientOverrides } from "@gtm-clarity/core";
import { CustomerioErrorSchema, readCustomerioError, type CustomerioErrorBody } from "./api-schema.js";

/**
 * The App API allows 10 requests per second per workspace and sends no rate-limit headers, so the client paces
 * itself. The window is 1,050 ms rather than 1,000: the server counts arrivals, not departures, and a request that
 * leaves on time can arrive in the next server window a little early; 5% of the budget buys no 429 at all.
 */
export const CUSTOMERIO_RATE_LIMIT: RateLimitPolicy = { requests: 10, windowMs: 1_050, respectHeaders: false };

/** A 429 has no Retry-After: the exponential backoff (from 1 s, the length of the window) decides the wait. */
export const CUSTOMERIO_RETRY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

/** Injected into every client (tests, the sandbox): `fetch`, `rateLimit`, `retry`, `timeoutMs`, `clock`. */
export type CustomerioClientOptions = VendorClientOverrides;

export class CustomerioClients extends VendorClients<CustomerioErrorBody> {
  constructor(options: CustomerioClientOptions = {}) {
    super(
      {
        name: "customerio",
        headers: { Accept: "application/json" },
        errorBody: { schema: CustomerioErrorSchema, read: readCustomerioError },
        rateLimit: CUSTOMERIO_RATE_LIMIT,
        retry: CUSTOMERIO_RETRY,
      },
      options,
    );
  }
}

/**
 * The Template HTTP client: core's client (pacing, Retry-After and RateLimit-* headers, backoff with a
 * total-wait cap, AuthError on 401, zod-validated bodies) with Template's rate-limit policy. Clients are kept
 * per base URL and credential for the connector's lifetime, so pacing state carries across the pages of a sync.
 */
import { VendorClients, type RateLimitPolicy, type RetryPolicy, type VendorClientOverrides } from "@gtm-clarity/core";
import { TemplateErrorSchema, type TemplateError } from "./api-schema.js";

/** The production API. A connection may point elsewhere with `settings.baseUrl` (the sandbox does). */
export const TEMPLATE_BASE_URL = "https://api.template.example";

/**
 * Template's budget, paced on our side so that a 429 stays the exception. Replace these with the documented numbers;
 * the server's RateLimit-* headers slow the client down further whenever they say so.
 */
export const TEMPLATE_RATE_LIMIT: RateLimitPolicy = { requests: 100, windowMs: 60_000, respectHeaders: true };

export const TEMPLATE_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

/** Injected into every client (tests, the sandbox): `fetch`, `rateLimit`, `retry`, `timeoutMs`, `clock`. */
export type TemplateClientOptions = VendorClientOverrides;

/** HTTP clients per (base URL, auth headers); the least recently used is evicted first. */
export class TemplateClients extends VendorClients<TemplateError> {
  constructor(options: TemplateClientOptions = {}) {
    super(
      {
        name: "template",
        headers: { Accept: "application/json" },
        // Errors carry the API's own code and message (`vendorCode`, `vendorMessage`), secrets scrubbed by core.
        errorBody: { schema: TemplateErrorSchema, read: (body) => body.error },
        rateLimit: TEMPLATE_RATE_LIMIT,
        retry: TEMPLATE_RETRY,
      },
      options,
    );
  }
}

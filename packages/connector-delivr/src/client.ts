/**
 * The Delivr.ai HTTP client: core's client (pacing, Retry-After and RateLimit-* headers, backoff with a
 * total-wait cap, AuthError on 401, zod-validated bodies) with Delivr.ai's rate-limit policy. Clients are kept
 * per base URL and credential for the connector's lifetime, so pacing state carries across the pages of a sync.
 */
import {
  createHttpClient,
  createHttpClientPool,
  noopLogger,
  type HttpClient,
  type HttpClientOptions,
  type Logger,
  type RateLimitPolicy,
  type RetryPolicy,
} from "@gtm-clarity/core";
import { DelivrErrorSchema } from "./api-schema.js";

/** The production API. A connection may point elsewhere with `settings.baseUrl` (the sandbox does). */
export const DELIVR_BASE_URL = "https://api.delivr.example";

/**
 * Delivr.ai's budget, paced on our side so that a 429 stays the exception. Replace these with the documented numbers;
 * the server's RateLimit-* headers slow the client down further whenever they say so.
 */
export const DELIVR_RATE_LIMIT: RateLimitPolicy = { requests: 100, windowMs: 60_000, respectHeaders: true };

export const DELIVR_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

export interface DelivrClientOptions {
  /** Injected into every client (tests). */
  fetch?: typeof fetch;
  rateLimit?: RateLimitPolicy;
  retry?: RetryPolicy;
  timeoutMs?: number;
  clock?: NonNullable<HttpClientOptions["clock"]>;
}

/** HTTP clients per (base URL, auth headers); the least recently used is evicted first. */
export class DelivrClients {
  readonly #options: DelivrClientOptions;
  readonly #pool = createHttpClientPool();

  constructor(options: DelivrClientOptions = {}) {
    this.#options = options;
  }

  get(baseUrl: string, authHeaders: Record<string, string>, logger: Logger = noopLogger): HttpClient {
    // The pool hashes the identity: the credential in the auth headers is never kept as a key.
    return this.#pool.get([baseUrl, JSON.stringify(authHeaders)], logger, (log) =>
      createHttpClient({
        name: "delivr",
        baseUrl,
        headers: { Accept: "application/json", ...authHeaders },
        // Errors carry the API's own code and message (`vendorCode`, `vendorMessage`), secrets scrubbed by core.
        errorBody: { schema: DelivrErrorSchema, read: (body) => body.error },
        rateLimit: this.#options.rateLimit ?? DELIVR_RATE_LIMIT,
        retry: this.#options.retry ?? DELIVR_RETRY,
        logger: log,
        ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
        ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
        ...(this.#options.clock === undefined ? {} : { clock: this.#options.clock }),
      }),
    );
  }
}

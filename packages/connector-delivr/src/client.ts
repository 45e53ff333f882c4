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
import { DelivrErrorSchema, readDelivrError } from "./api-schema.js";

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
        errorBody: { schema: DelivrErrorSchema, read: readDelivrError },
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

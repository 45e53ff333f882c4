/** src/client.ts: core's HTTP client with the connector's rate-limit policy, cached per credential. */
import type { TemplateContext } from "./context.js";

export function clientTs(ctx: TemplateContext): string {
  const { pascal: p, constant: c, displayName: d, name } = ctx;
  return `/**
 * The ${d} HTTP client: core's client (pacing, Retry-After and RateLimit-* headers, backoff with a
 * total-wait cap, AuthError on 401, zod-validated bodies) with ${d}'s rate-limit policy. Clients are kept
 * per base URL and credential for the connector's lifetime, so pacing state carries across the pages of a sync.
 */
import {
  createForwardingLogger,
  createHttpClient,
  noopLogger,
  type HttpClient,
  type HttpClientOptions,
  type Logger,
  type RateLimitPolicy,
  type RetryPolicy,
} from "@gtm-clarity/core";
import { createHash } from "node:crypto";

/** The production API. A connection may point elsewhere with \`settings.baseUrl\` (the sandbox does). */
export const ${c}_BASE_URL = "https://api.${name}.example";

/**
 * ${d}'s budget, paced on our side so that a 429 stays the exception. Replace these with the documented numbers;
 * the server's RateLimit-* headers slow the client down further whenever they say so.
 */
export const ${c}_RATE_LIMIT: RateLimitPolicy = { requests: 100, windowMs: 60_000, respectHeaders: true };

export const ${c}_RETRY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

export interface ${p}ClientOptions {
  /** Injected into every client (tests). */
  fetch?: typeof fetch;
  rateLimit?: RateLimitPolicy;
  retry?: RetryPolicy;
  timeoutMs?: number;
  clock?: NonNullable<HttpClientOptions["clock"]>;
}

const MAX_CACHED_CLIENTS = 256;

interface CachedClient {
  client: HttpClient;
  /** Where the client's own log lines (retries, pacing) go: the logger of the call that uses it now. */
  target: { logger: Logger };
}

/** HTTP clients per (base URL, auth headers); the least recently used is evicted first. */
export class ${p}Clients {
  readonly #options: ${p}ClientOptions;
  readonly #clients = new Map<string, CachedClient>();

  constructor(options: ${p}ClientOptions = {}) {
    this.#options = options;
  }

  get(baseUrl: string, authHeaders: Record<string, string>, logger: Logger = noopLogger): HttpClient {
    // The credential is never a map key: a fingerprint is enough and keeps it out of heap dumps of this map.
    const fingerprint = createHash("sha256").update(JSON.stringify(authHeaders)).digest("hex");
    const key = \`\${baseUrl}\\n\${fingerprint}\`;
    const cached = this.#clients.get(key);
    if (cached) {
      cached.target.logger = logger;
      this.#clients.delete(key);
      this.#clients.set(key, cached);
      return cached.client;
    }
    const target = { logger };
    const client = createHttpClient({
      name: ${JSON.stringify(name)},
      baseUrl,
      headers: { Accept: "application/json", ...authHeaders },
      rateLimit: this.#options.rateLimit ?? ${c}_RATE_LIMIT,
      retry: this.#options.retry ?? ${c}_RETRY,
      logger: createForwardingLogger(target),
      ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
      ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
      ...(this.#options.clock === undefined ? {} : { clock: this.#options.clock }),
    });
    this.#clients.set(key, { client, target });
    if (this.#clients.size > MAX_CACHED_CLIENTS) {
      const oldest = this.#clients.keys().next().value;
      if (oldest !== undefined) this.#clients.delete(oldest);
    }
    return client;
  }
}
`;
}

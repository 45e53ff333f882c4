/**
 * Microsoft Graph through core's HTTP client. Outlook's limits apply per (app, mailbox): 10,000 requests per
 * 10 minutes and 4 requests in flight (vendor-apis.md §2.3), so there is one client per mailbox (keyed by the
 * account's homeAccountId, never by a token) shared by every sync of that mailbox in this process, and the access
 * token travels per request. Core honours Retry-After on 429/503/504, fractional seconds included.
 */
import {
  createHttpClient,
  createHttpClientPool,
  type HttpClient,
  type HttpClientOptions,
  type Logger,
  type RateLimitPolicy,
  type RetryPolicy,
} from "@gtm-clarity/core";
import { GraphErrorSchema } from "./schemas.js";

/** Outlook's per-mailbox budget and concurrency. */
export const GRAPH_RATE_LIMIT: RateLimitPolicy = {
  requests: 10_000,
  windowMs: 600_000,
  maxConcurrency: 4,
  respectHeaders: true,
};

export const GRAPH_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 };

export interface GraphClientOptions {
  fetch?: typeof fetch;
  rateLimit?: RateLimitPolicy;
  retry?: RetryPolicy;
  timeoutMs?: number;
  clock?: NonNullable<HttpClientOptions["clock"]>;
}

/** Every Graph request asks for immutable ids (ids that survive a move between folders) and UTC event times. */
export function graphPreferHeader(pageSize?: number): string {
  const prefs = ['IdType="ImmutableId"', 'outlook.timezone="UTC"'];
  if (pageSize !== undefined) prefs.push(`odata.maxpagesize=${pageSize}`);
  return prefs.join(", ");
}

export class GraphClients {
  readonly #options: GraphClientOptions;
  readonly #pool = createHttpClientPool();

  constructor(options: GraphClientOptions = {}) {
    this.#options = options;
  }

  /** The client of one mailbox (`mailboxKey`: the MSAL homeAccountId, `oid.tid`). */
  get(baseUrl: string, mailboxKey: string, logger: Logger): HttpClient {
    const rateLimit = { ...GRAPH_RATE_LIMIT, ...this.#options.rateLimit };
    return this.#pool.get([baseUrl, mailboxKey], logger, (log) =>
      createHttpClient({
        name: "o365",
        baseUrl,
        headers: { Accept: "application/json" },
        errorBody: { schema: GraphErrorSchema, read: (body) => body.error },
        rateLimit,
        retry: this.#options.retry ?? GRAPH_RETRY,
        logger: log,
        ...(this.#options.fetch === undefined ? {} : { fetch: this.#options.fetch }),
        ...(this.#options.timeoutMs === undefined ? {} : { timeoutMs: this.#options.timeoutMs }),
        ...(this.#options.clock === undefined ? {} : { clock: this.#options.clock }),
      }),
    );
  }
}

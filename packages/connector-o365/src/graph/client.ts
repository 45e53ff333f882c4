/**
 * Microsoft Graph through core's HTTP client. Outlook's limits apply per (app, mailbox): 10,000 requests per
 * 10 minutes and 4 requests in flight (vendor-apis.md §2.3), so there is one client per mailbox (keyed by the
 * account's homeAccountId, never by a token) shared by every sync of that mailbox in this process, and the access
 * token travels per request. Core honours Retry-After on 429/503/504, fractional seconds included.
 */
import {
  VendorClients,
  type HttpClient,
  type Logger,
  type RateLimitPolicy,
  type RetryPolicy,
  type VendorClientOverrides,
} from "@gtm-clarity/core";
import { GraphErrorSchema, type GraphError } from "./schemas.js";

/** Outlook's per-mailbox budget and concurrency. */
export const GRAPH_RATE_LIMIT: RateLimitPolicy = {
  requests: 10_000,
  windowMs: 600_000,
  maxConcurrency: 4,
  respectHeaders: true,
};

export const GRAPH_RETRY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, maxTotalWaitMs: 120_000 };

/**
 * Injected into every client (tests, the sandbox). `rateLimit` is laid over Graph's budget field by field, so a test
 * may shrink the window and keep the concurrency limit.
 */
export type GraphClientOptions = VendorClientOverrides;

/** Every Graph request asks for immutable ids (ids that survive a move between folders) and UTC event times. */
export function graphPreferHeader(pageSize?: number): string {
  const prefs = ['IdType="ImmutableId"', 'outlook.timezone="UTC"'];
  if (pageSize !== undefined) prefs.push(`odata.maxpagesize=${pageSize}`);
  return prefs.join(", ");
}

export class GraphClients {
  readonly #clients: VendorClients<GraphError>;

  constructor(options: GraphClientOptions = {}) {
    const { rateLimit, ...overrides } = options;
    this.#clients = new VendorClients(
      {
        name: "o365",
        headers: { Accept: "application/json" },
        errorBody: { schema: GraphErrorSchema, read: (body) => body.error },
        rateLimit: { ...GRAPH_RATE_LIMIT, ...rateLimit },
        retry: GRAPH_RETRY,
      },
      overrides,
    );
  }

  /**
   * The client of one mailbox (`mailboxKey`: the MSAL homeAccountId, `oid.tid`). The access token travels per
   * request, so it is no part of the client.
   */
  get(baseUrl: string, mailboxKey: string, logger: Logger): HttpClient {
    return this.#clients.client({ baseUrl, partition: [mailboxKey] }, logger);
  }
}

/**
 * The Salesforce HTTP client: core's client (timeouts, backoff with a total-wait cap, AuthError on 401, zod-validated
 * bodies, POST/PATCH never re-sent after a transport failure unless marked idempotent) with Salesforce's quirks:
 * error bodies are `[{message, errorCode}]`, an exhausted allocation is a 403 `REQUEST_LIMIT_EXCEEDED` (a rate limit
 * with a long wait, no Retry-After), and every response's `Sforce-Limit-Info` feeds the usage tracker. Clients are
 * kept per (instance URL, API version, access token) for the connector's lifetime.
 */
import {
  noopLogger,
  VendorClients,
  type HttpClient,
  type HttpDecision,
  type Logger,
  type RetryPolicy,
  type VendorClientOverrides,
  type VendorError,
} from "@gtm-clarity/core";
import { firstError, SalesforceErrorSchema, type SalesforceErrorBody } from "./api-schema.js";
import { ApiUsageTracker, CONCURRENCY_PAUSE_MS, LIMIT_PAUSE_MS } from "./limits.js";

export const SALESFORCE_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 60_000,
};

/** Injected into every client (tests, the sandbox). The budget is Salesforce's own: it cannot be overridden. */
export type SalesforceClientOptions = Omit<VendorClientOverrides, "rateLimit">;

/** 403 REQUEST_LIMIT_EXCEEDED is the allocation (or the concurrent long-request limit), not a refusal of access. */
export function classifySalesforce(response: { status: number; vendorError?: VendorError }): HttpDecision | undefined {
  if (response.status !== 403 || response.vendorError?.code !== "REQUEST_LIMIT_EXCEEDED") return undefined;
  const concurrent = /concurrent/i.test(response.vendorError.message ?? "");
  return { kind: "rate_limit", retryAfterMs: concurrent ? CONCURRENCY_PAUSE_MS : LIMIT_PAUSE_MS };
}

export class SalesforceClients {
  readonly #clients: VendorClients<SalesforceErrorBody>;
  readonly usage: ApiUsageTracker;

  constructor(options: SalesforceClientOptions = {}, usage: ApiUsageTracker = new ApiUsageTracker()) {
    const { fetch, retry, timeoutMs, clock } = options;
    this.#clients = new VendorClients(
      {
        name: "salesforce",
        headers: { Accept: "application/json" },
        errorBody: { schema: SalesforceErrorSchema, read: firstError },
        retry: SALESFORCE_RETRY,
      },
      { fetch, retry, timeoutMs, clock },
    );
    this.usage = usage;
  }

  /** The REST client of one org at `instanceUrl`, paths relative to `/services/data/{apiVersion}`. */
  rest(instanceUrl: string, apiVersion: string, accessToken: string, logger: Logger = noopLogger): HttpClient {
    const origin = new URL(instanceUrl).origin;
    return this.#clients.client(
      {
        baseUrl: `${origin}/services/data/${apiVersion}`,
        headers: { Authorization: `Bearer ${accessToken}` },
        rateLimit: {
          respectHeaders: false,
          classify: (response) => {
            this.usage.observe(origin, response.headers.get("sforce-limit-info"));
            return classifySalesforce(response);
          },
        },
      },
      logger,
    );
  }
}

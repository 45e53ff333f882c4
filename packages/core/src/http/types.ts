import type { z } from "zod";
import type { VendorError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ErrorBodyOptions } from "./vendor-error.js";

/** What the client should do with a response, decided before (or instead of) the generic status handling. */
export type HttpDecision =
  | { kind: "rate_limit"; retryAfterMs?: number }
  | { kind: "retry" }
  | { kind: "auth" }
  | { kind: "fail" };

export interface RateLimitPolicy {
  /** Client-side budget: at most `requests` per `windowMs` (sliding window), e.g. Fathom 60 per 60_000. */
  requests?: number;
  windowMs?: number;
  /**
   * Pace from RateLimit-Limit/-Remaining/-Reset (IETF draft; Reset = seconds until the window resets; the combined
   * `RateLimit: limit=..., remaining=..., reset=...` form and X-RateLimit-* aliases are accepted too) so that a 429
   * is the exception. Default true.
   */
  respectHeaders?: boolean;
  maxConcurrency?: number;
  /**
   * Provider quirks: map a response to a decision before generic handling, e.g. a Salesforce 403 whose
   * `vendorError.code` is REQUEST_LIMIT_EXCEEDED -> `{ kind: "rate_limit", retryAfterMs }`. Return undefined for the
   * generic handling. Called for every response, 2xx included; `vendorError` is set for a non-2xx response whose
   * body matched the client's `errorBody`.
   */
  classify?: (response: {
    status: number;
    headers: Headers;
    bodyText: string;
    vendorError?: VendorError;
  }) => HttpDecision | undefined;
}

export interface RetryPolicy {
  /** Attempts in total, the first one included. Default 5. */
  maxAttempts?: number;
  /** Default 500. */
  baseDelayMs?: number;
  /** Default 30_000. */
  maxDelayMs?: number;
  /**
   * Default 120_000: total time one call may spend waiting across retries AND server-driven pacing (Retry-After,
   * RateLimit-Reset). When the next wait would go beyond it, the call throws instead of waiting. The client's
   * `callTimeoutMs` bounds the whole call too, attempts included.
   */
  maxTotalWaitMs?: number;
  /** Default "full". */
  jitter?: "full" | "none";
}

export interface HttpClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `E` is the vendor's error body type, inferred from `errorBody.schema`. */
export interface HttpClientOptions<E = unknown> {
  baseUrl: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Per attempt, headers and body included; the call's deadline (`callTimeoutMs`) may cut an attempt shorter. Default 30_000. */
  timeoutMs?: number;
  /**
   * Per call: every attempt, backoff, Retry-After and pacing wait included, so one page can never take unbounded time
   * (a server trickling its body, a 503 storm). Reaching it is a retryable TransientError naming the call and how long
   * it ran; a wait that would go past it is not started. Wall time, even with an injected `clock`. Default 120_000.
   */
  callTimeoutMs?: number;
  /**
   * Largest response body read into memory, in bytes. A larger one (or a content-length header above it) is a
   * non-retryable HttpError, the connection closed without reading on. Default 64 MiB.
   */
  maxBodyBytes?: number;
  rateLimit?: RateLimitPolicy;
  retry?: RetryPolicy;
  logger?: Logger;
  signal?: AbortSignal;
  /** Injectable clock for tests. */
  clock?: HttpClock;
  /** Label for errors/logs, e.g. "fathom". */
  name?: string;
  /**
   * The vendor's error body: errors then carry its code and message (`vendorCode`, `vendorMessage`, and in the
   * message text) and `classify` receives them. A body that does not match still gives a redacted excerpt.
   */
  errorBody?: ErrorBodyOptions<E>;
}

export type SearchParamValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface RequestOptions {
  /** Arrays repeat the key exactly as given (`{"domains[]": ["a", "b"]}` -> `domains[]=a&domains[]=b`). */
  searchParams?: Record<string, SearchParamValue>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  json?: unknown;
  body?: string | URLSearchParams;
  /**
   * POST and PATCH are not retried after a network failure, a timeout or an ambiguous 5xx, since the server may have
   * acted on them; set true for a request that is safe to repeat (a search sent as POST, a write with an
   * idempotency key). GET, PUT, DELETE and HEAD are idempotent already.
   */
  idempotent?: boolean;
}

export interface HttpStats {
  /** Attempts sent over the wire, retries included. */
  requests: number;
  retries: number;
  /** Responses that were rate limits (429 or classified as such). */
  rateLimited: number;
  /** Time spent waiting: backoff, Retry-After, header pacing and the client-side budget. */
  waitedMs: number;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface HttpClient {
  getJson<S extends z.ZodType>(path: string, schema: S, options?: RequestOptions): Promise<z.output<S>>;
  requestJson<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    options?: RequestOptions,
  ): Promise<z.output<S>>;
  /** For endpoints with no body (204). */
  request(method: HttpMethod, path: string, options?: RequestOptions): Promise<{ status: number; headers: Headers }>;
  stats(): HttpStats;
}

/**
 * A connector's HTTP clients, one per identity (base URL, credential headers, and whatever else partitions a vendor's
 * budget), built from the connector's vendor profile (name, headers, error body, default budget and retry) and the
 * overrides its caller passed (tests and sandboxes inject `fetch`, a clock, a smaller budget). Every connector used to
 * write this class itself around `createHttpClientPool`; the only vendor-specific parts are the profile's values.
 */
import { noopLogger, type Logger } from "../logger.js";
import { createHttpClient } from "./client.js";
import { createHttpClientPool, type HttpClientPool } from "./client-pool.js";
import type { HttpClient, HttpClientOptions, RateLimitPolicy, RetryPolicy } from "./types.js";
import type { ErrorBodyOptions } from "./vendor-error.js";

/** What is the same for every client of one vendor. */
export interface VendorProfile<E = unknown> {
  /** Label for errors and logs, e.g. "delivr". */
  name: string;
  /** Sent on every request, before a client's own headers (which win on a clash). */
  headers?: Record<string, string>;
  /** The vendor's error body, so errors carry its code and message (`vendorCode`, `vendorMessage`). */
  errorBody?: ErrorBodyOptions<E>;
  /** The vendor's budget; absent: core's default pacing (RateLimit-* headers only). */
  rateLimit?: RateLimitPolicy;
  /** Absent: core's default retry policy. */
  retry?: RetryPolicy;
}

/** What a connector's caller may change for every client (tests, sandboxes, benchmarks). */
export interface VendorClientOverrides {
  /** Injected into every client (tests). */
  fetch?: typeof fetch | undefined;
  /** Replaces the vendor's budget and any per-client one. */
  rateLimit?: RateLimitPolicy | undefined;
  /** Replaces the vendor's retry policy. */
  retry?: RetryPolicy | undefined;
  timeoutMs?: number | undefined;
  clock?: NonNullable<HttpClientOptions["clock"]> | undefined;
}

/** One client's identity and what sets it apart from the vendor's other clients. */
export interface VendorClientRequest {
  baseUrl: string;
  /** Credential headers and the like; part of the identity (hashed by the pool, never kept). */
  headers?: Record<string, string>;
  /** More identity parts when clients must not be shared beyond base URL and headers (a mailbox, a budget). */
  partition?: readonly string[];
  /** This client's budget when it differs by client (computed per account, or with a hook bound to it). */
  rateLimit?: RateLimitPolicy;
}

/**
 * Clients kept for the connector's lifetime, so pacing state (the client-side window, the server's RateLimit-*
 * headers, a 429's hold-off) carries across the pages of a sync and across syncs of one account. The least recently
 * used client is evicted first. A connector subclasses it (`class DelivrClients extends VendorClients`) or holds one.
 */
export class VendorClients<E = unknown> {
  readonly #profile: VendorProfile<E>;
  readonly #overrides: VendorClientOverrides;
  readonly #pool: HttpClientPool = createHttpClientPool();

  constructor(profile: VendorProfile<E>, overrides: VendorClientOverrides = {}) {
    this.#profile = profile;
    this.#overrides = overrides;
  }

  /** The client for `baseUrl` with `authHeaders` (the credential), one per pair. */
  get(baseUrl: string, authHeaders: Record<string, string> = {}, logger: Logger = noopLogger): HttpClient {
    return this.client({ baseUrl, headers: authHeaders }, logger);
  }

  /** The client for `request`'s identity, made on first use; it logs through the latest caller's `logger`. */
  client(request: VendorClientRequest, logger: Logger = noopLogger): HttpClient {
    const headers = request.headers ?? {};
    // The pool hashes the identity: a credential in the headers is never kept as a key.
    const identity = [request.baseUrl, JSON.stringify(headers), ...(request.partition ?? [])];
    return this.#pool.get(identity, logger, (log) => createHttpClient(this.#options(request, headers, log)));
  }

  /** How many clients are kept now. */
  get size(): number {
    return this.#pool.size;
  }

  #options(request: VendorClientRequest, headers: Record<string, string>, logger: Logger): HttpClientOptions<E> {
    const profile = this.#profile;
    const overrides = this.#overrides;
    const rateLimit = overrides.rateLimit ?? request.rateLimit ?? profile.rateLimit;
    const retry = overrides.retry ?? profile.retry;
    return {
      name: profile.name,
      baseUrl: request.baseUrl,
      headers: { ...profile.headers, ...headers },
      logger,
      ...(profile.errorBody === undefined ? {} : { errorBody: profile.errorBody }),
      ...(rateLimit === undefined ? {} : { rateLimit }),
      ...(retry === undefined ? {} : { retry }),
      ...(overrides.fetch === undefined ? {} : { fetch: overrides.fetch }),
      ...(overrides.timeoutMs === undefined ? {} : { timeoutMs: overrides.timeoutMs }),
      ...(overrides.clock === undefined ? {} : { clock: overrides.clock }),
    };
  }
}

/**
 * The HTTP client every connector uses: ky sends each attempt (`retry: 0`, `throwHttpErrors: false`) and this file
 * does retries, pacing and error mapping, because ky's built-in retry knows nothing of a provider's rate-limit
 * policy, of a total wait budget, or of Salesforce answering an exhausted quota with a 403.
 */
import ky, { isTimeoutError } from "ky";
import type { z } from "zod";
import {
  AuthError,
  ConfigError,
  type ConnectorError,
  HttpError,
  isConnectorError,
  RateLimitError,
  SchemaError,
  TransientError,
  toSchemaIssues,
} from "../errors.js";
import { noopLogger, redactString } from "../logger.js";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import { abortError, sleepFor, systemClock, throwIfAborted } from "./clock.js";
import { Semaphore } from "./concurrency.js";
import { decide, type ResponseDecision } from "./decision.js";
import { validateOptions } from "./options.js";
import { Pacer } from "./pacer.js";
import { parseRateLimitHeaders } from "./rate-limit-headers.js";
import { bodySnippet, secretsOf } from "./redact-body.js";
import { parseRetryAfter } from "./retry-after.js";
import type { HttpClient, HttpClientOptions, HttpMethod, HttpStats, RequestOptions } from "./types.js";
import { parseBaseUrl, resolveUrl } from "./url.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;
const DEFAULT_MAX_TOTAL_WAIT_MS = 120_000;
/** A 429 that says "retry after 0" (a Reset rounded down) must not turn into a hot loop. */
const MIN_RATE_LIMIT_WAIT_MS = 100;

interface Completed {
  kind: "response";
  status: number;
  headers: Headers;
  bodyText: string;
}

type TransportFailure = { kind: "timeout" } | { kind: "network"; message: string };

type Attempt =
  | Completed
  | TransportFailure
  /** Pacing would have to wait longer than the call's remaining wait budget: nothing was sent. */
  | { kind: "paced_out"; retryAfterMs: number };

interface Call {
  method: HttpMethod;
  url: URL;
  /** "fathom GET /external/v1/meetings": no query string, whose values may be secrets. */
  label: string;
  options: RequestOptions;
  signal: AbortSignal | undefined;
  /** Header and query values this call sends, scrubbed from any body excerpt (servers echo requests). */
  secrets: readonly string[];
}

interface RetryPlan {
  delayMs: number;
  rateLimited: boolean;
  reason: string;
  /** The error to throw when no attempt or wait budget is left. */
  exhausted: (why: string) => ConnectorError;
}

export function createHttpClient(options: HttpClientOptions): HttpClient {
  const base = parseBaseUrl(options.baseUrl);
  const name = options.name ?? "http";
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxTotalWaitMs = options.retry?.maxTotalWaitMs ?? DEFAULT_MAX_TOTAL_WAIT_MS;
  const backoff: BackoffPolicy = {
    baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    jitter: options.retry?.jitter ?? "full",
  };
  const policy = options.rateLimit ?? {};
  validateOptions(name, { timeoutMs, maxAttempts, maxTotalWaitMs, ...backoff }, policy);

  const pacer = new Pacer({
    requests: policy.requests,
    windowMs: policy.windowMs,
    respectHeaders: policy.respectHeaders ?? true,
    clock,
  });
  const semaphore = policy.maxConcurrency === undefined ? undefined : new Semaphore(policy.maxConcurrency);
  const stats: HttpStats = { requests: 0, retries: 0, rateLimited: 0, waitedMs: 0 };

  /** Waits for a concurrency slot and the pacer, then sends one attempt. */
  async function send(call: Call, maxServerWaitMs: number): Promise<{ attempt: Attempt; serverWaitMs: number }> {
    const release = semaphore === undefined ? undefined : await semaphore.acquire(call.signal);
    try {
      const paced = await pacer.acquire(call.signal, maxServerWaitMs);
      if (!paced.admitted) return { attempt: { kind: "paced_out", retryAfterMs: paced.retryAfterMs }, serverWaitMs: 0 };
      const { serverWaitMs } = paced;
      const pacedMs = paced.budgetWaitMs + serverWaitMs;
      if (pacedMs > 0) {
        stats.waitedMs += pacedMs;
        logger.debug(`${call.label} paced`, { client: name, method: call.method, path: call.url.pathname, pacedMs });
      }
      stats.requests += 1;
      try {
        const response = await fetchOnce(call);
        pacer.observe(parseRateLimitHeaders(response.headers, clock.now()));
        return { attempt: response, serverWaitMs };
      } catch (error) {
        if (call.signal?.aborted === true) throw abortError(call.signal);
        if (isConnectorError(error)) throw error; // a decision already made (a refused redirect), not a transport fault
        if (error instanceof AttemptTimeout || isTimeoutError(error)) {
          return { attempt: { kind: "timeout" }, serverWaitMs };
        }
        return { attempt: { kind: "network", message: describeNetworkError(error) }, serverWaitMs };
      } finally {
        pacer.release();
      }
    } finally {
      release?.();
    }
  }

  /** One attempt. `timeoutMs` covers the body too: ky's own `timeout` stops at the response headers. */
  async function fetchOnce(call: Call): Promise<Completed> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(new AttemptTimeout()), timeoutMs);
    const signal = call.signal === undefined ? deadline.signal : AbortSignal.any([call.signal, deadline.signal]);
    const headers = new Headers(options.headers);
    for (const [key, value] of Object.entries(call.options.headers ?? {})) headers.set(key, value);
    const { json, body } = call.options;
    let url = call.url;
    let method: string = call.method;
    let withBody = true;
    try {
      // Redirects are followed by hand, and only on the base URL's origin: fetch would carry our headers
      // (API keys, bearer tokens) to whatever host a Location header names.
      for (let hop = 0; ; hop += 1) {
        const response = await ky(url, {
          method,
          headers,
          timeout: timeoutMs,
          retry: 0,
          throwHttpErrors: false,
          redirect: "manual",
          signal,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          ...(!withBody ? {} : json !== undefined ? { json } : body !== undefined ? { body } : {}),
        });
        const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
        if (location === null) {
          const bodyText = await response.text();
          return { kind: "response", status: response.status, headers: response.headers, bodyText };
        }
        await response.body?.cancel();
        const next = new URL(location, url);
        if (next.origin !== call.url.origin) {
          throw new ConfigError(
            `${call.label} was redirected to another origin (${next.origin}); not followed, so credentials stay with ${call.url.origin}`,
            { details: { client: name, status: response.status, from: call.url.origin, to: next.origin } },
          );
        }
        if (hop >= MAX_REDIRECTS) {
          throw new HttpError(`${call.label} was redirected more than ${MAX_REDIRECTS} times`, response.status);
        }
        // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body; 307/308 keep both.
        if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === "POST")) {
          method = "GET";
          withBody = false;
        }
        url = next;
      }
    } catch (error) {
      if (deadline.signal.aborted && call.signal?.aborted !== true) throw new AttemptTimeout();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async function execute(method: HttpMethod, path: string, requestOptions: RequestOptions = {}) {
    const url = resolveUrl(base, path, requestOptions.searchParams);
    const call: Call = {
      method,
      url,
      label: `${name} ${method} ${url.pathname}`,
      options: requestOptions,
      signal: combineSignals(options.signal, requestOptions.signal),
      secrets: secretsOf(url, options.headers, requestOptions.headers),
    };
    let waitedMs = 0;
    for (let attempt = 1; ; attempt += 1) {
      throwIfAborted(call.signal);
      const sent = await send(call, maxTotalWaitMs - waitedMs);
      const outcome = sent.attempt;
      waitedMs += sent.serverWaitMs;
      const context = { client: name, method, path: url.pathname, attempts: attempt, waitedMs };

      if (outcome.kind === "paced_out") {
        throw new RateLimitError(
          `${call.label} not sent: the server's rate limit resets in ${outcome.retryAfterMs} ms, ` +
            `beyond the remaining wait budget (maxTotalWaitMs ${maxTotalWaitMs})`,
          outcome.retryAfterMs,
          { details: { ...context, retryAfterMs: outcome.retryAfterMs } },
        );
      }
      let plan: RetryPlan;
      if (outcome.kind === "response") {
        const decision = decide(outcome, policy.classify);
        if (decision.kind === "success") return { ...outcome, call };
        plan = planResponseRetry(call, outcome, decision, attempt, context);
      } else {
        plan = planTransportRetry(call, outcome, attempt, context);
      }

      if (attempt >= maxAttempts) throw plan.exhausted(`maxAttempts ${maxAttempts} reached`);
      if (waitedMs + plan.delayMs > maxTotalWaitMs) {
        throw plan.exhausted(`the next wait of ${plan.delayMs} ms would exceed maxTotalWaitMs ${maxTotalWaitMs}`);
      }
      // Every caller of this client holds off, not only this one: the server's limit is shared.
      if (plan.rateLimited) pacer.blockUntil(clock.now() + plan.delayMs);
      stats.retries += 1;
      logger.warn(`${call.label} retrying after ${plan.reason}`, {
        ...context,
        reason: plan.reason,
        delayMs: plan.delayMs,
        nextAttempt: attempt + 1,
      });
      await sleepFor(clock, plan.delayMs, call.signal);
      waitedMs += plan.delayMs;
      stats.waitedMs += plan.delayMs;
    }
  }

  function planTransportRetry(
    call: Call,
    outcome: TransportFailure,
    attempt: number,
    context: { attempts: number; waitedMs: number },
  ): RetryPlan {
    const what = outcome.kind === "timeout" ? `timed out after ${timeoutMs} ms` : `network error (${outcome.message})`;
    const reason = outcome.kind === "timeout" ? "timeout" : "network error";
    return {
      delayMs: backoffDelay(attempt, backoff),
      rateLimited: false,
      reason,
      exhausted: (why) =>
        new TransientError(`${call.label} ${what} ${spent(context)}, ${why}`, { details: { ...context, reason } }),
    };
  }

  /** Throws right away for final answers (auth, fail); otherwise says how long to wait before retrying. */
  function planResponseRetry(
    call: Call,
    response: Completed,
    decision: Exclude<ResponseDecision, { kind: "success" }>,
    attempt: number,
    context: { attempts: number; waitedMs: number },
  ): RetryPlan {
    const { status, headers } = response;
    const snippet = bodySnippet(response.bodyText, call.secrets);
    const details = { ...context, status, body: snippet };
    const suffix = snippet === "" ? "" : `: ${snippet}`;
    switch (decision.kind) {
      case "auth":
        throw new AuthError(`${call.label} was refused with HTTP ${status} (credentials rejected)${suffix}`, {
          details,
        });
      case "fail":
        throw new HttpError(`${call.label} failed with HTTP ${status}${suffix}`, status, false, { details });
      case "rate_limit": {
        stats.rateLimited += 1;
        const now = clock.now();
        const fromHeaders =
          parseRetryAfter(headers.get("retry-after"), now) ?? parseRateLimitHeaders(headers, now)?.resetMs;
        const delayMs = Math.max(
          MIN_RATE_LIMIT_WAIT_MS,
          decision.retryAfterMs ?? fromHeaders ?? backoffDelay(attempt, backoff),
        );
        return {
          delayMs,
          rateLimited: true,
          reason: `rate limit (HTTP ${status})`,
          exhausted: (why) =>
            new RateLimitError(
              `${call.label} was rate limited (HTTP ${status}) ${spent(context)}, ${why}; ` +
                `retry after ${delayMs} ms${suffix}`,
              delayMs,
              { details: { ...details, retryAfterMs: delayMs } },
            ),
        };
      }
      case "retry":
        return {
          // Graph sends Retry-After on 503/504 too.
          delayMs: parseRetryAfter(headers.get("retry-after"), clock.now()) ?? backoffDelay(attempt, backoff),
          rateLimited: false,
          reason: `HTTP ${status}`,
          exhausted: (why) =>
            new TransientError(`${call.label} failed with HTTP ${status} ${spent(context)}, ${why}${suffix}`, {
              details,
            }),
        };
    }
  }

  function parseJson<S extends z.ZodType>(result: Completed & { call: Call }, schema: S): z.output<S> {
    const { call, status, bodyText } = result;
    const details = { client: name, method: call.method, path: call.url.pathname, status };
    let value: unknown;
    if (bodyText.trim() !== "") {
      try {
        value = JSON.parse(bodyText);
      } catch {
        const contentType = result.headers.get("content-type") ?? "no content-type";
        const snippet = bodySnippet(bodyText, call.secrets);
        throw new SchemaError(
          `${call.label} returned a non-JSON body (HTTP ${status}, ${contentType}): ${snippet}`,
          [],
          { details },
        );
      }
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    if (value === undefined) {
      throw new SchemaError(`${call.label} returned a non-JSON body (empty, HTTP ${status})`, [], { details });
    }
    const issues = toSchemaIssues(parsed.error.issues);
    const summary = issues
      .slice(0, 3)
      .map((issue) => `${issue.path === "" ? "(root)" : issue.path}: ${issue.message}`)
      .join("; ");
    throw new SchemaError(`${call.label} returned a body that does not match its schema (${summary})`, issues, {
      details,
    });
  }

  return {
    async getJson(path, schema, requestOptions) {
      return parseJson(await execute("GET", path, requestOptions), schema);
    },
    async requestJson(method, path, schema, requestOptions) {
      return parseJson(await execute(method, path, requestOptions), schema);
    },
    async request(method, path, requestOptions) {
      const { status, headers } = await execute(method, path, requestOptions);
      return { status, headers };
    },
    stats: () => ({ ...stats }),
  };
}

/** Our own per-attempt deadline, told apart from a caller's abort. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

class AttemptTimeout extends Error {
  constructor() {
    super("HTTP attempt timed out");
    this.name = "TimeoutError";
  }
}

function spent(context: { attempts: number; waitedMs: number }): string {
  return `after ${context.attempts} attempt(s) and ${context.waitedMs} ms of waiting`;
}

function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  return present.length <= 1 ? present[0] : AbortSignal.any(present);
}

/** "fetch failed (ECONNREFUSED)": the message and code only, never the request (which carries the headers). */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return "unknown error";
  const cause: unknown = error.cause;
  const code =
    typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string"
      ? ` (${cause.code})`
      : "";
  return redactString(`${error.message}${code}`).slice(0, 200);
}

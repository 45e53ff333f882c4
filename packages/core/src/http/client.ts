/**
 * The HTTP client every connector uses: ky sends each attempt (`retry: 0`, `throwHttpErrors: false`) and this file
 * does retries, pacing and error mapping, because ky's built-in retry knows nothing of a provider's rate-limit
 * policy, of a total wait budget, or of Salesforce answering an exhausted quota with a 403. Timeouts and aborts are
 * enforced here too, by Cutoffs rather than by fetch's signal handling (cutoff.ts says why).
 */
import ky from "ky";
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
  type VendorError,
} from "../errors.js";
import { noopLogger, redactString } from "../logger.js";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import { abortError, sleepFor, systemClock, throwIfAborted } from "./clock.js";
import { Semaphore } from "./concurrency.js";
import { AttemptTimeout, CallTimeout, Cutoff } from "./cutoff.js";
import { decide, type ResponseDecision } from "./decision.js";
import { mayRepeat } from "./idempotency.js";
import { validateOptions } from "./options.js";
import { Pacer } from "./pacer.js";
import { currentRequestGate } from "./request-gate.js";
import { parseRateLimitHeaders } from "./rate-limit-headers.js";
import { bodySnippet, secretsOf } from "./redact-body.js";
import { readBodyText } from "./read-body.js";
import { parseRetryAfter } from "./retry-after.js";
import type { HttpClient, HttpClientOptions, HttpMethod, HttpStats, RequestOptions } from "./types.js";
import { parseBaseUrl, resolveUrl } from "./url.js";
import { formatVendorError, readVendorError } from "./vendor-error.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 500;
const DEFAULT_MAX_DELAY_MS = 30_000;
const DEFAULT_MAX_TOTAL_WAIT_MS = 120_000;
/** One page must never take unbounded time, whatever a server does; a sync retries the page later. */
const DEFAULT_CALL_TIMEOUT_MS = 120_000;
/** Far above any page of JSON a connector asks for, far below what would exhaust a worker's memory. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
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
  /** Fires on the caller's abort (either signal) or at callTimeoutMs; every wait and attempt of the call races it. */
  deadline: Cutoff;
  /** `deadline.signal`, for the waits that take a signal. */
  signal: AbortSignal;
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

export function createHttpClient<E = unknown>(options: HttpClientOptions<E>): HttpClient {
  const base = parseBaseUrl(options.baseUrl);
  const name = options.name ?? "http";
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? noopLogger;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxAttempts = options.retry?.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const maxTotalWaitMs = options.retry?.maxTotalWaitMs ?? DEFAULT_MAX_TOTAL_WAIT_MS;
  const backoff: BackoffPolicy = {
    baseDelayMs: options.retry?.baseDelayMs ?? DEFAULT_BASE_DELAY_MS,
    maxDelayMs: options.retry?.maxDelayMs ?? DEFAULT_MAX_DELAY_MS,
    jitter: options.retry?.jitter ?? "full",
  };
  const policy = options.rateLimit ?? {};
  validateOptions(name, { timeoutMs, callTimeoutMs, maxBodyBytes, maxAttempts, maxTotalWaitMs, ...backoff }, policy);

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
      // An outside budget (./request-gate.ts) is asked last, so its slot is held only for the attempt itself.
      const gate = currentRequestGate();
      const gateStarted = clock.now();
      let gateDone: (() => void) | undefined;
      try {
        gateDone = await gate?.acquire({ client: name, method: call.method, url: call.url, signal: call.signal });
      } catch (error) {
        pacer.release();
        throw call.signal.aborted ? abortError(call.signal) : error;
      }
      if (gate !== undefined) stats.waitedMs += clock.now() - gateStarted;
      stats.requests += 1;
      try {
        const response = await fetchOnce(call);
        pacer.observe(parseRateLimitHeaders(response.headers, clock.now()));
        return { attempt: response, serverWaitMs };
      } catch (error) {
        if (call.signal.aborted) throw abortError(call.signal); // the caller's abort, or the call's deadline
        if (isConnectorError(error)) throw error; // a decision already made (a refused redirect), not a transport fault
        if (error instanceof AttemptTimeout) return { attempt: { kind: "timeout" }, serverWaitMs };
        return { attempt: { kind: "network", message: describeNetworkError(error) }, serverWaitMs };
      } finally {
        pacer.release();
        gateDone?.();
      }
    } finally {
      release?.();
    }
  }

  /**
   * One attempt, cut off at `timeoutMs` (headers and body) or earlier by the call's deadline or the caller's abort.
   * The signal handed to ky is best effort; the Cutoff's races are what end the attempt in bounded time.
   */
  async function fetchOnce(call: Call): Promise<Completed> {
    const cutoff = new Cutoff([call.signal], { ms: timeoutMs, reason: () => new AttemptTimeout() });
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
        const sent = ky(url, {
          method,
          headers,
          timeout: false,
          retry: 0,
          throwHttpErrors: false,
          redirect: "manual",
          signal: cutoff.signal,
          ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
          ...(!withBody ? {} : json !== undefined ? { json } : body !== undefined ? { body } : {}),
        });
        const response = await cutoff.race(sent, discardBody);
        const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get("location") : null;
        if (location === null) {
          const read = await readBodyText(response, cutoff, maxBodyBytes);
          if (read.kind === "too_large") throw bodyTooLarge(call, response.status, read.declaredBytes);
          return { kind: "response", status: response.status, headers: response.headers, bodyText: read.text };
        }
        discardBody(response);
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
      // Whatever fetch made of it, the cause is ours: AttemptTimeout, CallTimeout or the caller's abort error.
      if (cutoff.signal.aborted) throw abortError(cutoff.signal);
      throw error;
    } finally {
      cutoff.dispose();
    }
  }

  /** Non-retryable: the same request would bring the same body. */
  function bodyTooLarge(call: Call, status: number, declaredBytes: number | undefined): HttpError {
    const details = { client: name, method: call.method, path: call.url.pathname, status, maxBodyBytes };
    if (declaredBytes === undefined) {
      return new HttpError(
        `${call.label} returned a body larger than maxBodyBytes (${maxBodyBytes} bytes); not read further`,
        status,
        false,
        { details },
      );
    }
    return new HttpError(
      `${call.label} returned a body that declares ${declaredBytes} bytes, more than maxBodyBytes (${maxBodyBytes} bytes); not read`,
      status,
      false,
      { details: { ...details, declaredBytes } },
    );
  }

  /** Retryable, like a timeout: the next sync tries the page again with a fresh deadline. */
  function callTimedOut(call: Call, attempts: number): TransientError {
    const elapsedMs = call.deadline.elapsedMs();
    return new TransientError(
      `${call.label} ran out of its callTimeoutMs of ${callTimeoutMs} ms after ${elapsedMs} ms and ${attempts} attempt(s)`,
      {
        details: {
          client: name,
          method: call.method,
          path: call.url.pathname,
          attempts,
          elapsedMs,
          callTimeoutMs,
          reason: "call timeout",
        },
      },
    );
  }

  async function execute(method: HttpMethod, path: string, requestOptions: RequestOptions = {}) {
    const url = resolveUrl(base, path, requestOptions.searchParams);
    const deadline = new Cutoff([options.signal, requestOptions.signal], {
      ms: callTimeoutMs,
      reason: () => new CallTimeout(),
    });
    const call: Call = {
      method,
      url,
      label: `${name} ${method} ${url.pathname}`,
      options: requestOptions,
      deadline,
      signal: deadline.signal,
      secrets: secretsOf(url, options.headers, requestOptions.headers),
    };
    const progress = { attempts: 0 };
    try {
      return await attemptUntilDone(call, progress);
    } catch (error) {
      if (error instanceof CallTimeout) throw callTimedOut(call, progress.attempts);
      throw error;
    } finally {
      deadline.dispose();
    }
  }

  async function attemptUntilDone(call: Call, progress: { attempts: number }) {
    const { method, url } = call;
    let waitedMs = 0;
    for (let attempt = 1; ; attempt += 1) {
      throwIfAborted(call.signal);
      progress.attempts = attempt;
      // Server-driven pacing may only wait as long as both the wait budget and the call's deadline allow.
      const sent = await send(call, Math.min(maxTotalWaitMs - waitedMs, call.deadline.remainingMs()));
      const outcome = sent.attempt;
      waitedMs += sent.serverWaitMs;
      const context = { client: name, method, path: url.pathname, attempts: attempt, waitedMs };

      if (outcome.kind === "paced_out") {
        throw new RateLimitError(
          `${call.label} not sent: the server's rate limit resets in ${outcome.retryAfterMs} ms, ` +
            `beyond the remaining wait budget (maxTotalWaitMs ${maxTotalWaitMs}, callTimeoutMs ${callTimeoutMs})`,
          outcome.retryAfterMs,
          { details: { ...context, retryAfterMs: outcome.retryAfterMs } },
        );
      }
      let plan: RetryPlan;
      let repeatable: boolean;
      if (outcome.kind === "response") {
        const success = outcome.status >= 200 && outcome.status < 300;
        const vendorError = success ? undefined : readVendorError(options.errorBody, outcome.bodyText, call.secrets);
        const decision = decide(vendorError === undefined ? outcome : { ...outcome, vendorError }, policy.classify);
        if (decision.kind === "success") return { ...outcome, call };
        plan = planResponseRetry(call, outcome, decision, attempt, context, vendorError);
        repeatable = mayRepeat(method, call.options, { status: outcome.status, headers: outcome.headers, decision });
      } else {
        plan = planTransportRetry(call, outcome, attempt, context);
        repeatable = mayRepeat(method, call.options, undefined);
      }

      if (!repeatable) {
        throw plan.exhausted(
          `not retried: ${method} is not idempotent and the server may have acted on it ` +
            "(mark the request idempotent: true if repeating it is safe)",
        );
      }
      if (attempt >= maxAttempts) throw plan.exhausted(`maxAttempts ${maxAttempts} reached`);
      if (waitedMs + plan.delayMs > maxTotalWaitMs) {
        throw plan.exhausted(`the next wait of ${plan.delayMs} ms would exceed maxTotalWaitMs ${maxTotalWaitMs}`);
      }
      // Waiting only to be cut off at the deadline would hold the page for nothing: give up now.
      if (plan.delayMs > call.deadline.remainingMs()) {
        throw plan.exhausted(`the next wait of ${plan.delayMs} ms would go past callTimeoutMs ${callTimeoutMs}`);
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
    vendor: VendorError | undefined,
  ): RetryPlan {
    const { status, headers } = response;
    const snippet = bodySnippet(response.bodyText, call.secrets);
    const details = {
      ...context,
      status,
      body: snippet,
      ...(vendor?.code === undefined ? {} : { vendorCode: vendor.code }),
      ...(vendor?.message === undefined ? {} : { vendorMessage: vendor.message }),
    };
    // The vendor's own words when its error body said them, else an excerpt of whatever came back.
    const said = vendor === undefined ? snippet : formatVendorError(vendor);
    const suffix = said === "" ? "" : `: ${said}`;
    const withVendor = vendor === undefined ? {} : { vendor };
    switch (decision.kind) {
      case "auth":
        throw new AuthError(`${call.label} was refused with HTTP ${status} (credentials rejected)${suffix}`, {
          details,
          ...withVendor,
        });
      case "fail":
        throw new HttpError(`${call.label} failed with HTTP ${status}${suffix}`, status, false, {
          details,
          ...withVendor,
        });
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
              { details: { ...details, retryAfterMs: delayMs }, ...withVendor },
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
              ...withVendor,
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

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** A body we will not read: cancelling it closes the connection rather than leaving it to the server. */
function discardBody(response: Response): void {
  response.body?.cancel().catch(() => undefined);
}

function spent(context: { attempts: number; waitedMs: number }): string {
  return `after ${context.attempts} attempt(s) and ${context.waitedMs} ms of waiting`;
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

import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  AuthError,
  ConfigError,
  HttpError,
  RateLimitError,
  SchemaError,
  TransientError,
  isAuthError,
  isRateLimitError,
  isTransientError,
} from "../errors.js";
import { createMemoryLogger } from "../logger.js";
import { createHttpClient } from "./index.js";
import type { HttpClientOptions } from "./types.js";
import { rejection } from "../test-support.js";
import { createFakeClock, type LoopbackServer, sendJson, startLoopbackServer, serveClosingAfterEach } from "./test-support.js";

const serve = serveClosingAfterEach();

function client(server: LoopbackServer, overrides: Partial<HttpClientOptions> = {}) {
  const clock = createFakeClock();
  const http = createHttpClient({
    baseUrl: `${server.origin}/api/v1`,
    name: "test",
    clock,
    retry: { jitter: "none" },
    ...overrides,
  });
  return { http, clock };
}

const Items = z.object({ items: z.array(z.object({ id: z.string() })) });

describe("429 handling", () => {
  it("waits Retry-After in whole seconds, then succeeds", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 429, { error: "slow down" }, { "retry-after": "3" });
      else sendJson(res, 200, { items: [] });
    });
    const { http, clock } = client(server);
    await expect(http.getJson("things", Items)).resolves.toEqual({ items: [] });
    expect(clock.sleeps).toEqual([3000]);
    expect(http.stats()).toMatchObject({ requests: 2, retries: 1, rateLimited: 1, waitedMs: 3000 });
  });

  it("waits a fractional Retry-After (Graph's 2.128)", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 429, { error: { code: "TooManyRequests" } }, { "retry-after": "2.128" });
      else sendJson(res, 200, { items: [] });
    });
    const { http, clock } = client(server);
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([2128]);
  });

  it("waits until a Retry-After HTTP date", async () => {
    let calls = 0;
    const clock = createFakeClock();
    const server = await serve((_req, res) => {
      calls += 1;
      const at = new Date(clock.now() + 5000).toUTCString();
      if (calls === 1) sendJson(res, 429, {}, { "retry-after": at });
      else sendJson(res, 200, { items: [] });
    });
    const { http } = client(server, { clock });
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([5000]);
  });

  it("falls back to RateLimit-Reset when there is no Retry-After (Fathom)", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) {
        sendJson(res, 429, {}, { "ratelimit-limit": "60", "ratelimit-remaining": "0", "ratelimit-reset": "7" });
      } else {
        sendJson(res, 200, { items: [] });
      }
    });
    const { http, clock } = client(server);
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([7000]);
  });

  it("falls back to exponential backoff with no header at all (Customer.io)", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls <= 2) sendJson(res, 429, {});
      else sendJson(res, 200, { items: [] });
    });
    const { http, clock } = client(server, { retry: { jitter: "none", baseDelayMs: 1000 } });
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([1000, 2000]);
  });

  it("gives up with RateLimitError carrying retryAfterMs when attempts run out", async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { "retry-after": "10" }));
    const { http } = client(server, { retry: { jitter: "none", maxAttempts: 3 } });
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(isRateLimitError(error) && error.retryAfterMs).toBe(10_000);
    expect(error.message).toContain("test GET /api/v1/things");
    expect(error.message).toContain("3 attempt(s)");
    expect(server.requests).toHaveLength(3);
    expect(http.stats()).toMatchObject({ requests: 3, retries: 2, rateLimited: 3 });
  });

  it("gives up with RateLimitError when Retry-After would blow maxTotalWaitMs, without waiting", async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { "retry-after": "3600" }));
    const { http, clock } = client(server);
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(error.message).toContain("maxTotalWaitMs");
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });
});

describe("Salesforce-style classify", () => {
  const salesforceLimits: HttpClientOptions["rateLimit"] = {
    classify: ({ status, bodyText }) => {
      if (status !== 403) return undefined;
      try {
        const body: unknown = JSON.parse(bodyText);
        const errors = Array.isArray(body) ? body : [body];
        const limited = errors.some(
          (entry: unknown) =>
            typeof entry === "object" &&
            entry !== null &&
            "errorCode" in entry &&
            entry.errorCode === "REQUEST_LIMIT_EXCEEDED",
        );
        return limited ? { kind: "rate_limit", retryAfterMs: 60_000 } : undefined;
      } catch {
        return undefined;
      }
    },
  };

  it("retries a 403 REQUEST_LIMIT_EXCEEDED as a rate limit, then throws RateLimitError", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 403, [{ message: "TotalRequests Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }]),
    );
    const { http, clock } = client(server, { rateLimit: salesforceLimits, retry: { maxAttempts: 3 } });
    const error = await rejection(http.getJson("query", Items));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(60_000);
    expect(error.message).toContain("HTTP 403");
    expect(error.message).toContain("REQUEST_LIMIT_EXCEEDED");
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([60_000, 60_000]);
  });

  it("recovers when the quota comes back", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 403, [{ message: "x", errorCode: "REQUEST_LIMIT_EXCEEDED" }]);
      else sendJson(res, 200, { items: [{ id: "001" }] });
    });
    const { http } = client(server, { rateLimit: salesforceLimits });
    await expect(http.getJson("query", Items)).resolves.toEqual({ items: [{ id: "001" }] });
  });

  it("keeps any other 403 an AuthError, sent once", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 403, [{ message: "insufficient access", errorCode: "INSUFFICIENT_ACCESS_OR_READONLY" }]),
    );
    const { http } = client(server, { rateLimit: salesforceLimits });
    const error = await rejection(http.getJson("query", Items));
    expect(error).toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(1);
  });

  it("lets classify turn a retryable-looking status into a failure, or a 400 into a retry", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 400, [{ errorCode: "UNABLE_TO_LOCK_ROW", message: "locked" }]);
      else sendJson(res, 200, { items: [] });
    });
    const { http } = client(server, {
      rateLimit: {
        classify: ({ bodyText }) => (bodyText.includes("UNABLE_TO_LOCK_ROW") ? { kind: "retry" } : undefined),
      },
    });
    await expect(http.getJson("x", Items)).resolves.toEqual({ items: [] });
    expect(server.requests).toHaveLength(2);
  });
});

describe("final answers are not retried", () => {
  it("401 -> AuthError, exactly one request", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, 401, [{ message: "Session expired or invalid", errorCode: "INVALID_SESSION_ID" }]),
    );
    const { http } = client(server);
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(AuthError);
    expect(isAuthError(error)).toBe(true);
    expect((error as AuthError).retryable).toBe(false);
    expect(error.message).toContain("HTTP 401");
    expect(error.message).toContain("INVALID_SESSION_ID");
    expect(server.requests).toHaveLength(1);
    expect(http.stats()).toMatchObject({ requests: 1, retries: 0 });
  });

  it("plain 403 -> AuthError, exactly one request", async () => {
    const server = await serve((_req, res) => sendJson(res, 403, { error: { code: "ErrorAccessDenied" } }));
    const { http } = client(server);
    await expect(http.getJson("things", Items)).rejects.toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(1);
  });

  it("404 -> HttpError with status, method, path and a body snippet, no query values", async () => {
    const server = await serve((_req, res) => sendJson(res, 404, { message: "no such meeting" }));
    const { http } = client(server);
    const searchParams = { cursor: "opaque-cursor-value" };
    const error = await rejection(http.getJson("meetings/42", Items, { searchParams }));
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(404);
    expect((error as HttpError).retryable).toBe(false);
    expect(error.message).toContain("GET /api/v1/meetings/42");
    expect(error.message).toContain("HTTP 404");
    expect(error.message).toContain("no such meeting");
    expect(error.message).not.toContain("opaque-cursor-value");
    expect(server.requests).toHaveLength(1);
  });

  it("truncates a long error body", async () => {
    const server = await serve((_req, res) => sendJson(res, 422, { message: "x".repeat(5000) }));
    const { http } = client(server);
    const error = await rejection(http.getJson("things", Items));
    expect(error.message.length).toBeLessThan(400);
  });
});

describe("5xx, network errors and timeouts", () => {
  it("retries a 503 with exponential backoff and succeeds", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls <= 3) sendJson(res, 503, { error: "busy" });
      else sendJson(res, 200, { items: [] });
    });
    const { http, clock } = client(server);
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it("honours Retry-After on a 503 (Graph)", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls += 1;
      if (calls === 1) sendJson(res, 503, {}, { "retry-after": "1.5" });
      else sendJson(res, 200, { items: [] });
    });
    const { http, clock } = client(server);
    await http.getJson("things", Items);
    expect(clock.sleeps).toEqual([1500]);
  });

  it("stops at maxAttempts with a TransientError naming status and attempts", async () => {
    const server = await serve((_req, res) => sendJson(res, 500, { error: "boom" }));
    const { http } = client(server, { retry: { jitter: "none", maxAttempts: 3 } });
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(isTransientError(error)).toBe(true);
    expect(error.message).toContain("HTTP 500");
    expect(error.message).toContain("3 attempt(s)");
    expect(error.message).toContain("maxAttempts 3");
    expect((error as TransientError).details).toMatchObject({ status: 500, attempts: 3, waitedMs: 1500 });
    expect(server.requests).toHaveLength(3);
  });

  it("a 5xx storm stops at maxTotalWaitMs after a bounded number of attempts", async () => {
    const server = await serve((_req, res) => sendJson(res, 502, {}));
    const { http, clock } = client(server, {
      retry: { jitter: "none", maxAttempts: 100, baseDelayMs: 1000, maxDelayMs: 1000, maxTotalWaitMs: 5000 },
    });
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("maxTotalWaitMs 5000");
    expect(clock.sleeps).toEqual([1000, 1000, 1000, 1000, 1000]);
    expect(server.requests).toHaveLength(6);
    expect((error as TransientError).details).toMatchObject({ attempts: 6, waitedMs: 5000 });
  });

  it("full jitter keeps every delay within the exponential cap", async () => {
    const server = await serve((_req, res) => sendJson(res, 500, {}));
    const logger = createMemoryLogger();
    const { http, clock } = client(server, { logger, retry: { jitter: "full", maxAttempts: 6, baseDelayMs: 100 } });
    await expect(http.getJson("things", Items)).rejects.toBeInstanceOf(TransientError);
    // Each retry's delay, as logged: a draw of 0 ms retries at once, without a sleep.
    const delays = logger.entries.filter((entry) => entry.message.includes("retrying")).map((entry) => entry.fields?.["delayMs"]);
    expect(delays).toHaveLength(5);
    delays.forEach((ms, index) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(100 * 2 ** index);
    });
    expect(clock.sleeps).toEqual(delays.filter((ms) => ms !== 0));
  });

  it("a network error (connection refused) is retried, then TransientError", async () => {
    const server = await startLoopbackServer((_req, res) => sendJson(res, 200, {}));
    const origin = server.origin;
    await server.close();
    const clock = createFakeClock();
    const http = createHttpClient({ baseUrl: origin, clock, retry: { jitter: "none", maxAttempts: 2 } });
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("network error");
    expect(http.stats().requests).toBe(2);
  });

  it("a response slower than timeoutMs is a TransientError after retries", async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => sendJson(res, 200, { items: [] }), 5_000);
    });
    const { http } = client(server, { timeoutMs: 40, retry: { jitter: "none", maxAttempts: 2 } });
    const started = Date.now();
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("timed out after 40 ms");
    // Counted by the client: under load a 40 ms attempt can be aborted before the server has seen it.
    expect(http.stats().requests).toBe(2);
    // The server would answer after 5 s; far less than that proves the timeout cut both attempts short.
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("a body that stalls after the headers also times out", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"items": [');
    });
    const { http } = client(server, { timeoutMs: 50, retry: { maxAttempts: 1 } });
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("timed out");
  });
});

describe("response bodies", () => {
  it("a non-JSON 2xx body is a SchemaError", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>login</html>");
    });
    const { http } = client(server);
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(SchemaError);
    expect(error.message).toContain("returned a non-JSON body");
    expect(error.message).toContain("text/html");
    expect(server.requests).toHaveLength(1);
  });

  it("an empty 2xx body is a SchemaError unless the schema accepts undefined", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200);
      res.end();
    });
    const { http } = client(server);
    await expect(http.getJson("things", Items)).rejects.toThrow(/non-JSON body \(empty/);
    await expect(http.getJson("things", z.undefined())).resolves.toBeUndefined();
  });

  it("JSON that fails the schema is a SchemaError with issue paths", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { items: [{ id: "a" }, { id: 7 }] }));
    const { http } = client(server);
    const error = await rejection(http.getJson("things", Items));
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).issues).toEqual([expect.objectContaining({ path: "items.1.id" })]);
    expect(error.message).toContain("items.1.id");
  });

  it("returns zod's output (transforms applied)", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { n: "41" }));
    const { http } = client(server);
    const schema = z.object({ n: z.string().transform((value) => Number(value) + 1) });
    await expect(http.getJson("things", schema)).resolves.toEqual({ n: 42 });
  });

  it("requestJson sends a JSON body; request() handles a 204", async () => {
    const server = await serve((req, res) => {
      if (req.method === "DELETE") {
        res.writeHead(204);
        res.end();
        return;
      }
      sendJson(res, 201, { received: JSON.parse(req.body) as unknown, type: req.headers["content-type"] });
    });
    const { http } = client(server);
    const created = await http.requestJson("POST", "webhooks", z.object({ received: z.unknown(), type: z.string() }), {
      json: { destination_url: "https://example.com/hook" },
    });
    expect(created).toEqual({ received: { destination_url: "https://example.com/hook" }, type: "application/json" });
    await expect(http.request("DELETE", "webhooks/9")).resolves.toMatchObject({ status: 204 });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /api/v1/webhooks",
      "DELETE /api/v1/webhooks/9",
    ]);
  });

  it("sends a form body as given", async () => {
    const server = await serve((req, res) => sendJson(res, 200, { body: req.body, type: req.headers["content-type"] }));
    const { http } = client(server);
    const result = await http.requestJson("POST", "token", z.object({ body: z.string(), type: z.string() }), {
      body: new URLSearchParams({ grant_type: "refresh_token" }),
    });
    expect(result.body).toBe("grant_type=refresh_token");
    expect(result.type).toContain("application/x-www-form-urlencoded");
  });
});

describe("abort", () => {
  it("aborting during a long backoff rejects promptly with an AbortError", async () => {
    const controller = new AbortController();
    let abortedAt = Number.POSITIVE_INFINITY;
    const server = await serve((_req, res) => {
      sendJson(res, 503, {});
      // Abort once the answer is out and the client is in its backoff, however slowly a loaded machine gets there.
      setTimeout(() => {
        abortedAt = Date.now();
        controller.abort();
      }, 50);
    });
    // The real clock: the backoff would last a minute.
    const http = createHttpClient({ baseUrl: server.origin, retry: { jitter: "none", baseDelayMs: 60_000 } });
    const error = await rejection(http.getJson("things", Items, { signal: controller.signal }));
    expect(error.name).toBe("AbortError");
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it("aborting while the request is in flight rejects with an AbortError, not a TransientError", async () => {
    const server = await serve((_req, res) => {
      setTimeout(() => sendJson(res, 200, { items: [] }), 2000);
    });
    const controller = new AbortController();
    const http = createHttpClient({ baseUrl: server.origin, signal: controller.signal });
    setTimeout(() => controller.abort(), 30);
    const started = Date.now();
    const error = await rejection(http.getJson("things", Items));
    expect(error.name).toBe("AbortError");
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("an already aborted signal sends nothing", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { items: [] }));
    const { http } = client(server);
    const error = await rejection(http.getJson("things", Items, { signal: AbortSignal.abort() }));
    expect(error.name).toBe("AbortError");
    expect(server.requests).toHaveLength(0);
  });
});

describe("secrets", () => {
  const apiKey = "fake_key_9f8e7d6c5b4a3210";
  const token = "tok_0123456789abcdef";

  it("never puts header values or query values in error messages, details or logs", async () => {
    let calls = 0;
    const server = await serve((req, res) => {
      calls += 1;
      // A server that echoes the request back, as some error pages do (query first, so no truncation hides it).
      const echo = { url: req.url, headers: req.headers };
      if (calls === 1) sendJson(res, 500, echo);
      else sendJson(res, 400, echo);
    });
    const logger = createMemoryLogger();
    const http = createHttpClient({
      baseUrl: server.origin,
      name: "fathom",
      headers: { "X-Api-Key": apiKey },
      logger,
      clock: createFakeClock(),
    });
    const error = await rejection(
      http.getJson("meetings", Items, {
        headers: { Authorization: `Bearer ${token}` },
        searchParams: { api_key: "query-secret-value" },
      }),
    );
    expect(error).toBeInstanceOf(HttpError);
    expect(server.requests[0]?.headers["x-api-key"]).toBe(apiKey);
    const surfaces = [
      error.message,
      JSON.stringify((error as HttpError).details),
      JSON.stringify(logger.entries),
    ].join("\n");
    expect(logger.entries.some((entry) => entry.level === "warn")).toBe(true);
    for (const secret of [apiKey, token, "query-secret-value"]) expect(surfaces).not.toContain(secret);
  });

  it("never puts header values in TransientError or RateLimitError messages", async () => {
    const server = await serve((req, res) =>
      sendJson(
        res,
        req.url.includes("limited") ? 429 : 503,
        { echoed: req.headers["x-api-key"] },
        { "retry-after": "1" },
      ),
    );
    const logger = createMemoryLogger();
    const { http } = client(server, { headers: { "X-Api-Key": apiKey }, logger, retry: { maxAttempts: 2 } });
    const transient = await rejection(http.getJson("down", Items));
    const limited = await rejection(http.getJson("limited", Items));
    expect(transient).toBeInstanceOf(TransientError);
    expect(limited).toBeInstanceOf(RateLimitError);
    const surfaces = [transient.message, limited.message, JSON.stringify(logger.entries)].join("\n");
    expect(surfaces).not.toContain(apiKey);
    expect(surfaces).toContain("[redacted]");
  });
});

describe("configuration", () => {
  it("rejects a bad baseUrl and inconsistent policies at construction", () => {
    expect(() => createHttpClient({ baseUrl: "not a url" })).toThrow(ConfigError);
    expect(() => createHttpClient({ baseUrl: "ftp://example.com" })).toThrow(ConfigError);
    expect(() => createHttpClient({ baseUrl: "https://x.test", rateLimit: { requests: 5 } })).toThrow(ConfigError);
    expect(() => createHttpClient({ baseUrl: "https://x.test", retry: { maxAttempts: 0 } })).toThrow(ConfigError);
    expect(() => createHttpClient({ baseUrl: "https://x.test", rateLimit: { maxConcurrency: 0 } })).toThrow(
      ConfigError,
    );
    expect(() => createHttpClient({ baseUrl: "https://x.test", timeoutMs: 0 })).toThrow(ConfigError);
  });
});

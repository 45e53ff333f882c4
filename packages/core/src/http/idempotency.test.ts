import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RateLimitError, TransientError } from "../errors.js";
import { rejection } from "../test-support.js";
import { createHttpClient } from "./client.js";
import { createFakeClock, type Handler, type LoopbackServer, sendJson, serveClosingAfterEach } from "./test-support.js";
import type { HttpMethod, RequestOptions } from "./types.js";

const serve = serveClosingAfterEach();

/** Answers the n-th request (1-based) with `answers[n - 1]`, the last one from then on. */
function scripted(answers: Handler[]): Promise<LoopbackServer> {
  let calls = 0;
  return serve((req, res) => {
    calls += 1;
    const answer = answers[Math.min(calls, answers.length) - 1];
    return answer?.(req, res);
  });
}

const dropConnection: Handler = (_req, res) => {
  res.socket?.destroy();
};
const ok: Handler = (_req, res) => sendJson(res, 200, { ok: true });
const status =
  (code: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) =>
    sendJson(res, code, { error: `HTTP ${code}` }, headers);

const Ok = z.object({ ok: z.boolean() });

function call(server: LoopbackServer, method: HttpMethod, options: RequestOptions = {}, timeoutMs = 30_000) {
  const http = createHttpClient({
    name: "acme",
    baseUrl: server.origin,
    clock: createFakeClock(),
    timeoutMs,
    retry: { jitter: "none", maxAttempts: 3 },
  });
  return http.requestJson(method, "people", Ok, { json: { email: "ada@example.com" }, ...options });
}

describe("retries and idempotency", () => {
  it("a POST whose connection dropped is not sent again: the server may have created the record", async () => {
    const server = await scripted([dropConnection, ok]);
    const error = await rejection(call(server, "POST"));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("network error");
    expect(error.message).toContain("not retried: POST is not idempotent");
    expect(server.requests).toHaveLength(1);
  });

  it("a PATCH that timed out is not sent again", async () => {
    const slow: Handler = (req, res) => {
      setTimeout(() => void ok(req, res), 5_000);
    };
    const server = await scripted([slow, ok]);
    // A second of timeout, not milliseconds: on a loaded machine the server must see the request before it lapses.
    const error = await rejection(call(server, "PATCH", {}, 1_000));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.message).toContain("timed out after 1000 ms");
    expect(error.message).toContain("not retried: PATCH");
    expect(server.requests).toHaveLength(1);
  });

  it("a POST marked idempotent (a search, a write with an idempotency key) is retried like a GET", async () => {
    const server = await scripted([dropConnection, ok]);
    await expect(call(server, "POST", { idempotent: true })).resolves.toEqual({ ok: true });
    expect(server.requests).toHaveLength(2);
  });

  it("GET, PUT and DELETE are retried after a dropped connection", async () => {
    for (const method of ["GET", "PUT", "DELETE"] as const) {
      const server = await scripted([dropConnection, ok]);
      await expect(call(server, method, method === "GET" ? { json: undefined } : {})).resolves.toEqual({ ok: true });
      expect(server.requests).toHaveLength(2);
    }
  });

  it("a POST refused with 429, or 503 with Retry-After, is retried: the server says it did nothing", async () => {
    const limited = await scripted([status(429, { "retry-after": "1" }), ok]);
    await expect(call(limited, "POST")).resolves.toEqual({ ok: true });
    expect(limited.requests).toHaveLength(2);
    const unavailable = await scripted([status(503, { "retry-after": "1" }), ok]);
    await expect(call(unavailable, "POST")).resolves.toEqual({ ok: true });
    expect(unavailable.requests).toHaveLength(2);
  });

  it("a POST that keeps getting 429 still ends as a RateLimitError after its attempts", async () => {
    const server = await scripted([status(429, { "retry-after": "1" })]);
    expect(await rejection(call(server, "POST"))).toBeInstanceOf(RateLimitError);
    expect(server.requests).toHaveLength(3);
  });

  it("a POST answered 502, 500 or a bare 503 is not retried: a gateway may answer after the backend acted", async () => {
    for (const code of [502, 500, 503]) {
      const server = await scripted([status(code), ok]);
      const error = await rejection(call(server, "POST"));
      expect(error).toBeInstanceOf(TransientError);
      expect(error.message).toContain(`HTTP ${code}`);
      expect(error.message).toContain("not retried");
      expect(server.requests).toHaveLength(1);
    }
  });
});

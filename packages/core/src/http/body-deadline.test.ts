/**
 * Slow and oversized bodies, under garbage-collection pressure. Node's fetch follows abort signals through copies
 * it holds weakly (nodejs/node#55428), so once the collector has run, an abort may never reach a body that is still
 * being read: these tests call gc() all along and would hang without the client's own strongly held cut-offs.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { HttpError, isConnectorError, isHttpError, isTransientError, TransientError } from "../errors.js";
import { createHttpClient } from "./index.js";
import type { HttpClientOptions } from "./types.js";
import { type Handler, type LoopbackServer, sendJson, startLoopbackServer } from "./test-support.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const Items = z.object({ items: z.array(z.unknown()) });
const TRICKLE_EVERY_MS = 200;
/** Longer than any test here runs: the trickling server stops itself even if a test forgets it. */
const TRICKLE_FOR_AT_MOST_MS = 25_000;

const servers: LoopbackServer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(handler: Handler): Promise<LoopbackServer> {
  const server = await startLoopbackServer(handler);
  servers.push(server);
  return server;
}

interface TrickleCounter {
  /** Body bytes written so far, all requests together. */
  bytes: number;
  /** Responses whose connection has closed. */
  closed: number;
}

/** Headers at once, then one byte of a JSON body every 200 ms, never finishing. */
function trickle(counter: TrickleCounter): Handler {
  return (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    const started = Date.now();
    const timer = setInterval(() => {
      if (res.destroyed || Date.now() - started > TRICKLE_FOR_AT_MOST_MS) {
        clearInterval(timer);
        res.destroy();
        return;
      }
      res.write(" ");
      counter.bytes += 1;
    }, TRICKLE_EVERY_MS);
    res.on("close", () => {
      clearInterval(timer);
      counter.closed += 1;
    });
  };
}

/** Full collections every 50 ms until the test ends. */
function gcPressure(): void {
  const timer = setInterval(gc, 50);
  cleanups.push(() => clearInterval(timer));
}

interface Outcome {
  error: unknown;
  /** When the promise settled, from Date.now(). */
  at: number;
}

/** Waits for `promise` to reject, at most `ms`: the old client hung here forever, and a test must fail instead. */
async function rejectionWithin(promise: Promise<unknown>, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const stillPending = new Promise<"pending">((resolve) => {
    timer = setTimeout(() => resolve("pending"), ms);
  });
  const settled = promise.then(
    () => ({ resolved: true as const }),
    (error: unknown) => ({ error, at: Date.now() }),
  );
  try {
    const result = await Promise.race([settled, stillPending]);
    if (result === "pending") throw new Error(`the call was still pending after ${ms} ms`);
    if ("resolved" in result) throw new Error("expected a rejection");
    return result;
  } finally {
    clearTimeout(timer);
  }
}

function client(server: LoopbackServer, overrides: Partial<HttpClientOptions> = {}) {
  return createHttpClient({ baseUrl: `${server.origin}/api/v1`, name: "test", ...overrides });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe("garbage-collection pressure", () => {
  it("gc() really collects in this process (otherwise the tests below prove nothing)", async () => {
    let target: object | undefined = { payload: new Array(1000).fill(0) };
    const ref = new WeakRef(target);
    target = undefined;
    // A WeakRef keeps its target alive until the current job ends.
    await sleep(0);
    gc();
    expect(ref.deref()).toBeUndefined();
  });
});

describe("a body that trickles after the headers", () => {
  it("is cut off by timeoutMs on every attempt, then a retryable TransientError, in bounded time", async () => {
    const sent = { bytes: 0, closed: 0 };
    const server = await serve(trickle(sent));
    const http = client(server, { timeoutMs: 1_000, retry: { maxAttempts: 2, jitter: "none", baseDelayMs: 50 } });
    gcPressure();
    const started = Date.now();
    const { error, at } = await rejectionWithin(http.getJson("things", Items), 10_000);
    expect(error).toBeInstanceOf(TransientError);
    expect(isTransientError(error) && error.retryable).toBe(true);
    expect((error as Error).message).toContain("timed out after 1000 ms");
    expect(server.requests).toHaveLength(2);
    expect(sent.bytes).toBeGreaterThan(0);
    expect(at - started).toBeLessThan(5_000);
    // Each connection is closed too, not left trickling into a reader nobody reads.
    await expect.poll(() => sent.closed, { timeout: 2_000 }).toBe(2);
  });

  it("a caller's abort in the middle of the body rejects at once with the abort error", async () => {
    const sent = { bytes: 0, closed: 0 };
    const server = await serve(trickle(sent));
    const http = client(server, { timeoutMs: 60_000 });
    gcPressure();
    const controller = new AbortController();
    const call = http.getJson("things", Items, { signal: controller.signal });
    const outcome = rejectionWithin(call, 15_000);
    // Well into the body, with several collections behind us.
    while (sent.bytes < 4) await sleep(50);
    const abortedAt = Date.now();
    controller.abort();
    const { error, at } = await outcome;
    expect((error as Error).name).toBe("AbortError");
    expect(isConnectorError(error)).toBe(false);
    expect(at - abortedAt).toBeLessThan(1_000);
  });
});

describe("callTimeoutMs: one deadline per call, retries and waits included", () => {
  it("ends a call whose every attempt trickles, at the deadline, with a TransientError naming the call", async () => {
    const server = await serve(trickle({ bytes: 0, closed: 0 }));
    const http = client(server, {
      timeoutMs: 1_000,
      // Room for two whole attempts and the start of a third, which the deadline cuts short. A loaded machine (a CI run
      // had the second attempt land only after 2.5 s) may get no further than the second: that one is cut instead.
      callTimeoutMs: 3_000,
      retry: { maxAttempts: 50, jitter: "none", baseDelayMs: 50 },
    });
    gcPressure();
    const started = Date.now();
    const { error, at } = await rejectionWithin(
      http.getJson("things", Items, { searchParams: { api_key: "fake-key-not-a-secret" } }),
      10_000,
    );
    expect(error).toBeInstanceOf(TransientError);
    expect(isTransientError(error) && error.retryable).toBe(true);
    const { message } = error as Error;
    expect(message).toMatch(/^test GET \/api\/v1\/things ran out of its callTimeoutMs of 3000 ms after \d+ ms/);
    expect(message).not.toContain("fake-key-not-a-secret");
    // Retried, and ended by the call's deadline: not by an attempt's own timeout, nor after 50 attempts.
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    expect(server.requests.length).toBeLessThanOrEqual(3);
    expect(at - started).toBeGreaterThanOrEqual(2_900);
    expect(at - started).toBeLessThan(7_000);
  });

  it("stops a 503 + Retry-After storm before a wait that would go past the deadline", async () => {
    const server = await serve((_req, res) => sendJson(res, 503, { error: "busy" }, { "retry-after": "1" }));
    const http = client(server, { callTimeoutMs: 2_500, retry: { maxAttempts: 100 } });
    const started = Date.now();
    const { error, at } = await rejectionWithin(http.getJson("things", Items), 10_000);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toContain("the next wait of 1000 ms would go past callTimeoutMs 2500");
    expect(server.requests).toHaveLength(3);
    expect(at - started).toBeLessThan(2_500);
  });

  it("is validated like the other options", () => {
    const baseUrl = "http://127.0.0.1:1";
    expect(() => createHttpClient({ baseUrl, callTimeoutMs: 0 })).toThrow(/callTimeoutMs must be in/);
    expect(() => createHttpClient({ baseUrl, callTimeoutMs: Number.NaN })).toThrow(/callTimeoutMs must be in/);
    expect(() => createHttpClient({ baseUrl, maxBodyBytes: 0 })).toThrow(/maxBodyBytes must be a positive integer/);
    expect(() => createHttpClient({ baseUrl, maxBodyBytes: 1.5 })).toThrow(/maxBodyBytes must be a positive integer/);
  });
});

describe("maxBodyBytes", () => {
  function sendChunked(res: ServerResponse, body: string): void {
    // Two writes and no content-length: the size is only known by reading.
    res.writeHead(200, { "content-type": "application/json" });
    res.write(body.slice(0, 100));
    res.end(body.slice(100));
  }
  const bodyOf = (bytes: number): string => {
    const frame = '{"items":[""]}';
    return frame.replace('""', `"${"x".repeat(bytes - frame.length)}"`);
  };

  it("reads a body of exactly maxBodyBytes, and refuses one byte more without retrying", async () => {
    let size = 1024;
    const server = await serve((_req, res) => sendChunked(res, bodyOf(size)));
    const http = client(server, { maxBodyBytes: 1024 });
    await expect(http.getJson("things", Items)).resolves.toEqual({ items: ["x".repeat(1024 - 14)] });

    size = 1025;
    const { error } = await rejectionWithin(http.getJson("things", Items), 10_000);
    expect(error).toBeInstanceOf(HttpError);
    expect(isHttpError(error) && error.retryable).toBe(false);
    expect(isHttpError(error) && error.status).toBe(200);
    expect((error as Error).message).toBe(
      "test GET /api/v1/things returned a body larger than maxBodyBytes (1024 bytes); not read further",
    );
    expect(server.requests).toHaveLength(2);
  });

  it("refuses a declared content-length over the cap before reading the body", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(10 * 1024 * 1024) });
      res.write('{"items":[');
      // The rest never comes: only the header can end this call quickly.
    });
    const http = client(server, { maxBodyBytes: 1024 * 1024, timeoutMs: 5_000, retry: { maxAttempts: 1 } });
    const started = Date.now();
    const { error, at } = await rejectionWithin(http.getJson("things", Items), 10_000);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as Error).message).toContain("declares 10485760 bytes");
    expect(at - started).toBeLessThan(2_000);
  });
});

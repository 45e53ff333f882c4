import { describe, expect, it } from "vitest";
import { z } from "zod";
import { RateLimitError } from "../errors.js";
import { createHttpClient } from "./index.js";
import type { HttpClientOptions } from "./types.js";
import { createFakeClock, type FakeClock, sendJson, serveClosingAfterEach } from "./test-support.js";

const Ok = z.object({ ok: z.boolean() });

const serve = serveClosingAfterEach();

describe("client-side budget", () => {
  it("with 5 per 1000 ms, the 6th sequential request waits for the window", async () => {
    const clock = createFakeClock();
    const t0 = clock.now();
    const seen: number[] = [];
    const server = await serve((_req, res) => {
      seen.push(clock.now() - t0);
      sendJson(res, 200, { ok: true });
    });
    const http = createHttpClient({ baseUrl: server.origin, clock, rateLimit: { requests: 5, windowMs: 1000 } });
    for (let i = 0; i < 6; i += 1) await http.getJson("x", Ok);
    expect(seen).toEqual([0, 0, 0, 0, 0, 1000]);
    expect(clock.sleeps).toEqual([1000]);
    expect(http.stats()).toMatchObject({ requests: 6, waitedMs: 1000, rateLimited: 0 });
  });

  it("with 5 per 1000 ms, 12 concurrent requests go out 5, 5, 2 a window apart", async () => {
    // Injected fetch: with real sockets, virtual time would move on (waiters sleeping) while requests travel.
    const clock = createFakeClock();
    const t0 = clock.now();
    const seen: number[] = [];
    const fetch: typeof globalThis.fetch = async () => {
      seen.push(clock.now() - t0);
      return Response.json({ ok: true });
    };
    const rateLimit = { requests: 5, windowMs: 1000 };
    const http = createHttpClient({ baseUrl: "https://api.test", fetch, clock, rateLimit });
    await Promise.all(Array.from({ length: 12 }, () => http.getJson("x", Ok)));
    expect(seen).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
  });

  it("counts a slot from the response, not the send, so latency cannot squeeze two windows together", async () => {
    const clock = createFakeClock();
    const t0 = clock.now();
    const seen: number[] = [];
    const fetch: typeof globalThis.fetch = async () => {
      seen.push(clock.now() - t0);
      clock.advance(300); // 300 ms round trip, in virtual time
      return Response.json({ ok: true });
    };
    const rateLimit = { requests: 1, windowMs: 1000 };
    const http = createHttpClient({ baseUrl: "https://api.test", fetch, clock, rateLimit });
    await http.getJson("x", Ok);
    await http.getJson("x", Ok);
    // Sent at 0, answered at 300: the next goes at 1300, so the server's arrivals are >= 1000 ms apart.
    expect(seen).toEqual([0, 1300]);
  });

  it("caps concurrency", async () => {
    let active = 0;
    let peak = 0;
    const server = await serve((_req, res) => {
      active += 1;
      peak = Math.max(peak, active);
      setTimeout(() => {
        active -= 1;
        sendJson(res, 200, { ok: true });
      }, 15);
    });
    const http = createHttpClient({ baseUrl: server.origin, rateLimit: { maxConcurrency: 2 } });
    await Promise.all(Array.from({ length: 8 }, () => http.getJson("x", Ok)));
    expect(peak).toBe(2);
    expect(server.requests).toHaveLength(8);
  });

  it("aborting while waiting for the budget rejects promptly", async () => {
    const server = await serve((_req, res) => sendJson(res, 200, { ok: true }));
    // Real clock: the second request would wait a minute.
    const http = createHttpClient({ baseUrl: server.origin, rateLimit: { requests: 1, windowMs: 60_000 } });
    await http.getJson("x", Ok);
    const started = Date.now();
    const error = await http.getJson("x", Ok, { signal: AbortSignal.timeout(30) }).catch((e: unknown) => e);
    expect((error as Error).name).toMatch(/AbortError|TimeoutError/);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });
});

describe("server headers", () => {
  it("RateLimit-Remaining: 0 with Reset: 2 makes the next request wait 2 s", async () => {
    const clock = createFakeClock();
    const t0 = clock.now();
    const seen: number[] = [];
    const server = await serve((_req, res) => {
      seen.push(clock.now() - t0);
      const exhausted = { "ratelimit-limit": "60", "ratelimit-remaining": "0", "ratelimit-reset": "2" };
      sendJson(res, 200, { ok: true }, seen.length === 1 ? exhausted : {});
    });
    const http = createHttpClient({ baseUrl: server.origin, clock });
    await http.getJson("x", Ok);
    await http.getJson("x", Ok);
    expect(seen).toEqual([0, 2000]);
    expect(clock.sleeps).toEqual([2000]);
  });

  it("the combined RateLimit header and X-RateLimit-* pace the same way", async () => {
    const variants = [
      { ratelimit: "limit=10, remaining=0, reset=3" },
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3" },
    ];
    for (const headers of variants) {
      const clock = createFakeClock();
      let calls = 0;
      const server = await serve((_req, res) => {
        calls += 1;
        sendJson(res, 200, { ok: true }, calls === 1 ? headers : {});
      });
      const http = createHttpClient({ baseUrl: server.origin, clock });
      await http.getJson("x", Ok);
      await http.getJson("x", Ok);
      expect(clock.sleeps).toEqual([3000]);
    }
  });

  it("respectHeaders: false ignores them", async () => {
    const clock = createFakeClock();
    const server = await serve((_req, res) =>
      sendJson(res, 200, { ok: true }, { "ratelimit-remaining": "0", "ratelimit-reset": "30" }),
    );
    const http = createHttpClient({ baseUrl: server.origin, clock, rateLimit: { respectHeaders: false } });
    await http.getJson("x", Ok);
    await http.getJson("x", Ok);
    expect(clock.sleeps).toEqual([]);
  });

  it("holds back when what remains is already spoken for by requests in flight", async () => {
    const clock = createFakeClock();
    const gates: ((response: Response) => void)[] = [];
    const sentAt: number[] = [];
    const fetch: typeof globalThis.fetch = () => {
      sentAt.push(clock.now());
      return new Promise<Response>((resolve) => gates.push(resolve));
    };
    const http = createHttpClient({ baseUrl: "https://api.test", fetch, clock });
    const inFlight = [http.getJson("a", Ok), http.getJson("b", Ok), http.getJson("c", Ok), http.getJson("d", Ok)];
    await waitFor(() => gates.length === 4);
    // The first answer says 2 remain for 5 s, but 3 other requests are already on their way.
    gates[0]?.(Response.json({ ok: true }, { headers: { "ratelimit-remaining": "2", "ratelimit-reset": "5" } }));
    await inFlight[0];
    const fifth = http.getJson("e", Ok);
    for (const gate of gates.slice(1)) gate(Response.json({ ok: true }));
    await Promise.all(inFlight);
    await waitFor(() => gates.length === 5);
    gates[4]?.(Response.json({ ok: true }));
    await fifth;
    expect(clock.sleeps).toEqual([5000]);
    expect((sentAt[4] ?? 0) - (sentAt[0] ?? 0)).toBe(5000);
  });

  it("a reset further away than maxTotalWaitMs throws RateLimitError without sending", async () => {
    const clock = createFakeClock();
    const server = await serve((_req, res) =>
      sendJson(res, 200, { ok: true }, { "ratelimit-remaining": "0", "ratelimit-reset": "3600" }),
    );
    const http = createHttpClient({ baseUrl: server.origin, clock });
    await http.getJson("x", Ok);
    const error = await http.getJson("x", Ok).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(3_600_000);
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("after a 429 every caller holds off, not only the one that got it", async () => {
    const clock = createFakeClock();
    const t0 = clock.now();
    const seen: string[] = [];
    let limited = false;
    const server = await serve((req, res) => {
      seen.push(`${req.url}@${clock.now() - t0}`);
      if (!limited) {
        limited = true;
        sendJson(res, 429, {}, { "retry-after": "3" });
      } else {
        sendJson(res, 200, { ok: true });
      }
    });
    const http = createHttpClient({ baseUrl: server.origin, clock, rateLimit: { maxConcurrency: 1 } });
    await Promise.all([http.getJson("a", Ok), http.getJson("b", Ok)]);
    expect(seen[0]).toBe("/a@0");
    expect(seen.slice(1).sort()).toEqual(["/a@3000", "/b@3000"]);
    expect(http.stats().rateLimited).toBe(1);
  });
});

describe("sustained rate against a rate-limited server (virtual time)", () => {
  /**
   * A server that allows `limit` requests per `windowMs` and says so in RateLimit-* headers (Reset rounded up to
   * whole seconds), answering 429 beyond. "fixed" windows start at the first request after a reset (Fathom-like);
   * "sliding" counts arrivals in the last `windowMs`.
   */
  function rateLimitedServer(clock: FakeClock, kind: "fixed" | "sliding", limit: number, windowMs: number) {
    const arrivals: number[] = [];
    let windowStart = -Infinity;
    let windowCount = 0;
    let rejected = 0;
    const fetch: typeof globalThis.fetch = async () => {
      const now = clock.now();
      let remaining: number;
      let resetMs: number;
      let allowed: boolean;
      if (kind === "fixed") {
        if (now >= windowStart + windowMs) {
          windowStart = now;
          windowCount = 0;
        }
        allowed = windowCount < limit;
        if (allowed) windowCount += 1;
        remaining = limit - windowCount;
        resetMs = windowStart + windowMs - now;
      } else {
        while (arrivals.length > 0 && (arrivals[0] ?? 0) <= now - windowMs) arrivals.shift();
        allowed = arrivals.length < limit;
        if (allowed) arrivals.push(now);
        remaining = limit - arrivals.length;
        resetMs = (arrivals[0] ?? now) + windowMs - now;
      }
      if (!allowed) rejected += 1;
      await clock.sleep(40); // round trip
      const headers = {
        "ratelimit-limit": String(limit),
        "ratelimit-remaining": String(remaining),
        "ratelimit-reset": String(Math.ceil(resetMs / 1000)),
      };
      return allowed ? Response.json({ ok: true }, { headers }) : Response.json({}, { status: 429, headers });
    };
    return { fetch, rejected: () => rejected };
  }

  async function run(clock: FakeClock, options: HttpClientOptions, total: number, workers: number) {
    const http = createHttpClient(options);
    const t0 = clock.now();
    let issued = 0;
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (issued < total) {
          issued += 1;
          await http.getJson("meetings", Ok);
        }
      }),
    );
    return { elapsed: clock.now() - t0, stats: http.stats() };
  }

  const cases = [
    { kind: "fixed", budget: true },
    { kind: "sliding", budget: true },
    { kind: "fixed", budget: false },
    { kind: "sliding", budget: false },
  ] as const;

  for (const { kind, budget } of cases) {
    const pacing = budget ? "client budget + headers" : "headers only";
    it(`${kind} window, ${pacing}: >= 90% of the allowed rate, no 429`, async () => {
      const clock = createFakeClock();
      const limit = 60;
      const windowMs = 60_000;
      const server = rateLimitedServer(clock, kind, limit, windowMs);
      const total = 300;
      const { elapsed, stats } = await run(
        clock,
        {
          baseUrl: "https://api.fathom.test/external/v1",
          fetch: server.fetch,
          clock,
          rateLimit: budget ? { requests: limit, windowMs, maxConcurrency: 4 } : { maxConcurrency: 4 },
        },
        total,
        4,
      );
      expect(server.rejected()).toBe(0);
      expect(stats.rateLimited).toBe(0);
      expect(stats.requests).toBe(total);
      // The ideal: 300 requests at 60 per minute need 5 windows, the last one starting after 4 full windows.
      const ideal = (Math.ceil(total / limit) - 1) * windowMs;
      expect(elapsed).toBeGreaterThanOrEqual(ideal);
      expect(total / (elapsed + windowMs)).toBeGreaterThanOrEqual((0.9 * limit) / windowMs);
    });
  }
});

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  if (!condition()) throw new Error("condition not met");
}

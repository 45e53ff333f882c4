import { describe, expect, it } from "vitest";
import { formatRetryAfter, RateLimiter, rateLimitGuard, resolveRateWindows, type NamedRateWindow } from "./rate-limiter.js";
import { json } from "./reply.js";
import type { SandboxRequest } from "./request.js";
import { route } from "./routes.js";
import { useServers } from "./test-helpers.js";

const start = useServers();

function clockAt(start: number) {
  const clock = { now: start, read: () => clock.now };
  return clock;
}

const FATHOM: NamedRateWindow[] = [
  { name: "global", limit: 60, windowMs: 60_000, mode: "fixed" },
  { name: "heavy", limit: 30, windowMs: 60_000, mode: "fixed", applies: (req) => req.query.get("include_transcript") === "true" },
];

describe("RateLimiter", () => {
  it("keeps one bucket per key (account, mailbox)", () => {
    const clock = clockAt(0);
    const limiter = new RateLimiter({ windows: [{ name: "w", limit: 1, windowMs: 1_000, mode: "fixed" }], clock: clock.read });
    expect(limiter.take("alice", ["w"]).allowed).toBe(true);
    expect(limiter.take("alice", ["w"]).allowed).toBe(false);
    expect(limiter.take("bob", ["w"]).allowed).toBe(true);
  });

  it("needs room in every window that counts a request, and reports the binding one", () => {
    const clock = clockAt(0);
    const limiter = new RateLimiter({
      windows: [
        { name: "global", limit: 10, windowMs: 60_000, mode: "fixed" },
        { name: "heavy", limit: 2, windowMs: 60_000, mode: "fixed" },
      ],
      clock: clock.read,
    });
    expect(limiter.take("", ["global"])).toMatchObject({ window: "global", remaining: 9, used: 1 });
    expect(limiter.take("", ["global", "heavy"])).toMatchObject({ window: "heavy", limit: 2, remaining: 1 });
    expect(limiter.take("", ["global", "heavy"]).allowed).toBe(true);
    const refused = limiter.take("", ["global", "heavy"]);
    expect(refused).toMatchObject({ allowed: false, window: "heavy", remaining: 0 });
    // A refused heavy request used no global slot either.
    expect(limiter.take("", ["global"])).toMatchObject({ allowed: true, remaining: 6 });
  });

  it("sends RateLimit-* with whole (rounded up) or fractional seconds", () => {
    const clock = clockAt(0);
    const windows = [{ name: "w", limit: 2, windowMs: 1_500, mode: "fixed" as const }];
    const whole = new RateLimiter({ windows, clock: clock.read });
    expect(whole.take("", ["w"]).headers).toEqual({ "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-reset": "2" });
    const fractional = new RateLimiter({ windows, clock: clock.read, rateLimitHeaders: "fractional" });
    expect(fractional.take("", ["w"]).headers["ratelimit-reset"]).toBe("1.500");
    const none = new RateLimiter({ windows, clock: clock.read, rateLimitHeaders: "none" });
    expect(none.take("", ["w"]).headers).toEqual({});
  });

  it("sends Retry-After on a refusal only, in the format asked", () => {
    const clock = clockAt(Date.UTC(2025, 0, 1, 12, 0, 0));
    const windows = [{ name: "w", limit: 1, windowMs: 2_128, mode: "fixed" as const }];
    const graph = new RateLimiter({ windows, clock: clock.read, retryAfter: "fractional" });
    expect(graph.take("", ["w"]).headers["retry-after"]).toBeUndefined();
    clock.now += 1;
    expect(graph.take("", ["w"]).headers["retry-after"]).toBe("2.127");
    const dated = new RateLimiter({ windows, clock: clock.read, retryAfter: "http-date" });
    dated.take("", ["w"]);
    expect(dated.take("", ["w"]).headers["retry-after"]).toBe("Wed, 01 Jan 2025 12:00:03 GMT");
    const whole = new RateLimiter({ windows, clock: clock.read, retryAfter: "seconds" });
    whole.take("", ["w"]);
    expect(whole.take("", ["w"]).headers["retry-after"]).toBe("3");
  });

  it("formats Retry-After: never 0 whole seconds, HTTP dates rounded up to the next second", () => {
    expect(formatRetryAfter(1, 0, "seconds")).toBe("1");
    expect(formatRetryAfter(0, 0, "seconds")).toBe("1");
    expect(formatRetryAfter(2_128, 0, "fractional")).toBe("2.128");
    expect(formatRetryAfter(1, Date.UTC(2025, 0, 1), "http-date")).toBe("Wed, 01 Jan 2025 00:00:01 GMT");
  });

  it("check() counts a request in every window that applies to it", () => {
    const limiter = new RateLimiter({ windows: FATHOM, clock: () => 0 });
    const req = (heavy: boolean) => ({ query: new URLSearchParams(heavy ? "include_transcript=true" : "") }) as SandboxRequest;
    expect(limiter.check(req(false))).toMatchObject({ window: "global", remaining: 59 });
    expect(limiter.check(req(true))).toMatchObject({ window: "heavy", remaining: 29 });
  });

  it("exhaust uses up a bucket as other clients would", () => {
    const limiter = new RateLimiter({ windows: FATHOM, clock: () => 0 });
    limiter.exhaust("", "heavy");
    expect(limiter.take("", ["global"]).allowed).toBe(true);
    expect(limiter.take("", ["global", "heavy"]).allowed).toBe(false);
    limiter.reset();
    expect(limiter.take("", ["global", "heavy"]).allowed).toBe(true);
  });

  it("forgets the oldest bucket beyond maxKeys", () => {
    const limiter = new RateLimiter({ windows: [{ name: "w", limit: 1, windowMs: 1_000, mode: "fixed" }], clock: () => 0, maxKeys: 2 });
    limiter.take("a", ["w"]);
    limiter.take("b", ["w"]);
    limiter.take("c", ["w"]);
    expect(limiter.take("b", ["w"]).allowed).toBe(false);
    expect(limiter.take("a", ["w"]).allowed).toBe(true);
  });
});

describe("resolveRateWindows", () => {
  it("applies overrides by window name, turns limits off with false, and refuses unknown names", () => {
    expect(resolveRateWindows(FATHOM, { heavy: { limit: 1 } })?.map((window) => window.limit)).toEqual([60, 1]);
    expect(resolveRateWindows(FATHOM, undefined)?.map((window) => window.limit)).toEqual([60, 30]);
    expect(resolveRateWindows(FATHOM, false)).toBeUndefined();
    expect(() => resolveRateWindows(FATHOM, { hevy: { limit: 1 } })).toThrow(/no rate window "hevy"/);
  });
});

describe("rateLimitGuard on a server", () => {
  it("adds the headers to every reply and refuses with the vendor's reply, counted as rate-limited", async () => {
    const clock = clockAt(0);
    const limiter = new RateLimiter({
      windows: [{ name: "w", limit: 2, windowMs: 10_000, mode: "fixed" }],
      key: (req) => req.header("x-mailbox") ?? "",
      clock: clock.read,
      retryAfter: "fractional",
    });
    const server = await start({
      routes: [route("GET", "/items", () => json(200, []))],
      // Salesforce-style quota refusal: 403, counted as rate-limited all the same.
      guards: [rateLimitGuard(limiter, () => json(403, [{ errorCode: "REQUEST_LIMIT_EXCEEDED" }]))],
    });
    const get = (mailbox: string) => fetch(`${server.url}/items`, { headers: { "x-mailbox": mailbox } });
    expect((await get("a")).headers.get("ratelimit-remaining")).toBe("1");
    await get("a");
    clock.now = 2_500;
    const refused = await get("a");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("retry-after")).toBe("7.500");
    expect((await get("b")).status).toBe(200);
    clock.now = 10_000;
    expect((await get("a")).status).toBe(200);
    expect(server.stats()).toMatchObject({ requests: 5, rateLimited: 1, unauthorized: 0 });
  });
});

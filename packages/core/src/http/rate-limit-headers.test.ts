import { describe, expect, it } from "vitest";
import { parseRateLimitHeaders } from "./rate-limit-headers.js";

const NOW = Date.UTC(2025, 0, 6, 9, 0, 0);

describe("parseRateLimitHeaders", () => {
  it("returns undefined when no rate-limit header is present or none is readable", () => {
    expect(parseRateLimitHeaders(new Headers(), NOW)).toBeUndefined();
    expect(parseRateLimitHeaders(new Headers({ "content-type": "application/json" }), NOW)).toBeUndefined();
    expect(parseRateLimitHeaders(new Headers({ "ratelimit-remaining": "lots" }), NOW)).toBeUndefined();
  });

  it("ignores negative and garbage values field by field", () => {
    const info = parseRateLimitHeaders(
      new Headers({ "ratelimit-limit": "60", "ratelimit-remaining": "-3", "ratelimit-reset": "soon" }),
      NOW,
    );
    expect(info).toEqual({ limit: 60 });
  });

  it("reads the IETF RateLimit-* triplet (Fathom), Reset in seconds from now", () => {
    const headers = new Headers({ "RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "2" });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({ limit: 60, remaining: 0, resetMs: 2000 });
  });

  it("reads a policy-annotated limit and a fractional reset", () => {
    const headers = new Headers({
      "RateLimit-Limit": "100, 100;w=60",
      "RateLimit-Remaining": "7",
      "RateLimit-Reset": "1.5",
    });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({ limit: 100, remaining: 7, resetMs: 1500 });
  });

  it("reads the combined RateLimit header, old and new draft syntax", () => {
    expect(parseRateLimitHeaders(new Headers({ RateLimit: "limit=10, remaining=3, reset=7" }), NOW)).toEqual({
      limit: 10,
      remaining: 3,
      resetMs: 7000,
    });
    expect(parseRateLimitHeaders(new Headers({ RateLimit: '"default";r=0;t=30' }), NOW)).toEqual({
      remaining: 0,
      resetMs: 30_000,
    });
  });

  it("reads X-RateLimit-* aliases and takes a huge Reset for an epoch timestamp", () => {
    const seconds = new Headers({
      "X-RateLimit-Limit": "5000",
      "X-RateLimit-Remaining": "4999",
      "X-RateLimit-Reset": String(NOW / 1000 + 42),
    });
    expect(parseRateLimitHeaders(seconds, NOW)).toEqual({ limit: 5000, remaining: 4999, resetMs: 42_000 });
    const millis = new Headers({ "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": String(NOW + 1234) });
    expect(parseRateLimitHeaders(millis, NOW)).toEqual({ remaining: 1, resetMs: 1234 });
    const past = new Headers({ "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": String(NOW / 1000 - 10) });
    expect(parseRateLimitHeaders(past, NOW)).toEqual({ remaining: 0, resetMs: 0 });
  });

  it("prefers the IETF headers over the aliases, field by field", () => {
    const headers = new Headers({
      "RateLimit-Remaining": "2",
      "X-RateLimit-Remaining": "50",
      "X-RateLimit-Reset": "9",
    });
    expect(parseRateLimitHeaders(headers, NOW)).toEqual({ remaining: 2, resetMs: 9000 });
  });
});

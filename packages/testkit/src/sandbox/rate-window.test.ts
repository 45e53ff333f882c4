import { describe, expect, it } from "vitest";
import { RateWindow } from "./rate-window.js";

describe("RateWindow: fixed", () => {
  it("opens with the first request and allows `limit` until windowMs later, exactly", () => {
    const window = new RateWindow({ limit: 2, windowMs: 1_000, mode: "fixed" });
    expect(window.state(0)).toEqual({ limit: 2, remaining: 2, resetMs: 1_000 });
    expect(window.take(100)).toBe(true);
    expect(window.take(500)).toBe(true);
    expect(window.take(1_099)).toBe(false);
    expect(window.state(1_099)).toEqual({ limit: 2, remaining: 0, resetMs: 1 });
    // The window started at 100, so it ends at 1,100 sharp: a full budget again.
    expect(window.state(1_100)).toEqual({ limit: 2, remaining: 2, resetMs: 1_000 });
    expect(window.take(1_100)).toBe(true);
    expect(window.state(1_100)).toEqual({ limit: 2, remaining: 1, resetMs: 1_000 });
  });

  it("a refused request does not count", () => {
    const window = new RateWindow({ limit: 1, windowMs: 100, mode: "fixed" });
    expect(window.take(0)).toBe(true);
    for (let t = 1; t < 100; t += 10) expect(window.take(t)).toBe(false);
    expect(window.take(100)).toBe(true);
  });

  it("exhaust uses up the current window only", () => {
    const window = new RateWindow({ limit: 5, windowMs: 100, mode: "fixed" });
    window.exhaust(10);
    expect(window.state(50)).toEqual({ limit: 5, remaining: 0, resetMs: 60 });
    expect(window.take(110)).toBe(true);
  });
});

describe("RateWindow: sliding", () => {
  it("frees each slot exactly windowMs after its request", () => {
    const window = new RateWindow({ limit: 2, windowMs: 1_000, mode: "sliding" });
    expect(window.take(100)).toBe(true);
    expect(window.take(500)).toBe(true);
    expect(window.state(900)).toEqual({ limit: 2, remaining: 0, resetMs: 200 });
    expect(window.take(1_099)).toBe(false);
    expect(window.state(1_100)).toEqual({ limit: 2, remaining: 1, resetMs: 400 });
    expect(window.take(1_100)).toBe(true);
    expect(window.take(1_499)).toBe(false);
    expect(window.take(1_500)).toBe(true);
  });

  it("differs from fixed at the window edge: no burst of 2 x limit", () => {
    const fixed = new RateWindow({ limit: 3, windowMs: 1_000, mode: "fixed" });
    const sliding = new RateWindow({ limit: 3, windowMs: 1_000, mode: "sliding" });
    const allowed = (window: RateWindow) => [0, 990, 990, 1_000, 1_000, 1_000].filter((t) => window.take(t)).length;
    expect(allowed(fixed)).toBe(6);
    expect(allowed(sliding)).toBe(4);
  });

  it("exhaust fills the remaining slots, which free up windowMs later", () => {
    const window = new RateWindow({ limit: 3, windowMs: 100, mode: "sliding" });
    window.take(0);
    window.exhaust(50);
    expect(window.state(60).remaining).toBe(0);
    expect(window.state(100).remaining).toBe(1);
    expect(window.state(150).remaining).toBe(3);
  });

  it("refuses a window without a positive integer limit or length", () => {
    expect(() => new RateWindow({ limit: 0, windowMs: 1, mode: "fixed" })).toThrow(RangeError);
    expect(() => new RateWindow({ limit: 1.5, windowMs: 1, mode: "fixed" })).toThrow(RangeError);
    expect(() => new RateWindow({ limit: 1, windowMs: 0, mode: "sliding" })).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { HOUR_MS, inWindow, windowAt, windowParams, windowsBetween } from "../src/sync/windows.js";
import { DelivrSettingsSchema, MAX_WINDOW_HOURS } from "../src/settings.js";

const DAY = 24 * HOUR_MS;

describe("event windows", () => {
  it("cut a 90-day range into contiguous half-open windows of at most 25 hours", () => {
    const since = Date.UTC(2026, 0, 1);
    const until = since + 90 * DAY;
    const windows = windowsBetween(since, until, 25 * HOUR_MS);
    expect(windows).toHaveLength(Math.ceil((90 * 24) / 25));
    expect(windows[0]?.startMs).toBe(since);
    expect(windows.at(-1)?.endMs).toBe(until);
    for (const [index, window] of windows.entries()) {
      expect(window.endMs - window.startMs).toBeLessThanOrEqual(25 * HOUR_MS);
      expect(window.endMs).toBeGreaterThan(window.startMs);
      if (index > 0) expect(window.startMs).toBe(windows[index - 1]?.endMs);
    }
  });

  it("request a window with inclusive bounds that stay within 25 hours", () => {
    const window = windowAt(1_000, 1_000 + 100 * HOUR_MS, 25 * HOUR_MS);
    expect(windowParams(window)).toEqual({ start_ms: 1_000, end_ms: 1_000 + 25 * HOUR_MS - 1 });
    const { start_ms, end_ms } = windowParams(window);
    expect(end_ms - start_ms).toBeLessThanOrEqual(25 * HOUR_MS);
  });

  it("put an instant on a boundary in the later window only", () => {
    const [first, second] = windowsBetween(0, 50 * HOUR_MS, 25 * HOUR_MS);
    if (first === undefined || second === undefined) throw new Error("two windows expected");
    const boundary = first.endMs;
    expect([inWindow(boundary - 1, first), inWindow(boundary - 1, second)]).toEqual([true, false]);
    expect([inWindow(boundary, first), inWindow(boundary, second)]).toEqual([false, true]);
    expect(inWindow(second.endMs, second)).toBe(false);
  });

  it("an empty or inverted range has no window", () => {
    expect(windowsBetween(5, 5, HOUR_MS)).toEqual([]);
    expect(windowsBetween(10, 5, HOUR_MS)).toEqual([]);
  });

  it("settings refuse windows over Delivr's 25 hours", () => {
    expect(DelivrSettingsSchema.safeParse({ windowHours: MAX_WINDOW_HOURS }).success).toBe(true);
    expect(DelivrSettingsSchema.safeParse({ windowHours: 26 }).success).toBe(false);
    expect(DelivrSettingsSchema.parse({}).windowHours).toBe(25);
  });
});

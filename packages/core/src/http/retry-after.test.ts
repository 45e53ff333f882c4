import { describe, expect, it } from "vitest";
import { parseRetryAfter } from "./retry-after.js";

const NOW = Date.UTC(2025, 0, 6, 9, 0, 0);

describe("parseRetryAfter", () => {
  it("rejects missing, garbage and negative values", () => {
    for (const value of [null, "", "soon", "-1", "-0.5", "1e3", "NaN", "Infinity", "2 seconds", "1,5", "12abc"]) {
      expect(parseRetryAfter(value, NOW), String(value)).toBeUndefined();
    }
  });

  it("does not mistake a bare number-ish string for a date", () => {
    // Date.parse("2025") would be a valid date; a Retry-After that is not seconds must look like an HTTP-date.
    expect(parseRetryAfter("2025-01-06", NOW)).toBeUndefined();
    expect(parseRetryAfter("Funday, 99 Nov 1994 08:49:37 GMT", NOW)).toBeUndefined();
  });

  it("reads whole seconds", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter("3", NOW)).toBe(3000);
    expect(parseRetryAfter(" 120 ", NOW)).toBe(120_000);
  });

  it("reads fractional seconds (Graph sends 2.128) without float noise and never early", () => {
    expect(parseRetryAfter("2.128", NOW)).toBe(2128);
    expect(parseRetryAfter("0.5", NOW)).toBe(500);
    expect(parseRetryAfter("0.0001", NOW)).toBe(1);
  });

  it("reads IMF-fixdate, RFC 850 and asctime HTTP dates relative to now", () => {
    expect(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW)).toBe(5000);
    expect(parseRetryAfter("Monday, 06-Jan-25 09:00:07 GMT", NOW)).toBe(7000);
    expect(parseRetryAfter("Mon Jan  6 09:00:09 2025", NOW)).toBeGreaterThanOrEqual(0);
  });

  it("treats a date in the past as retry now", () => {
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0);
  });
});

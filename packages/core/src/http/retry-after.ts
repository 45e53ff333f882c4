/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Graph sends fractional seconds ("2.128"), which
 * the RFC does not allow but real servers do, so they are accepted.
 */

const SECONDS = /^\s*(\d+(?:\.\d+)?)\s*$/;
/** IMF-fixdate, RFC 850 and asctime all start with a day name; `Date.parse` alone would accept "1" as a year. */
const HTTP_DATE = /^\s*(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s/i;

/** Milliseconds to wait, or undefined for a missing, negative or unparseable value. A past date means 0. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const seconds = SECONDS.exec(value);
  if (seconds?.[1] !== undefined) return secondsToMs(Number(seconds[1]));
  if (!HTTP_DATE.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Rounds up, after cutting float noise (2.128 * 1000 = 2128.0000000000005), so we never retry early. */
export function secondsToMs(seconds: number): number | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.ceil(Math.round(seconds * 1_000_000) / 1_000);
}

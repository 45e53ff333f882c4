/**
 * Rate-limit headers, in the forms servers actually send:
 * - `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF httpapi draft, Fathom), Reset in seconds;
 * - the combined `RateLimit: limit=10, remaining=3, reset=7` (older drafts) or `RateLimit: "default";r=3;t=7` (newer);
 * - `X-RateLimit-*` aliases, whose Reset is often an epoch timestamp (GitHub) rather than a delay.
 */
import { parseRetryAfter, secondsToMs } from "./retry-after.js";

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** Milliseconds until the window resets. */
  resetMs?: number;
}

const LEADING_NUMBER = /^\s*(\d+(?:\.\d+)?)/;
/** Anything this large is a timestamp, not a delay: 1e9 seconds is 2001, and no window lasts 31 years. */
const EPOCH_SECONDS = 1e9;
const EPOCH_MS = 1e12;

export function parseRateLimitHeaders(headers: Headers, now: number = Date.now()): RateLimitInfo | undefined {
  const sources = [
    fromTriplet(headers, "ratelimit", now),
    fromCombined(headers.get("ratelimit"), now),
    fromTriplet(headers, "x-ratelimit", now),
  ];
  const info: RateLimitInfo = {};
  for (const source of sources) {
    if (info.limit === undefined && source.limit !== undefined) info.limit = source.limit;
    if (info.remaining === undefined && source.remaining !== undefined) info.remaining = source.remaining;
    if (info.resetMs === undefined && source.resetMs !== undefined) info.resetMs = source.resetMs;
  }
  return info.limit === undefined && info.remaining === undefined && info.resetMs === undefined ? undefined : info;
}

function fromTriplet(headers: Headers, prefix: string, now: number): RateLimitInfo {
  return build(
    headers.get(`${prefix}-limit`),
    headers.get(`${prefix}-remaining`),
    headers.get(`${prefix}-reset`),
    now,
  );
}

function fromCombined(value: string | null, now: number): RateLimitInfo {
  if (value === null) return {};
  const fields = new Map<string, string>();
  for (const part of value.split(/[,;]/)) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return build(
    fields.get("limit") ?? fields.get("l") ?? null,
    fields.get("remaining") ?? fields.get("r") ?? null,
    fields.get("reset") ?? fields.get("t") ?? null,
    now,
  );
}

function build(limit: string | null, remaining: string | null, reset: string | null, now: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const limitValue = leadingNumber(limit);
  const remainingValue = leadingNumber(remaining);
  const resetValue = parseReset(reset, now);
  if (limitValue !== undefined) info.limit = limitValue;
  if (remainingValue !== undefined) info.remaining = Math.floor(remainingValue);
  if (resetValue !== undefined) info.resetMs = resetValue;
  return info;
}

function leadingNumber(value: string | null): number | undefined {
  if (value === null) return undefined;
  const match = LEADING_NUMBER.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

function parseReset(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const seconds = leadingNumber(value);
  if (seconds === undefined) return parseRetryAfter(value, now);
  if (seconds >= EPOCH_MS) return Math.max(0, Math.ceil(seconds - now));
  if (seconds >= EPOCH_SECONDS) return Math.max(0, Math.ceil(seconds * 1000 - now));
  return secondsToMs(seconds);
}

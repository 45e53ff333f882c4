/**
 * A vendor's rate limits as named windows, kept per key (account, mailbox, app+tenant), with the headers a client
 * paces by: `RateLimit-Limit/-Remaining/-Reset` on every counted reply, and on a refusal `Retry-After` as whole
 * seconds, fractional seconds (Graph sends `2.128`) or an HTTP date, or none at all (Fathom documents none).
 * A request counted by several windows (Fathom's global and "heavy") needs room in all and uses a slot in each;
 * the headers describe the binding one, the window with the least room left.
 */
import { systemClock, type Clock } from "./clock.js";
import { withOutcome, type Reply } from "./reply.js";
import type { SandboxRequest } from "./request.js";
import { RateWindow, type RateWindowOptions, type RateWindowState } from "./rate-window.js";
import type { Guard } from "./server.js";

export interface NamedRateWindow extends RateWindowOptions {
  name: string;
  /** Which requests this window counts. Default: every request the guard sees. */
  applies?: (req: SandboxRequest) => boolean;
}

export type ResetFormat = "seconds" | "fractional";
export type RetryAfterFormat = "seconds" | "fractional" | "http-date" | "none";

export interface RateLimiterOptions {
  windows: readonly NamedRateWindow[];
  /** The bucket a request counts in. Default: one bucket for everything. */
  key?: (req: SandboxRequest) => string;
  clock?: Clock;
  /** `RateLimit-*` headers: reset in whole seconds (rounded up) or fractional ones, or "none" to send none. Default "seconds". */
  rateLimitHeaders?: ResetFormat | "none";
  /** `Retry-After` on a refusal. Default "none". */
  retryAfter?: RetryAfterFormat;
  /** Buckets kept; the least recently created goes first beyond it. Default 10,000. */
  maxKeys?: number;
}

export interface RateDecision extends RateWindowState {
  allowed: boolean;
  key: string;
  /** The binding window's name; "" when no window counts the request. */
  window: string;
  /** Requests counted in the binding window (for usage headers such as Salesforce's `Sforce-Limit-Info`). */
  used: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
}

function seconds(ms: number, format: ResetFormat): string {
  const value = Math.max(0, ms) / 1000;
  return format === "seconds" ? String(Math.ceil(value)) : value.toFixed(3);
}

export function formatRetryAfter(resetMs: number, now: number, format: Exclude<RetryAfterFormat, "none">): string {
  if (format === "http-date") {
    // HTTP dates have whole seconds: round up so a client never retries before the window has room.
    return new Date(Math.ceil((now + Math.max(0, resetMs)) / 1000) * 1000).toUTCString();
  }
  if (format === "fractional") return seconds(resetMs, "fractional");
  return String(Math.max(1, Math.ceil(resetMs / 1000)));
}

export class RateLimiter {
  readonly #options: RateLimiterOptions;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, RateWindow[]>();

  constructor(options: RateLimiterOptions) {
    const names = new Set(options.windows.map((window) => window.name));
    if (names.size !== options.windows.length) throw new Error("rate window names must be unique");
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  #bucket(key: string): RateWindow[] {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = this.#options.windows.map(({ limit, windowMs, mode }) => new RateWindow({ limit, windowMs, mode }));
      this.#buckets.set(key, bucket);
      const oldest = this.#buckets.keys().next().value;
      if (this.#buckets.size > (this.#options.maxKeys ?? 10_000) && oldest !== undefined) this.#buckets.delete(oldest);
    }
    return bucket;
  }

  /** Counts one request against the windows named (all must have room), and says what to answer. */
  take(key: string, windowNames: readonly string[]): RateDecision {
    const now = this.#clock();
    const bucket = this.#bucket(key);
    const counted = this.#options.windows.flatMap((window, index) => {
      const live = bucket[index];
      return live !== undefined && windowNames.includes(window.name) ? [{ name: window.name, live }] : [];
    });
    const allowed = counted.every(({ live }) => live.state(now).remaining > 0);
    if (allowed) for (const { live } of counted) live.take(now);
    let binding: { name: string; state: RateWindowState } | undefined;
    for (const { name, live } of counted) {
      const state = live.state(now);
      if (
        binding === undefined ||
        state.remaining < binding.state.remaining ||
        (state.remaining === binding.state.remaining && state.resetMs > binding.state.resetMs)
      ) {
        binding = { name, state };
      }
    }
    if (binding === undefined) {
      return { allowed: true, key, window: "", used: 0, limit: 0, remaining: 0, resetMs: 0, headers: {} };
    }
    const { state } = binding;
    const headers: Record<string, string> = {};
    const format = this.#options.rateLimitHeaders ?? "seconds";
    if (format !== "none") {
      headers["ratelimit-limit"] = String(state.limit);
      headers["ratelimit-remaining"] = String(state.remaining);
      headers["ratelimit-reset"] = seconds(state.resetMs, format);
    }
    const retryAfter = this.#options.retryAfter ?? "none";
    if (!allowed && retryAfter !== "none") headers["retry-after"] = formatRetryAfter(state.resetMs, now, retryAfter);
    return { allowed, key, window: binding.name, used: state.limit - state.remaining, ...state, headers };
  }

  /** Counts `req` in its bucket against every window that applies to it. */
  check(req: SandboxRequest): RateDecision {
    const names = this.#options.windows.filter((window) => window.applies?.(req) ?? true).map((window) => window.name);
    return this.take(this.#options.key?.(req) ?? "", names);
  }

  /** Uses up a bucket's windows (all, or the one named), as other clients of the same account would. */
  exhaust(key = "", windowName?: string): void {
    const bucket = this.#bucket(key);
    const now = this.#clock();
    this.#options.windows.forEach((window, index) => {
      if (windowName === undefined || window.name === windowName) bucket[index]?.exhaust(now);
    });
  }

  /** Forgets every bucket: full budgets again. */
  reset(): void {
    this.#buckets.clear();
  }
}

/** The refusal for a request over its budget (the vendor's status and body). */
export type RateRefusal = (decision: RateDecision, req: SandboxRequest) => Reply;

/** Counts every request it sees; adds the rate headers to whatever reply follows; refuses when over budget. */
export function rateLimitGuard(limiter: RateLimiter, refusal: RateRefusal): Guard {
  return (req) => {
    const decision = limiter.check(req);
    Object.assign(req.responseHeaders, decision.headers);
    return decision.allowed ? undefined : withOutcome(refusal(decision, req), "rate-limited");
  };
}

/**
 * A sandbox's documented windows with a start option's overrides applied; undefined when rate limiting is off.
 * An override naming no window is a typo and throws, rather than leaving the limit it meant to change in force.
 */
export function resolveRateWindows(
  defaults: readonly NamedRateWindow[],
  option: false | Readonly<Record<string, Partial<Omit<NamedRateWindow, "name" | "applies">>>> | undefined,
): NamedRateWindow[] | undefined {
  if (option === false) return undefined;
  const overrides = option ?? {};
  for (const name of Object.keys(overrides)) {
    if (!defaults.some((window) => window.name === name)) {
      throw new Error(`no rate window "${name}" (windows: ${defaults.map((window) => window.name).join(", ")})`);
    }
  }
  return defaults.map((window) => ({ ...window, ...overrides[window.name] }));
}

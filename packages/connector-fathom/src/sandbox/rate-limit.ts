/**
 * Fathom's budgets as the sandbox enforces them: a global window (60 requests / 60 s) and a "heavy" window
 * (30 / 60 s) that requests with `include_transcript` or `include_summary` also count against.
 * Responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds left in the window).
 */

export type WindowMode = "fixed" | "sliding";

export interface RateWindowOptions {
  limit: number;
  windowMs: number;
  mode: WindowMode;
}

export interface RateWindowState {
  limit: number;
  remaining: number;
  /** Milliseconds until the budget frees up (fixed: window end; sliding: the oldest counted request expires). */
  resetMs: number;
}

export class RateWindow {
  readonly #options: RateWindowOptions;
  /** fixed: start of the current window. */
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;
  /** sliding: times of the counted requests, oldest first. */
  readonly #hits: number[] = [];

  constructor(options: RateWindowOptions) {
    if (!(options.limit > 0) || !(options.windowMs > 0)) throw new RangeError("rate window needs limit and windowMs > 0");
    this.#options = options;
  }

  state(now: number): RateWindowState {
    const { limit, windowMs, mode } = this.#options;
    if (mode === "fixed") {
      if (now - this.#windowStart >= windowMs) return { limit, remaining: limit, resetMs: windowMs };
      return { limit, remaining: Math.max(0, limit - this.#count), resetMs: this.#windowStart + windowMs - now };
    }
    this.#expire(now);
    const oldest = this.#hits[0];
    return {
      limit,
      remaining: Math.max(0, limit - this.#hits.length),
      resetMs: oldest === undefined ? windowMs : oldest + windowMs - now,
    };
  }

  consume(now: number): void {
    const { windowMs, mode } = this.#options;
    if (mode === "fixed") {
      if (now - this.#windowStart >= windowMs) {
        this.#windowStart = now;
        this.#count = 0;
      }
      this.#count += 1;
      return;
    }
    this.#expire(now);
    this.#hits.push(now);
  }

  #expire(now: number): void {
    while (this.#hits.length > 0 && now - (this.#hits[0] ?? now) >= this.#options.windowMs) this.#hits.shift();
  }
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/** The global and heavy windows together. A heavy request needs room in both and consumes both. */
export class FathomRateLimiter {
  readonly #global: RateWindow;
  readonly #heavy: RateWindow;

  constructor(options: { requests: number; heavyRequests: number; windowMs: number; mode: WindowMode }) {
    this.#global = new RateWindow({ limit: options.requests, windowMs: options.windowMs, mode: options.mode });
    this.#heavy = new RateWindow({ limit: options.heavyRequests, windowMs: options.windowMs, mode: options.mode });
  }

  take(now: number, heavy: boolean): RateLimitDecision {
    const windows = heavy ? [this.#global, this.#heavy] : [this.#global];
    const allowed = windows.every((window) => window.state(now).remaining > 0);
    if (allowed) for (const window of windows) window.consume(now);
    // Report the binding window: the one with the least room left (then the longest wait).
    const states = windows.map((window) => window.state(now));
    const binding = states.reduce((tightest, state) =>
      state.remaining < tightest.remaining || (state.remaining === tightest.remaining && state.resetMs > tightest.resetMs)
        ? state
        : tightest,
    );
    return {
      allowed,
      headers: {
        "RateLimit-Limit": String(binding.limit),
        "RateLimit-Remaining": String(binding.remaining),
        "RateLimit-Reset": String(Math.max(0, Math.ceil(binding.resetMs / 1000))),
      },
    };
  }
}

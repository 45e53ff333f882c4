/**
 * One rate window, fixed or sliding. Fixed: a window opens with the first request after the previous one ended and
 * allows `limit` requests until `windowMs` later (Fathom's "60 per 60 s" read literally). Sliding: each request
 * holds a slot for `windowMs` after it was made (a rolling log, as Graph's and Salesforce's rolling quotas behave).
 * Time is passed in, so boundaries are tested exactly.
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
  /** Milliseconds until room frees up: the window's end (fixed), or the oldest counted request's expiry (sliding). */
  resetMs: number;
}

export class RateWindow {
  readonly options: Readonly<RateWindowOptions>;
  /** fixed: start of the current window. */
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;
  /** sliding: times of the counted requests, oldest first; never longer than `limit`. */
  readonly #hits: number[] = [];

  constructor(options: RateWindowOptions) {
    if (!(Number.isInteger(options.limit) && options.limit > 0) || !(options.windowMs > 0)) {
      throw new RangeError("a rate window needs an integer limit > 0 and windowMs > 0");
    }
    this.options = { ...options };
  }

  state(now: number): RateWindowState {
    const { limit, windowMs, mode } = this.options;
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

  /** Counts a request if there is room; returns whether there was. */
  take(now: number): boolean {
    if (this.state(now).remaining <= 0) return false;
    if (this.options.mode === "fixed") {
      this.#roll(now);
      this.#count += 1;
    } else {
      this.#hits.push(now);
    }
    return true;
  }

  /** Uses up the rest of the window, as other clients of the same account would. */
  exhaust(now: number): void {
    const { limit, mode } = this.options;
    if (mode === "fixed") {
      this.#roll(now);
      this.#count = limit;
      return;
    }
    this.#expire(now);
    while (this.#hits.length < limit) this.#hits.push(now);
  }

  /** fixed: opens a new window if the last one has ended. */
  #roll(now: number): void {
    if (now - this.#windowStart >= this.options.windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
  }

  #expire(now: number): void {
    while (this.#hits.length > 0 && now - (this.#hits[0] ?? now) >= this.options.windowMs) this.#hits.shift();
  }
}

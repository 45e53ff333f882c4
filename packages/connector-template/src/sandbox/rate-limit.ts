/**
 * The sandbox's budget, a fixed window: `limit` requests per `windowMs`, reported on every response in the IETF
 * `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` headers, and a 429 with `Retry-After` beyond it.
 * Reset and Retry-After are sent in fractional seconds (as some APIs do) so that a sandbox window can be short.
 */
export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  #windowStart = Number.NEGATIVE_INFINITY;
  #count = 0;

  constructor(limit: number, windowMs: number) {
    if (!(limit > 0) || !(windowMs > 0)) throw new RangeError("a rate window needs limit and windowMs > 0");
    this.#limit = limit;
    this.#windowMs = windowMs;
  }

  /** Counts a request if the window has room. */
  take(now: number): RateDecision {
    this.#roll(now);
    const allowed = this.#count < this.#limit;
    if (allowed) this.#count += 1;
    const resetSeconds = (Math.max(0, this.#windowStart + this.#windowMs - now) / 1000).toFixed(3);
    const headers: Record<string, string> = {
      "RateLimit-Limit": String(this.#limit),
      "RateLimit-Remaining": String(this.#limit - this.#count),
      "RateLimit-Reset": resetSeconds,
    };
    return { allowed, headers: allowed ? headers : { ...headers, "Retry-After": resetSeconds } };
  }

  /** Uses up what is left of the current window, as other clients of the same account would. */
  exhaust(now: number): void {
    this.#roll(now);
    this.#count = this.#limit;
  }

  #roll(now: number): void {
    if (now - this.#windowStart >= this.#windowMs) {
      this.#windowStart = now;
      this.#count = 0;
    }
  }
}

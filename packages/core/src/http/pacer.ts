/**
 * Decides when the next request may start, so that a 429 is the exception rather than the feedback loop.
 *
 * Three independent brakes, the latest one wins:
 * 1. the client-side budget, a sliding window of `requests` per `windowMs`. A request holds its slot from the moment
 *    it starts until `windowMs` after it COMPLETES: the server counted it at some instant in between, so no window
 *    the server can draw ever holds more than `requests` of ours, whatever the latency. The cost is one round trip
 *    per window (a 50 ms round trip on a 60 s window leaves 99.9 % of the allowed rate);
 * 2. the server's own RateLimit-Remaining/-Reset: when what remains is used up by requests already started, new
 *    ones wait for the reset;
 * 3. a block set after a 429 (or a classified rate limit), so concurrent callers stop too instead of each
 *    collecting its own 429.
 */
import { sleepFor, waitForSignal } from "./clock.js";
import type { RateLimitInfo } from "./rate-limit-headers.js";
import type { HttpClock } from "./types.js";

export interface PacerOptions {
  requests?: number | undefined;
  windowMs?: number | undefined;
  respectHeaders: boolean;
  clock: HttpClock;
}

export type PaceResult =
  | { admitted: true; budgetWaitMs: number; serverWaitMs: number }
  /** The server asked for a longer wait than the caller may still spend. */
  | { admitted: false; retryAfterMs: number };

/** Two readings of the same window differ by the server's rounding of Reset to whole seconds. */
const SAME_WINDOW_TOLERANCE_MS = 1_000;

export class Pacer {
  readonly #options: PacerOptions;
  /** Completion times of finished requests still inside the window, oldest first. */
  readonly #completed: number[] = [];
  #inFlight = 0;
  #blockedUntil = 0;
  #server: { resetAt: number; allowance: number } | undefined;
  readonly #releaseListeners = new Set<() => void>();

  constructor(options: PacerOptions) {
    this.#options = options;
  }

  /**
   * Waits until a request may start and counts it as in flight (the caller must call `release` afterwards).
   * Server-driven waits longer than `maxServerWaitMs` are not waited out: the result says how long it would be.
   */
  async acquire(signal: AbortSignal | undefined, maxServerWaitMs: number): Promise<PaceResult> {
    const { clock, requests, windowMs } = this.#options;
    let budgetWaitMs = 0;
    let serverWaitMs = 0;
    for (;;) {
      const now = clock.now();
      const serverWait = this.#serverWaitUntil(now) - now;
      if (serverWait > 0) {
        if (serverWaitMs + serverWait > maxServerWaitMs) return { admitted: false, retryAfterMs: serverWait };
        await sleepFor(clock, serverWait, signal);
        serverWaitMs += serverWait;
        continue;
      }
      if (requests !== undefined && windowMs !== undefined) {
        this.#prune(now, windowMs);
        if (this.#completed.length + this.#inFlight >= requests) {
          const oldest = this.#completed[0];
          if (oldest === undefined) {
            // Every slot is held by a request still in flight; its completion starts the clock.
            await waitForSignal((wake) => {
              this.#releaseListeners.add(wake);
              return () => this.#releaseListeners.delete(wake);
            }, signal);
          } else {
            const wait = oldest + windowMs - now;
            await sleepFor(clock, wait, signal);
            budgetWaitMs += wait;
          }
          continue;
        }
      }
      this.#inFlight += 1;
      if (this.#server !== undefined && now < this.#server.resetAt) this.#server.allowance -= 1;
      return { admitted: true, budgetWaitMs, serverWaitMs };
    }
  }

  /** Marks a request acquired with `acquire` as finished (successfully or not). */
  release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (this.#options.requests !== undefined) this.#completed.push(this.#options.clock.now());
    for (const wake of [...this.#releaseListeners]) wake();
  }

  /** Feeds the rate-limit headers of a response; call it BEFORE `release` for that response. */
  observe(info: RateLimitInfo | undefined): void {
    if (!this.#options.respectHeaders || info?.remaining === undefined) return;
    const resetMs = info.resetMs ?? this.#options.windowMs;
    if (resetMs === undefined) return;
    const now = this.#options.clock.now();
    const resetAt = now + resetMs;
    // Requests started before this response may or may not be counted in its Remaining; assume they are not.
    const allowance = info.remaining - Math.max(0, this.#inFlight - 1);
    const current = this.#server;
    if (current !== undefined && now < current.resetAt && resetAt <= current.resetAt + SAME_WINDOW_TOLERANCE_MS) {
      // Same window: responses can arrive out of order, and Remaining only goes down within a window.
      current.allowance = Math.min(current.allowance, allowance);
      current.resetAt = Math.max(current.resetAt, resetAt);
    } else {
      this.#server = { resetAt, allowance };
    }
  }

  /** Holds every request (not only the caller's) until `until`, after a 429 or a classified rate limit. */
  blockUntil(until: number): void {
    this.#blockedUntil = Math.max(this.#blockedUntil, until);
  }

  #serverWaitUntil(now: number): number {
    const server = this.#server;
    if (server !== undefined && now >= server.resetAt) this.#server = undefined;
    const headerUntil = server !== undefined && server.allowance <= 0 && now < server.resetAt ? server.resetAt : 0;
    return Math.max(this.#blockedUntil, headerUntil);
  }

  #prune(now: number, windowMs: number): void {
    while (this.#completed.length > 0 && (this.#completed[0] ?? Infinity) + windowMs <= now) this.#completed.shift();
  }
}

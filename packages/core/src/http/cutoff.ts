/**
 * The client's own aborts. Node's fetch follows an abort signal through copies it holds only weakly (the Request's
 * signal, nodejs/node#55428), and AbortSignal.any chains have lost aborts after a collection too: once the collector
 * has run, a timeout or a caller's abort may never reach a body that is still being read, and a trickling server then
 * holds the call forever. So nothing here relies on fetch observing a signal. A Cutoff is a controller that the
 * waiting code references until it is disposed, fed by its parents through listeners and by its own timer (both held
 * strongly), and every wait races it: the wait ends when the Cutoff fires, whatever fetch does with its signal.
 */
import { abortError } from "./clock.js";

export interface CutoffTimeout {
  ms: number;
  /** The abort reason when the timer fires first; a marker class, so the catcher can tell the causes apart. */
  reason: () => Error;
}

export class Cutoff {
  readonly #controller = new AbortController();
  readonly #detach: (() => void)[] = [];
  readonly #startedAt = performance.now();
  readonly #timeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Fires when any parent aborts (with that parent's abort error) or when `timeout` runs out, whichever comes first. */
  constructor(parents: readonly (AbortSignal | undefined)[], timeout?: CutoffTimeout) {
    this.#timeoutMs = timeout?.ms ?? Number.POSITIVE_INFINITY;
    for (const parent of parents) {
      if (parent === undefined) continue;
      if (parent.aborted) {
        this.#fire(abortError(parent));
        return;
      }
      const onAbort = (): void => this.#fire(abortError(parent));
      parent.addEventListener("abort", onAbort, { once: true });
      this.#detach.push(() => parent.removeEventListener("abort", onAbort));
    }
    if (timeout !== undefined) this.#timer = setTimeout(() => this.#fire(timeout.reason()), timeout.ms);
  }

  /** For code that can only take a signal (fetch, the pacer, sleeps). Best effort for fetch; `race` is the guarantee. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  elapsedMs(): number {
    return Math.round(performance.now() - this.#startedAt);
  }

  /** Time left before the timer fires; Infinity without one. */
  remainingMs(): number {
    return Math.max(0, this.#timeoutMs - (performance.now() - this.#startedAt));
  }

  /**
   * Settles as `promise` does, or rejects with the abort reason as soon as this fires. `discard` receives a value
   * that arrives after the cut-off (a late Response whose body would otherwise hold its connection open).
   */
  race<T>(promise: Promise<T>, discard?: (late: T) => void): Promise<T> {
    const signal = this.#controller.signal;
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(abortError(signal));
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          if (signal.aborted) discard?.(value);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /** Stops the timer and unhooks from the parents: a long-lived caller signal must not collect our listeners. */
  dispose(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#detach.splice(0).forEach((detach) => detach());
  }

  #fire(reason: Error): void {
    if (this.#controller.signal.aborted) return;
    this.#controller.abort(reason);
    this.dispose();
  }
}

/** One attempt ran out of `timeoutMs`: retryable. */
export class AttemptTimeout extends Error {
  constructor() {
    super("HTTP attempt timed out");
    this.name = "TimeoutError";
  }
}

/** The whole call ran out of `callTimeoutMs`: no further attempt or wait. */
export class CallTimeout extends Error {
  constructor() {
    super("HTTP call ran out of its callTimeoutMs");
    this.name = "TimeoutError";
  }
}

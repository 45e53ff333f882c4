/** Time and waiting, injectable so tests can run minutes of backoff and pacing in microseconds. */
import type { HttpClock } from "./types.js";

/** The error to throw when `signal` aborted: its own reason when that is an Error, else a DOMException AbortError. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException("This operation was aborted", "AbortError");
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortError(signal);
}

export const systemClock: HttpClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(abortError(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        if (signal !== undefined) reject(abortError(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * Sleeps on `clock`, but rejects as soon as `signal` aborts even if an injected clock ignores the signal:
 * a caller's abort must never wait for a backoff to run out.
 */
export async function sleepFor(clock: HttpClock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  throwIfAborted(signal);
  if (ms <= 0) return;
  if (signal === undefined) {
    await clock.sleep(ms);
    return;
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([clock.sleep(ms, signal), aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener("abort", onAbort);
  }
}

/** Resolves when `event` fires or rejects when `signal` aborts; used to wait for a slot without polling. */
export function waitForSignal(
  subscribe: (wake: () => void) => () => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(signal));
      return;
    }
    const onAbort = (): void => {
      unsubscribe();
      if (signal !== undefined) reject(abortError(signal));
    };
    const unsubscribe = subscribe(() => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

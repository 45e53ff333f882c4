/**
 * Time windows for the Events API, which requires a range of at most 25 hours. A run's range is cut into half-open
 * windows [start, end): consecutive windows share a boundary instant, and an event AT that instant belongs to the
 * later window only. Delivr's `start_ms`/`end_ms` are inclusive, so a window is requested as
 * `start_ms = start, end_ms = end - 1`, and the rows are also checked against [start, end) on our side, so a server
 * that reads the bounds differently still cannot make one event count in two windows.
 */
export const HOUR_MS = 3_600_000;

export interface EventWindow {
  /** Inclusive, epoch ms. */
  startMs: number;
  /** Exclusive, epoch ms. */
  endMs: number;
}

/** The window that starts at `startMs` in a run reading up to `untilMs` (exclusive). */
export function windowAt(startMs: number, untilMs: number, windowMs: number): EventWindow {
  return { startMs, endMs: Math.min(startMs + windowMs, untilMs) };
}

/** Every window of [sinceMs, untilMs): what a run will request, one or more pages each. */
export function windowsBetween(sinceMs: number, untilMs: number, windowMs: number): EventWindow[] {
  const windows: EventWindow[] = [];
  for (let start = sinceMs; start < untilMs; start += windowMs) windows.push(windowAt(start, untilMs, windowMs));
  return windows;
}

/** The query parameters of a window (Delivr's bounds are inclusive). */
export function windowParams(window: EventWindow): { start_ms: number; end_ms: number } {
  return { start_ms: window.startMs, end_ms: window.endMs - 1 };
}

export function inWindow(ms: number, window: EventWindow): boolean {
  return ms >= window.startMs && ms < window.endMs;
}

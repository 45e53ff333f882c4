/**
 * The in-process twin of the `syncConnection` workflow: the same activities, the same loop and the same failure
 * handling, with retries done here instead of by the Temporal server. Used by `worker sync`, the demo and tests.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { classifyError, type ErrorClassification } from "../activities/errors.js";
import { withActivityRuntime } from "../activities/runtime.js";
import type { PageHeartbeat } from "../activities/sync-page.js";
import type { RunTrigger, SyncActivities, SyncCounters, SyncPageResult, SyncTarget } from "../activities/types.js";
import { addPages, PAGES_PER_CALL, zeroCounters } from "../sync-policy.js";

export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Longest rate-limit wait honoured; a source asking for more fails the attempt like any other error. */
  maxRateLimitWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 8,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRateLimitWaitMs: 5 * 60_000,
};

export interface SyncLoopOptions {
  fullSync?: boolean;
  trigger?: RunTrigger;
  /** Graceful stop: finish the page in flight, record the run as cancelled, return. */
  stop?: AbortSignal;
  /** Hard stop: abort the page in flight too (nothing half-written: a page commits whole or not at all). */
  abort?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  onStart?: (info: { runId: string; connectorId: string; connectorVersion: string }) => void;
  onPage?: (page: SyncPageResult, counters: SyncCounters) => void;
  onRetry?: (info: { attempt: number; delayMs: number; error: ErrorClassification }) => void;
  onHeartbeat?: (details: unknown) => void;
  /** Names the run so a startRun retried after a lost reply gets the same one. Default: a fresh random key. */
  runKey?: string;
  /** Pages per `syncPages` call. Default PAGES_PER_CALL. */
  pagesPerCall?: number;
}

export type SyncLoopStatus = "succeeded" | "failed" | "cancelled";

export interface SyncLoopResult extends SyncTarget {
  status: SyncLoopStatus;
  runId: string | null;
  connectorId: string | null;
  connectorVersion: string | null;
  counters: SyncCounters;
  cursor: string | null;
  durationMs: number;
  error?: ErrorClassification;
}

class StopRequested extends Error {}

/** Waits `ms` unless a signal fires first (then throws StopRequested). */
async function wait(ms: number, signals: (AbortSignal | undefined)[]): Promise<void> {
  const active = signals.filter((s): s is AbortSignal => s !== undefined);
  if (active.some((s) => s.aborted)) throw new StopRequested();
  try {
    await sleep(ms, undefined, active.length > 0 ? { signal: AbortSignal.any(active) } : {});
  } catch {
    throw new StopRequested();
  }
}

export async function runSyncLoop(
  activities: SyncActivities,
  target: SyncTarget,
  options: SyncLoopOptions = {},
): Promise<SyncLoopResult> {
  const started = Date.now();
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const abortSignal = options.abort ?? new AbortController().signal;
  const fullSync = options.fullSync ?? false;

  /** One activity call with Temporal-like retries: heartbeat details carry over to the next attempt. */
  async function attempt<T>(fn: () => Promise<T>, onHeartbeat?: (details: unknown) => void): Promise<T> {
    let heartbeatDetails: unknown;
    for (let n = 1; ; n += 1) {
      try {
        return await withActivityRuntime(
          {
            heartbeat: (details) => {
              heartbeatDetails = details;
              onHeartbeat?.(details);
              options.onHeartbeat?.(details);
            },
            signal: abortSignal,
            stop: options.stop,
            heartbeatDetails,
            attempt: n,
          },
          fn,
        );
      } catch (error) {
        if (abortSignal.aborted) throw new StopRequested();
        const classified = classifyError(error);
        if (!classified.retryable || n >= policy.maxAttempts) throw error;
        const backoff = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (n - 1));
        const delayMs =
          classified.retryAfterMs !== undefined && classified.retryAfterMs <= policy.maxRateLimitWaitMs
            ? classified.retryAfterMs
            : Math.round(backoff * (0.8 + Math.random() * 0.4));
        options.onRetry?.({ attempt: n, delayMs, error: classified });
        // A graceful stop does not interrupt a retry wait: the page has not been committed yet, so stop now.
        await wait(delayMs, [abortSignal, options.stop]);
      }
    }
  }

  const result = (
    status: SyncLoopStatus,
    run: { runId: string; connectorId: string; connectorVersion: string } | null,
    counters: SyncCounters,
    cursor: string | null,
    error?: ErrorClassification,
  ): SyncLoopResult => ({
    ...target,
    status,
    runId: run?.runId ?? null,
    connectorId: run?.connectorId ?? null,
    connectorVersion: run?.connectorVersion ?? null,
    counters,
    cursor,
    durationMs: Date.now() - started,
    ...(error ? { error } : {}),
  });

  let run: { runId: string; connectorId: string; connectorVersion: string; cursor: string | null };
  try {
    const runKey = options.runKey ?? `runner:${randomUUID()}`;
    run = await attempt(() => activities.startRun({ ...target, fullSync, trigger: options.trigger ?? "cli", runKey }));
  } catch (error) {
    if (error instanceof StopRequested) return result("cancelled", null, zeroCounters(), null);
    const classified = classifyError(error);
    if (classified.blockConnection) {
      await activities.markConnection({ ...target, status: classified.blockConnection, reason: classified.message });
    }
    return result("failed", null, zeroCounters(), null, classified);
  }
  options.onStart?.(run);

  let counters = zeroCounters();
  let cursor = run.cursor;
  const finish = async (status: SyncLoopStatus, error?: ErrorClassification) => {
    await withActivityRuntime(
      { heartbeat: () => undefined, signal: new AbortController().signal, heartbeatDetails: undefined, attempt: 1 },
      () =>
        activities.finishRun({
          ...target,
          runId: run.runId,
          status,
          counters,
          cursor,
          ...(error ? { error: { type: error.type, message: error.message } } : {}),
        }),
    );
    return result(status, run, counters, cursor, error);
  };

  try {
    const maxPages = Math.max(1, options.pagesPerCall ?? PAGES_PER_CALL);
    for (;;) {
      if (options.stop?.aborted || abortSignal.aborted) return await finish("cancelled");
      // Pages commit one by one inside the call; its heartbeats report each, so progress (and a stop) is per page.
      const before = counters;
      const batch = await attempt(
        () => activities.syncPages({ ...target, runId: run.runId, cursor, page: before.pages + 1, fullSync, maxPages }),
        (details) => {
          const beat = details as PageHeartbeat;
          if (beat.phase !== "committed" || beat.page <= counters.pages) return;
          counters = addPages(before, beat.total);
          cursor = beat.total.cursor;
          options.onPage?.(beat.result, counters);
        },
      );
      counters = addPages(before, batch);
      cursor = batch.cursor;
      if (!batch.hasMore) break;
    }
  } catch (error) {
    if (error instanceof StopRequested) return await finish("cancelled");
    const classified = classifyError(error);
    if (classified.blockConnection) {
      await activities.markConnection({ ...target, status: classified.blockConnection, reason: classified.message });
    }
    return await finish("failed", classified);
  }
  return await finish("succeeded");
}

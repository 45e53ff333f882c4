/**
 * Where an activity is running. Under Temporal that is the activity Context (heartbeats go to the server, which
 * hands the last one to a retried attempt, and cancellation arrives through them). In-process, the runner scopes
 * a runtime around each call: heartbeats feed the progress display and the signal is the runner's abort.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Context } from "@temporalio/activity";

export interface ActivityRuntime {
  heartbeat(details?: unknown): void;
  /** Aborts in-flight requests when the activity is cancelled (Temporal) or the runner aborts (in-process). */
  readonly signal: AbortSignal;
  /** The last heartbeat of a previous attempt, if any (Temporal retries). */
  readonly heartbeatDetails: unknown;
  readonly attempt: number;
  /** In-process only: a graceful stop, after which a multi-page call commits the page in hand and returns. */
  readonly stop?: AbortSignal | undefined;
}

const inProcess = new AsyncLocalStorage<ActivityRuntime>();

/** Runs `fn` with `runtime` as the current activity runtime (the in-process runner). */
export function withActivityRuntime<T>(runtime: ActivityRuntime, fn: () => Promise<T>): Promise<T> {
  return inProcess.run(runtime, fn);
}

const detached: ActivityRuntime = {
  heartbeat: () => undefined,
  signal: new AbortController().signal,
  heartbeatDetails: undefined,
  attempt: 1,
};

function temporalRuntime(): ActivityRuntime | undefined {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return undefined;
  }
  return {
    heartbeat: (details) => ctx.heartbeat(details),
    signal: ctx.cancellationSignal,
    heartbeatDetails: ctx.info.heartbeatDetails,
    attempt: ctx.info.attempt,
  };
}

export function currentRuntime(): ActivityRuntime {
  return inProcess.getStore() ?? temporalRuntime() ?? detached;
}

/** Whether the current call runs inside a Temporal activity (then cancellation must surface as CancelledFailure). */
export function inTemporalActivity(): boolean {
  return inProcess.getStore() === undefined && temporalRuntime() !== undefined;
}

/**
 * Temporal workflows. This file is bundled into the deterministic workflow sandbox: it may import only
 * `@temporalio/workflow`, types (`import type`) and pure modules such as ../sync-policy.ts.
 * The bundle test fails the build when anything else sneaks in.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from "@temporalio/workflow";
import type {
  RunError,
  RunTrigger,
  SyncActivities,
  SyncCounters,
} from "../activities/types.js";
import {
  addPage,
  addPages,
  blockedStatusFor,
  DEFAULT_MAX_PAGES_PER_RUN,
  isNonRetryableFailureType,
  NON_RETRYABLE_FAILURE_TYPES,
  PAGES_PER_CALL,
  zeroCounters,
} from "../sync-policy.js";
import { WRITEBACK_AFTER_SYNC_PATCH } from "../writeback/ids.js";
import { startDrainAfterSync, type WritebackTrigger } from "../writeback/trigger.js";

/** Bookkeeping activities: short, idempotent, retried generously. */
const bookkeeping = proxyActivities<Pick<SyncActivities, "startRun" | "finishRun" | "markConnection">>({
  startToCloseTimeout: "1 minute",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "1 minute", maximumAttempts: 20 },
});

/**
 * Pages: up to PAGES_PER_CALL per activity (each fetched while the one before commits, each heartbeated as it
 * commits, the call bounded by a time budget), or one per activity in executions started before that (the
 * "pipelined-pages" patch). The heartbeat timeout spots a dead worker long before startToClose; the cancellation
 * waits for the activity to confirm, so the run is only marked cancelled once no page is half-written.
 */
const pages = proxyActivities<Pick<SyncActivities, "syncPage" | "syncPages">>({
  startToCloseTimeout: "15 minutes",
  heartbeatTimeout: "2 minutes",
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: {
    initialInterval: "5 seconds",
    backoffCoefficient: 2,
    maximumInterval: "10 minutes",
    maximumAttempts: 12,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  },
});

/** State carried from one workflow run to the next by `continueAsNew`. */
export interface SyncResume {
  runId: string;
  cursor: string | null;
  counters: SyncCounters;
  /** How many times this sync has continued as new so far. */
  continuations: number;
}

export interface SyncConnectionInput {
  tenantId: string;
  connectionId: string;
  fullSync?: boolean;
  trigger?: RunTrigger;
  /** Pages per workflow run before continuing as new (the server's `continueAsNewSuggested` also triggers it). */
  maxPagesPerRun?: number;
  /** Set only by `continueAsNew`: the sync run already started, resume it. */
  resume?: SyncResume;
}

export interface SyncConnectionResult {
  runId: string;
  status: "succeeded";
  cursor: string | null;
  counters: SyncCounters;
  continuations: number;
  /** What the sync did about the connection's writeback outbox (executions started since "writeback-after-sync"). */
  writeback?: WritebackTrigger;
}

/** Pages a connection until the source has no more, as one sync run that may span several workflow runs. */
export async function syncConnection(input: SyncConnectionInput): Promise<SyncConnectionResult> {
  const { tenantId, connectionId } = input;
  const fullSync = input.fullSync ?? false;
  const maxPagesPerRun = Math.max(1, input.maxPagesPerRun ?? DEFAULT_MAX_PAGES_PER_RUN);

  // Set once the run exists: from continueAsNew, or by startRun below (inside the try, so a connection that
  // cannot even start, e.g. a missing DPA, is marked like one that fails mid-sync).
  let state: SyncResume | undefined = input.resume;
  let cursor = state?.cursor ?? null;
  let counters = state?.counters ?? zeroCounters();
  const finish = async (status: "succeeded" | "failed" | "cancelled", error?: RunError) => {
    if (!state) return;
    await bookkeeping.finishRun({
      tenantId,
      connectionId,
      runId: state.runId,
      status,
      counters,
      cursor,
      ...(error ? { error } : {}),
    });
  };

  let continueNow = false;
  try {
    if (!state) {
      // The execution names its run, so a startRun retried after a lost reply gets the same one back.
      const { workflowId, firstExecutionRunId } = workflowInfo();
      const started = await bookkeeping.startRun({
        tenantId,
        connectionId,
        fullSync,
        trigger: input.trigger ?? "schedule",
        runKey: `temporal:${workflowId}:${firstExecutionRunId}`,
      });
      state = { runId: started.runId, cursor: started.cursor, counters, continuations: 0 };
      cursor = started.cursor;
      log.info("sync run started", { runId: started.runId, connectorVersion: started.connectorVersion });
    }
    const pipelined = patched("pipelined-pages");
    for (let pagesThisRun = 0; ; ) {
      const request = { tenantId, connectionId, runId: state.runId, cursor, page: counters.pages + 1, fullSync };
      let batch: { pages: number; cursor: string | null; hasMore: boolean };
      if (pipelined) {
        const done = await pages.syncPages({ ...request, maxPages: Math.min(PAGES_PER_CALL, maxPagesPerRun - pagesThisRun) });
        counters = addPages(counters, done);
        batch = done;
      } else {
        const page = await pages.syncPage(request);
        counters = addPage(counters, page);
        batch = { ...page, pages: 1 };
      }
      cursor = batch.cursor;
      pagesThisRun += batch.pages;
      if (!batch.hasMore) break;
      if (pagesThisRun >= maxPagesPerRun || workflowInfo().continueAsNewSuggested) {
        continueNow = true;
        break;
      }
    }
  } catch (error) {
    if (isCancellation(error)) {
      // The scope is cancelled; recording the outcome must still happen.
      await CancellationScope.nonCancellable(() => finish("cancelled"));
      throw error;
    }
    const failure = describeFailure(error);
    if (isNonRetryableFailureType(failure.type)) {
      await bookkeeping.markConnection({
        tenantId,
        connectionId,
        status: blockedStatusFor(failure.type),
        reason: failure.message,
      });
      await finish("failed", failure);
      throw ApplicationFailure.nonRetryable(failure.message, failure.type);
    }
    await finish("failed", failure);
    throw error;
  }

  if (continueNow) {
    const resume: SyncResume = { runId: state.runId, cursor, counters, continuations: state.continuations + 1 };
    return await continueAsNew<typeof syncConnection>({ ...input, resume });
  }

  await finish("succeeded");
  const result: SyncConnectionResult = { runId: state.runId, status: "succeeded", cursor, counters, continuations: state.continuations };
  // Like the in-process runner: push the connection's queued writeback changes once its sync succeeded. Executions
  // started before this step (no patch marker in their history) complete right after finishRun, as they did.
  if (!patched(WRITEBACK_AFTER_SYNC_PATCH)) return result;
  return { ...result, writeback: await startDrainAfterSync({ tenantId, connectionId }) };
}

/** The application-level type and message of an activity failure (what the activity threw). */
function describeFailure(error: unknown): RunError {
  const cause = error instanceof ActivityFailure && error.cause ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? "Error", message: cause.message };
  if (cause instanceof Error) return { type: cause.name, message: cause.message };
  return { type: "Error", message: String(cause) };
}

// The writeback outbox's drain: its own file, registered with this bundle.
export { drainWriteback } from "../writeback/workflow.js";

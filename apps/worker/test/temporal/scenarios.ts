/**
 * Scripted lives of the `syncConnection` workflow, as hand-built histories. The replay tests run each one and the
 * golden-history writer (scripts/write-golden-histories.ts) seeds test/histories/ from them.
 */
import type { StartRunResult, SyncPageResult, SyncPagesResult } from "../../src/activities/types.js";
import type { SyncConnectionInput, SyncConnectionResult } from "../../src/temporal/workflows.js";
import { WRITEBACK_AFTER_SYNC_PATCH, writebackWorkflowId } from "../../src/writeback/ids.js";
import type { WritebackPendingResult } from "../../src/writeback/types.js";
import { HistoryBuilder, type HistoryJson } from "./history-builder.js";

export const WORKFLOW_TYPE = "syncConnection";
export const TARGET = { tenantId: "tenant-a", connectionId: "conn-1" } as const;

export const STARTED: StartRunResult = {
  runId: "run-1",
  connectorId: "fathom",
  connectorVersion: "0.1.0",
  cursor: "stored-cursor",
};

export function page(cursor: string, hasMore: boolean, records = 50): SyncPageResult {
  return { cursor, hasMore, records, quarantined: 1, documents: 2 };
}

export function pages(cursor: string, hasMore: boolean, count: number, records = 50 * count): SyncPagesResult {
  return { cursor, hasMore, pages: count, records, quarantined: count, documents: 2 * count };
}

export interface Scenario {
  name: string;
  workflowId: string;
  description: string;
  history: HistoryJson;
}

function builder(suffix: string): HistoryBuilder {
  return new HistoryBuilder(WORKFLOW_TYPE, `sync:${TARGET.tenantId}:${TARGET.connectionId}-${suffix}`);
}

const input: SyncConnectionInput = { ...TARGET, maxPagesPerRun: 2 };

export function happyPath(): Scenario {
  const b = builder("happy");
  const result: SyncConnectionResult = {
    runId: "run-1",
    status: "succeeded",
    cursor: "p2",
    counters: { pages: 2, records: 80, quarantined: 2, documents: 4 },
    continuations: 0,
  };
  const history = b
    .started([input])
    .activity("startRun", STARTED)
    .activity("syncPage", page("p1", true))
    .activity("syncPage", page("p2", false, 30))
    .activity("finishRun", undefined)
    .completed(result);
  return { name: "happy-path", workflowId: b.workflowId, description: "two pages, then done", history };
}

export function continuesAsNew(): Scenario {
  const b = builder("continue");
  const history = b
    .started([input])
    .activity("startRun", STARTED)
    .activity("syncPage", page("p1", true))
    .activity("syncPage", page("p2", true))
    .continuedAsNew([
      {
        ...input,
        resume: {
          runId: "run-1",
          cursor: "p2",
          counters: { pages: 2, records: 100, quarantined: 2, documents: 4 },
          continuations: 1,
        },
      },
    ]);
  return {
    name: "continue-as-new",
    workflowId: b.workflowId,
    description: "maxPagesPerRun=2 reached with more to read: continue as new carrying cursor and counters",
    history,
  };
}

export function resumedAfterContinueAsNew(): Scenario {
  const b = builder("resumed");
  const resumed: SyncConnectionInput = {
    ...input,
    resume: {
      runId: "run-1",
      cursor: "p2",
      counters: { pages: 2, records: 100, quarantined: 2, documents: 4 },
      continuations: 1,
    },
  };
  const history = b
    .started([resumed])
    .activity("syncPage", page("p3", false, 7))
    .activity("finishRun", undefined)
    .completed({
      runId: "run-1",
      status: "succeeded",
      cursor: "p3",
      counters: { pages: 3, records: 107, quarantined: 3, documents: 6 },
      continuations: 1,
    });
  return {
    name: "resumed-after-continue-as-new",
    workflowId: b.workflowId,
    description: "the continued run resumes at the carried cursor without starting a new sync run",
    history,
  };
}

export function authFailure(): Scenario {
  const b = builder("auth");
  const spec = { message: "Fathom rejected the API key (401)", type: "AuthError", nonRetryable: true };
  const history = b
    .started([input])
    .activity("startRun", STARTED)
    .activity("syncPage", page("p1", true))
    .activityFailed("syncPage", spec)
    .activity("markConnection", undefined)
    .activity("finishRun", undefined)
    .failed(spec);
  return {
    name: "non-retryable-auth-failure",
    workflowId: b.workflowId,
    description: "AuthError: mark the connection needs_reauth, record the run as failed, fail the workflow",
    history,
  };
}

export function transientFailure(): Scenario {
  const b = builder("transient");
  const spec = { message: "502 from upstream", type: "TransientError", nonRetryable: false };
  const history = b
    .started([input])
    .activity("startRun", STARTED)
    .activityFailed("syncPage", spec)
    .activity("finishRun", undefined)
    .failed({ message: "Activity task failed", type: "TransientError", nonRetryable: false });
  return {
    name: "retries-exhausted",
    workflowId: b.workflowId,
    description: "a retryable failure that outlived its retry policy: the run fails, the connection is left alone",
    history,
  };
}

export function refusedAtStart(): Scenario {
  const b = builder("dpa");
  const spec = { message: "Fathom needs the tenant's data processing agreement", type: "DpaRequiredError", nonRetryable: true };
  const history = b
    .started([input])
    .activityFailed("startRun", spec)
    .activity("markConnection", undefined)
    .failed(spec);
  return {
    name: "refused-at-start",
    workflowId: b.workflowId,
    description: "startRun refuses (no DPA): the connection is disabled, there is no run to finish, the workflow fails",
    history,
  };
}

export function cancelled(): Scenario {
  const b = builder("cancel");
  b.started([input]).activity("startRun", STARTED).activity("syncPage", page("p1", true));
  const inFlight = b.scheduleActivity("syncPage");
  const history = b.cancelRequestedDuring(inFlight).activity("finishRun", undefined).canceled();
  return {
    name: "cancelled",
    workflowId: b.workflowId,
    description: "cancelled mid-page: the activity confirms, the run is recorded as cancelled, the workflow ends cancelled",
    history,
  };
}

/** Executions started since the "pipelined-pages" patch: several pages per activity. */
export const PIPELINED = "pipelined-pages";

export function pipelinedHappyPath(): Scenario {
  const b = builder("pipelined");
  const pipelinedInput: SyncConnectionInput = { ...TARGET };
  const result: SyncConnectionResult = {
    runId: "run-1",
    status: "succeeded",
    cursor: "p80",
    counters: { pages: 80, records: 3_980, quarantined: 80, documents: 160 },
    continuations: 0,
  };
  const history = b
    .started([pipelinedInput])
    .activity("startRun", STARTED)
    .patchMarker(PIPELINED)
    .activity("syncPages", pages("p50", true, 50))
    .activity("syncPages", pages("p80", false, 30, 1_480))
    .activity("finishRun", undefined)
    .completed(result);
  return { name: "pipelined-happy-path", workflowId: b.workflowId, description: "pipelined: 50 pages in one call, 30 in the next, then done", history };
}

export function pipelinedContinuesAsNew(): Scenario {
  const b = builder("pipelined-continue");
  const history = b
    .started([{ ...TARGET, maxPagesPerRun: 70 }])
    .activity("startRun", STARTED)
    .patchMarker(PIPELINED)
    .activity("syncPages", pages("p50", true, 50))
    .activity("syncPages", pages("p70", true, 20))
    .continuedAsNew([
      {
        ...TARGET,
        maxPagesPerRun: 70,
        resume: { runId: "run-1", cursor: "p70", counters: { pages: 70, records: 3_500, quarantined: 70, documents: 140 }, continuations: 1 },
      },
    ]);
  return {
    name: "pipelined-continue-as-new",
    workflowId: b.workflowId,
    description: "pipelined: the second call asks only for the 20 pages left before maxPagesPerRun, then continues as new",
    history,
  };
}

/**
 * Executions started since the "writeback-after-sync" patch: after a succeeded sync, one `writebackPending` check,
 * then (when the outbox holds work) `drainWriteback` started as an abandoned child under the connection's stable id.
 */
export const WRITEBACK_PATCH = WRITEBACK_AFTER_SYNC_PATCH;
export const DRAIN_ID = writebackWorkflowId(TARGET.tenantId, TARGET.connectionId);
export const SALESFORCE_STARTED: StartRunResult = { ...STARTED, connectorId: "salesforce" };

function syncThenWriteback(suffix: string, started: StartRunResult, pending: WritebackPendingResult): HistoryBuilder {
  return builder(suffix)
    .started([{ ...TARGET }])
    .activity("startRun", started)
    .patchMarker(PIPELINED)
    .activity("syncPages", pages("p3", false, 3))
    .activity("finishRun", undefined)
    .patchMarker(WRITEBACK_PATCH)
    .activity("writebackPending", pending, [TARGET]);
}

const syncedThree = (writeback: SyncConnectionResult["writeback"]): SyncConnectionResult => ({
  runId: "run-1",
  status: "succeeded",
  cursor: "p3",
  counters: { pages: 3, records: 150, quarantined: 3, documents: 6 },
  continuations: 0,
  ...(writeback ? { writeback } : {}),
});

export function writebackDrainStarted(): Scenario {
  const b = syncThenWriteback("writeback", SALESFORCE_STARTED, { supported: true, pending: 3 });
  const history = b.childStarted("drainWriteback", DRAIN_ID, [TARGET], "PARENT_CLOSE_POLICY_ABANDON").completed(syncedThree("started"));
  return {
    name: "writeback-drain-started",
    workflowId: b.workflowId,
    description: "a succeeded Salesforce sync with 3 changes queued starts drainWriteback (abandoned child) and completes",
    history,
  };
}

export function writebackDrainAlreadyRunning(): Scenario {
  const b = syncThenWriteback("writeback-running", SALESFORCE_STARTED, { supported: true, pending: 250 });
  const history = b
    .childAlreadyRunning("drainWriteback", DRAIN_ID, [TARGET], "PARENT_CLOSE_POLICY_ABANDON")
    .completed(syncedThree("already-running"));
  return {
    name: "writeback-drain-already-running",
    workflowId: b.workflowId,
    description: "the connection's drain is still running: the start is refused, no second drain, the sync still succeeds",
    history,
  };
}

export function writebackUnsupported(): Scenario {
  const b = syncThenWriteback("writeback-unsupported", STARTED, { supported: false, pending: 0 });
  return {
    name: "writeback-unsupported",
    workflowId: b.workflowId,
    description: "a connector without writeback (Fathom): one check, no drain started",
    history: b.completed(syncedThree("unsupported")),
  };
}

export const scenarios = (): Scenario[] => [
  pipelinedHappyPath(),
  pipelinedContinuesAsNew(),
  happyPath(),
  continuesAsNew(),
  resumedAfterContinueAsNew(),
  authFailure(),
  transientFailure(),
  refusedAtStart(),
  cancelled(),
  writebackDrainStarted(),
  writebackDrainAlreadyRunning(),
  writebackUnsupported(),
];

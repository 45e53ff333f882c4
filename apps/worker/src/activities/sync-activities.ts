/**
 * The sync activities, shared by the Temporal worker and the in-process runner: start a run, sync pages
 * (./sync-page.ts: several per call, each fetched while the one before commits; or one, for workflows started
 * before that), from the connection ./connection-source.ts loads; finish the run, block a connection. Each is
 * wrapped by `activity` (./errors.ts), the one place errors become Temporal failures.
 */
import { noopLogger, type Logger } from "@gtm-clarity/core";
import { inThreadFetcher, type PageFetcher } from "../fetching/page-fetcher.js";
import { createConnectionSource } from "./connection-source.js";
import { activity } from "./errors.js";
import { DEFAULT_MAX_PAGES_PER_SYNC } from "./paging.js";
import { currentRuntime } from "./runtime.js";
import type { ConnectorLookup, SyncStore } from "./store-port.js";
import { syncOnePage, syncPages } from "./sync-page.js";
import type { FinishRunInput, MarkConnectionInput, StartRunInput, StartRunResult, SyncActivities } from "./types.js";

export { EXPIRES_AT_KEY } from "./credentials.js";
export type { PageHeartbeat } from "./sync-page.js";

export interface SyncActivityDeps {
  store: SyncStore;
  connectors: ConnectorLookup;
  logger?: Logger;
  now?: () => number;
  /** How often an in-flight page heartbeats (Temporal throttles further). Default 5 s. */
  heartbeatIntervalMs?: number;
  /**
   * How long a page may reuse the connection and decrypted credentials a previous page of the same run loaded.
   * Default 30 s; 0 reloads them for every page. A status change (a connection disabled meanwhile) is seen within
   * this time, and a refreshed token is always written through.
   */
  connectionCacheMs?: number;
  /** Pages one sync run may take before it fails as a paging loop (non-retryable). Default 100,000. */
  maxPagesPerSync?: number;
  /** Longest an OAuth token refresh may hold the connection's row lock. Default 30 s. */
  refreshTimeoutMs?: number;
  /**
   * How long one `syncPages` call keeps starting pages before it returns (the workflow records progress, and
   * continue-as-new is considered, between calls). Default 60 s.
   */
  maxCallMs?: number;
  /**
   * Fetched pages that may wait for their commit while the chain of fetches runs ahead. Default 2: a quick fetch
   * and a slow commit (or the other way round) even out instead of each page waiting for the slower of its pair.
   */
  prefetchPages?: number;
  /** Who runs a connector's `sync` for a page. Default: this thread; the app uses fetch threads (../fetching). */
  fetcher?: PageFetcher;
}

export function createSyncActivities(deps: SyncActivityDeps): SyncActivities {
  const { store } = deps;
  const logger = deps.logger ?? noopLogger;
  const connections = createConnectionSource({
    store,
    connectors: deps.connectors,
    logger,
    now: deps.now ?? Date.now,
    connectionCacheMs: deps.connectionCacheMs ?? 30_000,
    ...(deps.refreshTimeoutMs === undefined ? {} : { refreshTimeoutMs: deps.refreshTimeoutMs }),
  });
  const pageDeps = {
    store,
    connections,
    fetcher: deps.fetcher ?? inThreadFetcher,
    prefetchDepth: Math.max(1, deps.prefetchPages ?? 2),
    logger,
    heartbeatIntervalMs: deps.heartbeatIntervalMs ?? 5_000,
    maxPagesPerSync: deps.maxPagesPerSync ?? DEFAULT_MAX_PAGES_PER_SYNC,
    maxCallMs: deps.maxCallMs ?? 60_000,
    now: deps.now ?? Date.now,
  };

  async function startRun(input: StartRunInput): Promise<StartRunResult> {
    const { connector } = await connections.load(input);
    // A full sync starts from nothing, so every page of this run is seen by it and, once it succeeds, records
    // it did not see can safely become tombstones.
    if (input.fullSync) await store.setCursor({ ...input, cursor: null });
    const run = await store.startRun({
      tenantId: input.tenantId,
      connectionId: input.connectionId,
      connectorVersion: connector.version,
      fullRefresh: input.fullSync,
      ...(input.runKey === undefined ? {} : { runKey: input.runKey }),
    });
    // One sync per connection at a time (Temporal's overlap SKIP, one runner locally): any other run still marked
    // running belongs to a process that died. Close it as abandoned at its last heartbeat, however many there are,
    // so runs tell the truth and none can commit again.
    const abandoned = await store.abandonConnectionRuns({ ...input, exceptRunId: run.id });
    if (abandoned.length > 0) {
      logger.warn("closed abandoned runs", { tenantId: input.tenantId, connectionId: input.connectionId, runs: abandoned.map((r) => r.id) });
    }
    const cursor = await store.getCursor(input);
    logger.info("sync run started", {
      tenantId: input.tenantId,
      connectionId: input.connectionId,
      runId: run.id,
      connector: connector.id,
      version: connector.version,
      fullSync: input.fullSync,
      trigger: input.trigger,
    });
    return { runId: run.id, connectorId: connector.id, connectorVersion: connector.version, cursor };
  }

  async function finishRun(input: FinishRunInput): Promise<void> {
    connections.forget(input.runId);
    const finished = await store.finishRun({
      tenantId: input.tenantId,
      runId: input.runId,
      status: input.status,
      ...(input.error ? { error: `${input.error.type}: ${input.error.message}` } : {}),
      ...(input.counters.counts ? { counts: input.counters.counts } : {}),
      ...(input.counters.notices ? { notices: input.counters.notices } : {}),
    });
    let swept = 0;
    if (finished && input.status === "succeeded") {
      const run = await store.getRun({ tenantId: input.tenantId, runId: input.runId });
      if (run.fullRefresh) {
        swept = (await store.markUnseenAsDeleted({ tenantId: input.tenantId, connectionId: input.connectionId, runId: input.runId })).deleted;
      }
    }
    logger.info("sync run finished", {
      tenantId: input.tenantId,
      connectionId: input.connectionId,
      runId: input.runId,
      status: input.status,
      ...input.counters,
      ...(swept > 0 ? { tombstoned: swept } : {}),
      ...(finished ? {} : { alreadyFinished: true }),
    });
  }

  async function markConnection(input: MarkConnectionInput): Promise<void> {
    await store.setConnectionStatus({
      tenantId: input.tenantId,
      connectionId: input.connectionId,
      status: input.status,
      lastError: input.reason,
    });
    logger.warn("connection blocked", { ...input });
  }

  return {
    startRun: activity(startRun),
    syncPage: activity((input) => syncOnePage(pageDeps, input, currentRuntime())),
    syncPages: activity((input) => syncPages(pageDeps, input, currentRuntime())),
    finishRun: activity(finishRun),
    markConnection: activity(markConnection),
  };
}

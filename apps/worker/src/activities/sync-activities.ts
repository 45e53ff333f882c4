/**
 * The sync activities, shared by the Temporal worker and the in-process runner: start a run, sync ONE page
 * (load + decrypt credentials, refresh an expired token, `connector.sync` from the stored cursor, commit the page
 * with its next cursor in one transaction), finish the run, block a connection.
 *
 * The stored cursor is the truth: it is committed atomically with the page, so an attempt that died after its
 * commit is never re-applied, and a crash anywhere resumes exactly at the last committed page.
 */
import {
  AuthError,
  ConfigError,
  DpaRequiredError,
  isValidationError,
  noopLogger,
  type CanonicalRecord,
  type Connector,
  type Credentials,
  type Logger,
} from "@gtm-clarity/core";
import { ApplicationFailure, CancelledFailure } from "@temporalio/common";
import { createCredentialSource, tokenExpired } from "./credentials.js";
import { toApplicationFailure } from "./errors.js";
import { assertWithinPageLimit, DEFAULT_MAX_PAGES_PER_SYNC } from "./paging.js";
import { currentRuntime, inTemporalActivity } from "./runtime.js";
import type { ConnectionInfo, ConnectorLookup, SyncStore } from "./store-port.js";
import type {
  FinishRunInput,
  MarkConnectionInput,
  StartRunInput,
  StartRunResult,
  SyncActivities,
  SyncPageInput,
  SyncPageResult,
} from "./types.js";

export { EXPIRES_AT_KEY } from "./credentials.js";

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
}

/** What a page's last heartbeat says; a retried attempt reads it back from `heartbeatDetails`. */
export type PageHeartbeat =
  | { phase: "fetching"; runId: string; page: number; cursor: string | null }
  | { phase: "committed"; runId: string; page: number; result: SyncPageResult };

function isCommittedHeartbeat(value: unknown, input: SyncPageInput): value is Extract<PageHeartbeat, { phase: "committed" }> {
  if (typeof value !== "object" || value === null) return false;
  const hb = value as Partial<Extract<PageHeartbeat, { phase: "committed" }>>;
  return hb.phase === "committed" && hb.runId === input.runId && hb.page === input.page && typeof hb.result === "object";
}

export function createSyncActivities(deps: SyncActivityDeps): SyncActivities {
  const { store, connectors } = deps;
  const logger = deps.logger ?? noopLogger;
  const now = deps.now ?? Date.now;
  const heartbeatIntervalMs = deps.heartbeatIntervalMs ?? 5_000;
  const connectionCacheMs = deps.connectionCacheMs ?? 30_000;
  const maxPagesPerSync = deps.maxPagesPerSync ?? DEFAULT_MAX_PAGES_PER_SYNC;
  const credentialSource = createCredentialSource({
    store,
    logger,
    now,
    ...(deps.refreshTimeoutMs === undefined ? {} : { refreshTimeoutMs: deps.refreshTimeoutMs }),
  });
  /** Per run: the loaded connector and credentials, so a page costs one cursor read and one commit. */
  const cache = new Map<string, { at: number; connector: Connector<CanonicalRecord>; credentials: Credentials }>();

  /** The connection, its deployed connector, and a refusal when it cannot sync (for a reason no retry fixes). */
  async function loadConnection(ref: { tenantId: string; connectionId: string }): Promise<{
    connection: ConnectionInfo;
    connector: Connector<CanonicalRecord>;
  }> {
    const connection = await store.getConnection(ref);
    if (connection.status === "needs_reauth") {
      throw new AuthError(`connection needs re-authentication${connection.lastError ? ` (${connection.lastError})` : ""}`);
    }
    if (connection.status === "disabled") {
      throw new ConfigError(`connection is disabled${connection.lastError ? ` (${connection.lastError})` : ""}`);
    }
    if (!connectors.has(connection.connectorId)) {
      // This worker does not carry the connector: a deployment problem, not the connection's; leave it active.
      throw ApplicationFailure.nonRetryable(
        `connector "${connection.connectorId}" is not deployed in this worker`,
        "ConnectorNotDeployed",
      );
    }
    const connector = connectors.get(connection.connectorId);
    if (connector.requiresDpa === true && !(await store.tenantAcceptedDpa(ref.tenantId))) {
      throw new DpaRequiredError(`${connector.name} needs the tenant's data processing agreement before it may sync`);
    }
    return { connection, connector };
  }

  async function connectionForPage(
    input: SyncPageInput,
  ): Promise<{ connector: Connector<CanonicalRecord>; credentials: Credentials }> {
    const cached = cache.get(input.runId);
    if (cached && now() - cached.at < connectionCacheMs && !tokenExpired(cached.credentials, now())) return cached;
    const ref = { tenantId: input.tenantId, connectionId: input.connectionId };
    const { connector } = await loadConnection(ref);
    const credentials = await credentialSource.load(ref, connector);
    if (connectionCacheMs > 0) {
      // Bounded: one entry per run in flight on this worker; the oldest goes first.
      if (cache.size >= 1_000) cache.delete(cache.keys().next().value ?? "");
      cache.set(input.runId, { at: now(), connector, credentials });
    }
    return { connector, credentials };
  }

  async function startRun(input: StartRunInput): Promise<StartRunResult> {
    try {
      const { connector } = await loadConnection(input);
      // A full sync starts from nothing, so every page of this run is seen by it and, once it succeeds, records
      // it did not see can safely become tombstones.
      if (input.fullSync) await store.setCursor({ ...input, cursor: null });
      const run = await store.startRun({ ...input, connectorVersion: connector.version, fullRefresh: input.fullSync });
      // One sync per connection at a time (Temporal's overlap SKIP, one runner locally): any other run still marked
      // running was abandoned by a crash or a lost reply. Close it, so runs tell the truth and it cannot commit again.
      for (const stale of await store.runningRunIds(input)) {
        if (stale === run.id) continue;
        await store.finishRun({ tenantId: input.tenantId, runId: stale, status: "failed", error: `abandoned: superseded by run ${run.id}` });
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
    } catch (error) {
      throw toApplicationFailure(error);
    }
  }

  async function syncPage(input: SyncPageInput): Promise<SyncPageResult> {
    const runtime = currentRuntime();
    const ref = { tenantId: input.tenantId, connectionId: input.connectionId };
    let timer: NodeJS.Timeout | undefined;
    try {
      const stored = await store.getCursor(ref);
      // A previous attempt committed this page and died before reporting it: report it now, fetch nothing.
      if (isCommittedHeartbeat(runtime.heartbeatDetails, input) && runtime.heartbeatDetails.result.cursor === stored) {
        logger.info("page already committed by a previous attempt", { ...ref, runId: input.runId, page: input.page });
        return runtime.heartbeatDetails.result;
      }
      if (stored !== input.cursor) {
        logger.warn("resuming from the committed cursor, not the one the caller passed", {
          ...ref,
          runId: input.runId,
          page: input.page,
        });
      }
      const { connector, credentials } = await connectionForPage(input);
      assertWithinPageLimit(connector.id, input, maxPagesPerSync);

      const fetching: PageHeartbeat = { phase: "fetching", runId: input.runId, page: input.page, cursor: stored };
      runtime.heartbeat(fetching);
      // Keep heartbeating while the source is slow (rate-limit waits): the heartbeat timeout only fires on a dead
      // worker, and cancellation is delivered through heartbeats.
      timer = setInterval(() => runtime.heartbeat(fetching), heartbeatIntervalMs);
      timer.unref();

      // A rejected token is refreshed (once, under the connection's lock) and the page fetched once more.
      const page = await credentialSource.withAuthRetry(
        ref,
        connector,
        credentials,
        (current) => connector.sync(current, stored, { fullSync: input.fullSync, signal: runtime.signal, logger }),
        (fresh) => {
          const entry = cache.get(input.runId);
          if (entry) cache.set(input.runId, { ...entry, credentials: fresh });
        },
      );
      clearInterval(timer);
      timer = undefined;
      if (runtime.signal.aborted) throw new CancelledFailure(String(runtime.signal.reason ?? "cancelled"));
      const committed = await store.commitPage({
        ...ref,
        runId: input.runId,
        records: page.records,
        quarantined: page.quarantined ?? [],
        documents: page.documents ?? [],
        cursor: page.cursor,
        // Arms the store's paging loop guard: a cursor this run already committed (A -> B -> A) fails the page.
        hasMore: page.hasMore,
      });
      const result: SyncPageResult = {
        cursor: page.cursor,
        hasMore: page.hasMore,
        records: page.records.length,
        quarantined: committed.quarantined,
        documents: page.documents?.length ?? 0,
      };
      const done: PageHeartbeat = { phase: "committed", runId: input.runId, page: input.page, result };
      runtime.heartbeat(done);
      return result;
    } catch (error) {
      cache.delete(input.runId); // a failed page reloads the connection and credentials on its retry
      if (runtime.signal.aborted && inTemporalActivity() && !(error instanceof CancelledFailure)) {
        // The fetch died because the activity was cancelled: report a cancellation, not a failure.
        throw new CancelledFailure(String(runtime.signal.reason ?? "cancelled"));
      }
      throw toApplicationFailure(error);
    } finally {
      if (timer) clearInterval(timer);
    }
  }

  async function finishRun(input: FinishRunInput): Promise<void> {
    cache.delete(input.runId);
    try {
      const finished = await store.finishRun({
        tenantId: input.tenantId,
        runId: input.runId,
        status: input.status,
        ...(input.error ? { error: `${input.error.type}: ${input.error.message}` } : {}),
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
    } catch (error) {
      if (isValidationError(error)) throw ApplicationFailure.nonRetryable(error.message, "ValidationError");
      throw toApplicationFailure(error);
    }
  }

  async function markConnection(input: MarkConnectionInput): Promise<void> {
    try {
      await store.setConnectionStatus({
        tenantId: input.tenantId,
        connectionId: input.connectionId,
        status: input.status,
        lastError: input.reason,
      });
      logger.warn("connection blocked", { ...input });
    } catch (error) {
      throw toApplicationFailure(error);
    }
  }

  return { startRun, syncPage, finishRun, markConnection };
}

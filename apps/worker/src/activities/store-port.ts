/**
 * The part of @gtm-clarity/store the sync activities use. Activities depend on this narrow port, not on the whole
 * store, so what they touch is visible at a glance; `storePort(store)` adapts the real store to it.
 */
import { isValidationError, type CanonicalRecord, type Connector, type Credentials } from "@gtm-clarity/core";
import type { PreparedCommit, Store, StoreLimits } from "@gtm-clarity/store";

export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

export type ConnectionStatus = "active" | "needs_reauth" | "disabled" | "dpa_required";

export interface ConnectionInfo {
  id: string;
  tenantId: string;
  connectorId: string;
  connectorVersion: string;
  status: ConnectionStatus;
  lastError: string | null;
  /** Non-secret settings as stored; parsed with the connector's `settingsSchema` before use. */
  settings?: Record<string, unknown>;
}

export interface PageCommit extends ConnectionRef {
  runId: string;
  /** The page as `prepareCommit` made it, under `limits` (in the thread that fetched it). */
  prepared: PreparedCommit;
  cursor: string | null;
  /** What the source said; with it the store rejects a cursor the run already committed (PagingLoopError). */
  hasMore: boolean;
}

export interface PageCommitResult {
  created: number;
  updated: number;
  unchanged: number;
  quarantined: number;
  documents: number;
}

export interface RunInfo {
  id: string;
  fullRefresh: boolean;
  status: "running" | "succeeded" | "failed" | "cancelled" | "abandoned";
}

/** A run closed as abandoned: its process died; it ended at its last heartbeat. */
export interface AbandonedRunInfo {
  id: string;
  tenantId: string;
  connectionId: string;
  finishedAt: Date;
}

export interface SyncStore {
  /** The store's limits, which pages are prepared under before `commitPage`. */
  readonly limits: StoreLimits;
  getConnection(ref: ConnectionRef): Promise<ConnectionInfo>;
  /** When the tenant accepted the data processing agreement, or null (privacy-gated connectors need it). */
  tenantDpaAcceptedAt(tenantId: string): Promise<Date | null>;
  getCredentials(ref: ConnectionRef): Promise<Credentials>;
  /**
   * A token refresh under the connection's row lock: re-reads the credentials with the lock held, calls `refresh`
   * only if `isStale` still says so, persists the result before returning it. `refresh` must not use the store.
   */
  refreshCredentials(
    input: ConnectionRef & {
      isStale(credentials: Credentials): boolean;
      refresh(credentials: Credentials, signal: AbortSignal): Promise<Credentials>;
      timeoutMs?: number;
    },
  ): Promise<{ credentials: Credentials; refreshed: boolean }>;
  setConnectionStatus(ref: ConnectionRef & { status: ConnectionStatus; lastError: string | null }): Promise<void>;
  getCursor(ref: ConnectionRef): Promise<string | null>;
  setCursor(ref: ConnectionRef & { cursor: string | null }): Promise<void>;
  /** With a `runKey`, a retry after a lost reply gets the run the first call started. */
  startRun(ref: ConnectionRef & { connectorVersion: string; fullRefresh: boolean; runKey?: string }): Promise<RunInfo>;
  getRun(ref: { tenantId: string; runId: string }): Promise<RunInfo>;
  /** Closes every other run of the connection still marked running as abandoned (no limit). */
  abandonConnectionRuns(ref: ConnectionRef & { exceptRunId: string }): Promise<AbandonedRunInfo[]>;
  /** Across tenants (maintenance role): running runs with no heartbeat for `staleAfterMs` become abandoned. */
  abandonStaleRuns(staleAfterMs: number): Promise<AbandonedRunInfo[]>;
  /** Stamps a running run's heartbeat (page commits stamp it too). */
  heartbeatRun(ref: { tenantId: string; runId: string }): Promise<void>;
  /** Ends a running run; finishing one that already ended is a no-op that returns false. */
  finishRun(input: {
    tenantId: string;
    runId: string;
    status: "succeeded" | "failed" | "cancelled";
    error?: string;
    counts?: Record<string, number>;
    notices?: string[];
  }): Promise<boolean>;
  commitPage(page: PageCommit): Promise<PageCommitResult>;
  /** After a succeeded full refresh: tombstones every record the run did not see. */
  markUnseenAsDeleted(ref: ConnectionRef & { runId: string }): Promise<{ deleted: number }>;
}

export interface ConnectorLookup {
  get(id: string): Connector<CanonicalRecord>;
  has(id: string): boolean;
}

/** Adapts the real store (`openStore`) to the port. */
export function storePort(store: Store): SyncStore {
  return {
    getConnection: (ref) => store.getConnection(ref),
    tenantDpaAcceptedAt: async (tenantId) => (await store.getTenant({ tenantId })).dpaAcceptedAt,
    getCredentials: (ref) => store.getConnectionCredentials(ref),
    // Keeps the connection's status: a token refresh is not a reconnect.
    refreshCredentials: (input) => store.refreshCredentials(input),
    setConnectionStatus: async (input) => {
      await store.setConnectionStatus(input);
    },
    getCursor: (ref) => store.getCursor(ref),
    setCursor: (input) => store.setCursor(input),
    startRun: (input) => store.startRun(input),
    getRun: (ref) => store.getRun(ref),
    abandonConnectionRuns: (input) => store.abandonConnectionRuns(input),
    abandonStaleRuns: (staleAfterMs) => store.maintenance.abandonStaleRuns({ staleAfterMs }),
    heartbeatRun: async (ref) => {
      await store.heartbeatRun(ref);
    },
    finishRun: async (input) => {
      try {
        await store.finishRun(input);
        return true;
      } catch (error) {
        // A retried finish after a lost reply: the run already ended, which is what was asked.
        if (isValidationError(error) && /already finished/.test(error.message)) return false;
        throw error;
      }
    },
    limits: store.limits,
    commitPage: (page) =>
      store.commitPrepared({
        tenantId: page.tenantId,
        connectionId: page.connectionId,
        runId: page.runId,
        prepared: page.prepared,
        cursor: page.cursor,
        hasMore: page.hasMore,
      }),
    markUnseenAsDeleted: (input) => store.markUnseenAsDeleted(input),
  };
}

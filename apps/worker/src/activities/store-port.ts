/**
 * The part of @gtm-clarity/store the sync activities use. Activities depend on this narrow port, not on the whole
 * store, so what they touch is visible at a glance; `storePort(store)` adapts the real store to it.
 */
import {
  isValidationError,
  type CanonicalRecord,
  type Connector,
  type ConnectorDocument,
  type Credentials,
  type QuarantinedRecord,
} from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";

export interface ConnectionRef {
  tenantId: string;
  connectionId: string;
}

export type ConnectionStatus = "active" | "needs_reauth" | "disabled";

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
  records: readonly CanonicalRecord[];
  quarantined: readonly QuarantinedRecord[];
  documents: readonly ConnectorDocument[];
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
  status: "running" | "succeeded" | "failed" | "cancelled";
}

export interface SyncStore {
  getConnection(ref: ConnectionRef): Promise<ConnectionInfo>;
  /** Whether the tenant accepted the data processing agreement (privacy-gated connectors need it). */
  tenantAcceptedDpa(tenantId: string): Promise<boolean>;
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
  startRun(ref: ConnectionRef & { connectorVersion: string; fullRefresh: boolean }): Promise<{ id: string }>;
  getRun(ref: { tenantId: string; runId: string }): Promise<RunInfo>;
  /** Ids of the connection's runs still marked running (most recent first, bounded). */
  runningRunIds(ref: ConnectionRef): Promise<string[]>;
  /** Ends a running run; finishing one that already ended is a no-op that returns false. */
  finishRun(input: { tenantId: string; runId: string; status: "succeeded" | "failed" | "cancelled"; error?: string }): Promise<boolean>;
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
    tenantAcceptedDpa: async (tenantId) => (await store.getTenant({ tenantId })).dpaAcceptedAt !== null,
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
    runningRunIds: async (ref) =>
      (await store.listRuns({ ...ref, limit: 50 })).filter((run) => run.status === "running").map((run) => run.id),
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
    commitPage: (page) =>
      store.commitPage({
        tenantId: page.tenantId,
        connectionId: page.connectionId,
        runId: page.runId,
        records: page.records,
        quarantined: page.quarantined,
        documents: page.documents,
        cursor: page.cursor,
        hasMore: page.hasMore,
      }),
    markUnseenAsDeleted: (input) => store.markUnseenAsDeleted(input),
  };
}

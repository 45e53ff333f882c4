/**
 * The contract between the sync loop (Temporal workflow or in-process runner) and the activities.
 * Types only: the workflow bundle imports this file with `import type`, so nothing here may have a runtime value.
 * Everything crosses a Temporal payload boundary as JSON: no Dates, no class instances, no `undefined` holes.
 */

/** Which connection to sync; every activity call is scoped by tenant. */
export interface SyncTarget {
  tenantId: string;
  connectionId: string;
}

export type RunTrigger = "schedule" | "manual" | "demo" | "cli";

/** Running totals for one sync run, carried across `continueAsNew`. */
export interface SyncCounters {
  pages: number;
  records: number;
  quarantined: number;
  documents: number;
  /** Connector-specific named counts (`SyncStats.counts`), summed per name over the run's pages; absent when none. */
  counts?: Record<string, number>;
  /** Distinct notices the connector raised during the run (`SyncStats.notices`); absent when none. */
  notices?: string[];
}

export interface StartRunInput extends SyncTarget {
  fullSync: boolean;
  trigger: RunTrigger;
  /**
   * The caller's name for this run (a workflow's id and first run id): a retried startRun whose reply was lost
   * gets the same run back instead of starting a second one.
   */
  runKey?: string;
}

export interface StartRunResult {
  runId: string;
  connectorId: string;
  connectorVersion: string;
  /** Where the run starts: the stored cursor, or null for a full sync / a first sync. */
  cursor: string | null;
}

export interface SyncPageInput extends SyncTarget {
  runId: string;
  /** The cursor the previous page returned (null: from the beginning). */
  cursor: string | null;
  /** 1-based page number within the run, for progress and logs. */
  page: number;
  fullSync: boolean;
}

export interface SyncPageResult {
  /** The cursor committed with this page; pass it to the next call. */
  cursor: string | null;
  hasMore: boolean;
  records: number;
  quarantined: number;
  documents: number;
  /** The page's `SyncStats.counts`, when it had any. */
  counts?: Record<string, number>;
  /** The page's `SyncStats.notices`, when it had any. */
  notices?: string[];
}

/** Several pages in one call, the next fetched while the current one commits (./sync-page.ts). */
export interface SyncPagesInput extends SyncPageInput {
  /** The most pages this call may commit; it may return after fewer (its time budget, a failed later page). */
  maxPages: number;
}

/** What one `syncPages` call committed: the last cursor and whether more follow, with totals over its pages. */
export interface SyncPagesResult extends SyncPageResult {
  pages: number;
}

export type RunStatus = "succeeded" | "failed" | "cancelled";

export interface RunError {
  /** AuthError, ConfigError, RateLimitError, TransientError, ... */
  type: string;
  message: string;
}

export interface FinishRunInput extends SyncTarget {
  runId: string;
  status: RunStatus;
  counters: SyncCounters;
  cursor: string | null;
  error?: RunError;
}

/** Connection status set when a sync fails for a reason only a human can fix. */
export type BlockedConnectionStatus = "needs_reauth" | "disabled" | "dpa_required";

export interface MarkConnectionInput extends SyncTarget {
  status: BlockedConnectionStatus;
  reason: string;
}

/** The activities both runners share. Registered on the Temporal worker under these names. */
export interface SyncActivities {
  startRun(input: StartRunInput): Promise<StartRunResult>;
  /** One page: kept for workflows started before pipelining (see workflows.ts, patch "pipelined-pages"). */
  syncPage(input: SyncPageInput): Promise<SyncPageResult>;
  /** Up to `maxPages` pages, each fetched while the one before it commits. */
  syncPages(input: SyncPagesInput): Promise<SyncPagesResult>;
  finishRun(input: FinishRunInput): Promise<void>;
  markConnection(input: MarkConnectionInput): Promise<void>;
}

/** What the store hands back. Rows are mapped to these shapes; nothing secret is ever part of them. */
import type { CanonicalKind, ConnectorDocument, QuarantinedRecord } from "@gtm-clarity/core";
import type { PreparedCommit } from "./prepare.js";

export type ConnectionStatus = "active" | "needs_reauth" | "disabled" | "dpa_required";
export type RunStatus = "running" | "succeeded" | "failed" | "cancelled" | "abandoned";

export interface Tenant {
  id: string;
  name: string | null;
  dpaAcceptedAt: Date | null;
  dpaVersion: string | null;
  createdAt: Date;
}

/** A connection without its credentials (use `getConnectionCredentials` for those). */
export interface Connection {
  id: string;
  tenantId: string;
  connectorId: string;
  connectorVersion: string;
  settings: Record<string, unknown>;
  status: ConnectionStatus;
  lastError: string | null;
  /** Id of the key the stored credentials are encrypted with (not secret). */
  credentialsKeyId: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface SyncRunCounts {
  pages: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  duplicates: number;
  quarantined: number;
  documents: number;
}

export interface SyncRun extends SyncRunCounts {
  id: string;
  tenantId: string;
  connectionId: string;
  connectorVersion: string;
  fullRefresh: boolean;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** The run's last sign of life: its last committed page or long-fetch heartbeat (its start before either). */
  heartbeatAt: Date;
  error: string | null;
  /** The caller's name for the run (startRun's `runKey`), if it gave one. */
  runKey: string | null;
  /** A connector's named counts, summed over the run's pages (recorded by finishRun). */
  counts: Record<string, number>;
  /** A connector's distinct notices for the run (recorded by finishRun). */
  notices: string[];
}

/** What the maintenance role sees of a connection: enough to schedule it, nothing secret. */
export interface SchedulableConnection {
  id: string;
  tenantId: string;
  connectorId: string;
  status: ConnectionStatus;
}

/** A run the abandoned-run scan closed. */
export interface AbandonedRun {
  id: string;
  tenantId: string;
  connectionId: string;
  /** Its last heartbeat, now its finish time. */
  finishedAt: Date;
}

export interface CommitPageInput {
  tenantId: string;
  connectionId: string;
  /** The sync run this page belongs to (must be `running`); omit for webhook commits. */
  runId?: string;
  /** Default "default". */
  stream?: string;
  /** Canonical-shaped records (validated here; invalid ones are quarantined with reasons). */
  records: readonly unknown[];
  quarantined?: readonly QuarantinedRecord[];
  /** ConnectorDocument-shaped (validated here; invalid ones are quarantined). */
  documents?: readonly ConnectorDocument[] | readonly unknown[];
  /** Cursor after this page; `undefined` leaves the stored cursor unchanged. */
  cursor?: string | null;
  /**
   * Whether the source said more pages follow. With `runId` and `cursor` it arms the paging loop guard: every
   * cursor a run commits is remembered (sha256), and a page that returns one of them (or the cursor the run started
   * from) while `hasMore` is true fails with core's PagingLoopError, naming the connector; nothing of it commits.
   */
  hasMore?: boolean;
  /** Dedupe key of a webhook delivery: a second commit with the same id is a no-op (`duplicateEvent: true`). */
  webhookEventId?: string;
}

/** `CommitPageInput` with the page already prepared by `prepareCommit` (e.g. in the thread that fetched it). */
export type CommitPreparedInput = Omit<CommitPageInput, "records" | "quarantined" | "documents"> & {
  prepared: PreparedCommit;
};

export interface CommitPageResult {
  /** Records inserted for the first time. */
  created: number;
  /** Existing records whose content hash (or deleted flag) changed. */
  updated: number;
  /** Records already stored with the same content: nothing written. */
  unchanged: number;
  /** Tombstones written (records with `isDeleted`, new or changed), included in created/updated. */
  deleted: number;
  /** Records and documents quarantined: invalid, oversized, or passed in `quarantined`. */
  quarantined: number;
  /** Records (and documents) that appeared again later in the same page; the last occurrence won. */
  duplicates: number;
  /** Documents inserted or changed. */
  documents: number;
  /** True when `webhookEventId` had been committed before; nothing was written. */
  duplicateEvent: boolean;
}

export interface StoredRecord {
  tenantId: string;
  connectionId: string;
  kind: CanonicalKind;
  externalId: string;
  contentHash: string;
  /** The canonical record (dates as ISO strings), with `properties`. */
  data: Record<string, unknown>;
  properties: Record<string, unknown>;
  isDeleted: boolean;
  deletedAt: Date | null;
  remoteCreatedAt: Date | null;
  remoteUpdatedAt: Date | null;
  occurredAt: Date | null;
  firstSeenRun: string | null;
  lastSeenRun: string | null;
  lastSeenAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * One source record that could not be stored, per connection: a record that stays malformed across syncs keeps one
 * entry, updated in place with the latest raw value, reasons and run.
 */
export interface QuarantineEntry {
  id: string;
  connectionId: string;
  /** The run that saw it last (null: last seen outside a run, e.g. a webhook). */
  runId: string | null;
  /** person / account / activity / document when known. */
  kind: string | null;
  externalId: string | null;
  /** What identifies the source record: `id:<kind>:<externalId>`, or `sha256:<hex>` of its raw JSON when it has no id. */
  sourceKey: string;
  /** The latest raw value seen. */
  raw: unknown;
  /** Why the latest raw value was rejected. */
  reasons: { path: string; message: string }[];
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** How many times it was quarantined (syncs, re-syncs, webhooks). */
  seenCount: number;
  /** Same as `firstSeenAt` (the name before entries were keyed by source record). */
  createdAt: Date;
}

export interface StoredDocument {
  connectionId: string;
  externalId: string;
  activityExternalId: string;
  type: string;
  mediaType: string | null;
  text: string;
  byteSize: number;
  contentHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RotationResult {
  /** Connections re-encrypted under the current key by this call. */
  rotated: number;
  /** Connections already under the current key when the call started. */
  alreadyCurrent: number;
  /** Connections that could not be re-encrypted (unknown key, tampered ciphertext); left untouched. */
  failed: number;
  /** Ids of the failed connections, for follow-up. */
  failedConnectionIds: string[];
  /** False when the call stopped at `maxBatches` before reaching the end; call again to continue. */
  complete: boolean;
}

export interface StoreLimits {
  /** Records per multi-row upsert statement. Default 500. */
  batchSize: number;
  /** Largest serialised `properties` of one record; larger ones are quarantined. Default 256 KiB. */
  maxPropertiesBytes: number;
  /** Largest document text; larger ones are quarantined. Default 16 MiB. */
  maxDocumentBytes: number;
  /** Largest raw value kept in a quarantine row; larger ones are kept as a truncated preview. Default 1 MiB. */
  maxQuarantineRawBytes: number;
}

/** Row -> public shape mappers. Column names are snake_case in SQL, camelCase in TypeScript. */
import type { CanonicalKind } from "@gtm-clarity/core";
import type {
  Connection,
  ConnectionStatus,
  QuarantineEntry,
  RunStatus,
  StoredDocument,
  StoredRecord,
  SyncRun,
  Tenant,
} from "./types.js";

export interface TenantRow {
  id: string;
  name: string | null;
  dpa_accepted_at: Date | null;
  dpa_version: string | null;
  created_at: Date;
  [column: string]: unknown;
}

export const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  dpaAcceptedAt: row.dpa_accepted_at,
  dpaVersion: row.dpa_version,
  createdAt: row.created_at,
});

export const CONNECTION_COLUMNS =
  "id, tenant_id, connector_id, connector_version, settings, status, last_error, credentials_key_id, created_at, updated_at";

export interface ConnectionRow {
  id: string;
  tenant_id: string;
  connector_id: string;
  connector_version: string;
  settings: Record<string, unknown>;
  status: ConnectionStatus;
  last_error: string | null;
  credentials_key_id: string;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export const toConnection = (row: ConnectionRow): Connection => ({
  id: row.id,
  tenantId: row.tenant_id,
  connectorId: row.connector_id,
  connectorVersion: row.connector_version,
  settings: row.settings,
  status: row.status,
  lastError: row.last_error,
  credentialsKeyId: row.credentials_key_id,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const RUN_COLUMNS =
  "id, tenant_id, connection_id, connector_version, full_refresh, status, started_at, finished_at, pages, " +
  "created_count, updated_count, unchanged_count, deleted_count, duplicate_count, quarantined_count, document_count, error, heartbeat_at, run_key, counts, notices";

export interface RunRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  connector_version: string;
  full_refresh: boolean;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  heartbeat_at: Date;
  run_key: string | null;
  counts: Record<string, number>;
  notices: string[];
  pages: number;
  created_count: number;
  updated_count: number;
  unchanged_count: number;
  deleted_count: number;
  duplicate_count: number;
  quarantined_count: number;
  document_count: number;
  error: string | null;
  [column: string]: unknown;
}

export const toRun = (row: RunRow): SyncRun => ({
  id: row.id,
  tenantId: row.tenant_id,
  connectionId: row.connection_id,
  connectorVersion: row.connector_version,
  fullRefresh: row.full_refresh,
  status: row.status,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  pages: row.pages,
  created: row.created_count,
  updated: row.updated_count,
  unchanged: row.unchanged_count,
  deleted: row.deleted_count,
  duplicates: row.duplicate_count,
  quarantined: row.quarantined_count,
  documents: row.document_count,
  error: row.error,
  heartbeatAt: row.heartbeat_at,
  runKey: row.run_key,
  counts: row.counts,
  notices: row.notices,
});

export const RECORD_COLUMNS =
  "tenant_id, connection_id, kind, external_id, content_hash, data, properties, is_deleted, deleted_at, " +
  "remote_created_at, remote_updated_at, occurred_at, first_seen_run, last_seen_run, last_seen_at, created_at, updated_at";

export interface RecordRow {
  tenant_id: string;
  connection_id: string;
  kind: CanonicalKind;
  external_id: string;
  content_hash: string;
  data: Record<string, unknown>;
  properties: Record<string, unknown>;
  is_deleted: boolean;
  deleted_at: Date | null;
  remote_created_at: Date | null;
  remote_updated_at: Date | null;
  occurred_at: Date | null;
  first_seen_run: string | null;
  last_seen_run: string | null;
  last_seen_at: Date;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export const toRecord = (row: RecordRow): StoredRecord => ({
  tenantId: row.tenant_id,
  connectionId: row.connection_id,
  kind: row.kind,
  externalId: row.external_id,
  contentHash: row.content_hash,
  data: { ...row.data, properties: row.properties },
  properties: row.properties,
  isDeleted: row.is_deleted,
  deletedAt: row.deleted_at,
  remoteCreatedAt: row.remote_created_at,
  remoteUpdatedAt: row.remote_updated_at,
  occurredAt: row.occurred_at,
  firstSeenRun: row.first_seen_run,
  lastSeenRun: row.last_seen_run,
  lastSeenAt: row.last_seen_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const QUARANTINE_COLUMNS =
  "id, connection_id, run_id, kind, external_id, source_key, raw, reasons, first_seen_at, last_seen_at, seen_count";

export interface QuarantineRow {
  id: string;
  connection_id: string;
  run_id: string | null;
  kind: string | null;
  external_id: string | null;
  source_key: string;
  raw: unknown;
  reasons: { path: string; message: string }[];
  first_seen_at: Date;
  last_seen_at: Date;
  seen_count: number;
  [column: string]: unknown;
}

export const toQuarantineEntry = (row: QuarantineRow): QuarantineEntry => ({
  id: row.id,
  connectionId: row.connection_id,
  runId: row.run_id,
  kind: row.kind,
  externalId: row.external_id,
  sourceKey: row.source_key,
  raw: row.raw,
  reasons: row.reasons,
  firstSeenAt: row.first_seen_at,
  lastSeenAt: row.last_seen_at,
  seenCount: row.seen_count,
  createdAt: row.first_seen_at,
});

export interface DocumentRow {
  connection_id: string;
  external_id: string;
  activity_external_id: string;
  type: string;
  media_type: string | null;
  text: string;
  byte_size: number;
  content_hash: string;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

export const toDocument = (row: DocumentRow): StoredDocument => ({
  connectionId: row.connection_id,
  externalId: row.external_id,
  activityExternalId: row.activity_external_id,
  type: row.type,
  mediaType: row.media_type,
  text: row.text,
  byteSize: row.byte_size,
  contentHash: row.content_hash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

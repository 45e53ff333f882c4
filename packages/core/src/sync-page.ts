/**
 * The end of every `sync` call, in one place: the page's result, its stats and its log lines. Connectors used to
 * write these by hand, each with its own log wording and each inventing `created`/`updated` counts that only the
 * store can know (it sees whether a record was new or changed). Here a page logs ONE info line with the same fields
 * for every connector (counts only, never record contents, so nothing a source sent can reach a log), plus one warn
 * line naming the quarantined records by externalId, and its stats hold only what the connector knows.
 */
import type { CanonicalKind, CanonicalRecord } from "./canonical.js";
import type { ConnectorDocument, QuarantinedRecord, SyncResult } from "./connector.js";
import { noopLogger, type Logger } from "./logger.js";

export interface SyncPageInput<R extends CanonicalRecord> {
  /** Named in the log lines (`fathom`, `salesforce`, ...). */
  connectorId: string;
  records: readonly R[];
  cursor: string | null;
  hasMore: boolean;
  documents?: readonly ConnectorDocument[];
  quarantined?: readonly QuarantinedRecord[];
  /** HTTP requests this page took (e.g. the difference of the client's `stats().requests`). */
  requests?: number;
  /** The stream the page belongs to, for connectors with several. */
  stream?: string;
  /** Connector-specific named counts for the run's totals (`SyncStats.counts`). */
  counts?: Readonly<Record<string, number>>;
  /** Facts a person should see once per run (`SyncStats.notices`). */
  notices?: readonly string[];
  logger?: Logger;
  /** `syncedAt`; default the current time. */
  now?: Date;
}

/** Quarantined ids listed in one warn line at most; the count says how many more there were. */
const MAX_LOGGED_IDS = 50;

export function buildSyncPage<R extends CanonicalRecord>(input: SyncPageInput<R>): SyncResult<R> {
  const { connectorId, hasMore } = input;
  const logger = input.logger ?? noopLogger;
  const records = [...input.records];
  const documents = [...(input.documents ?? [])];
  const quarantined = [...(input.quarantined ?? [])];
  const stream = input.stream === undefined ? {} : { stream: input.stream };
  const requests = input.requests === undefined ? {} : { requests: input.requests };
  const counts = input.counts === undefined ? {} : { counts: { ...input.counts } };
  const notices = input.notices === undefined || input.notices.length === 0 ? {} : { notices: [...input.notices] };

  const byKind: Partial<Record<CanonicalKind, number>> = {};
  for (const record of records) byKind[record.kind] = (byKind[record.kind] ?? 0) + 1;
  logger.info(`${connectorId}: synced a page`, {
    connector: connectorId,
    ...stream,
    records: records.length,
    recordsByKind: byKind,
    documents: documents.length,
    quarantined: quarantined.length,
    ...requests,
    ...counts,
    hasMore,
  });
  if (quarantined.length > 0) {
    logger.warn(`${connectorId}: quarantined ${quarantined.length} source record(s)`, {
      connector: connectorId,
      ...stream,
      count: quarantined.length,
      externalIds: quarantined.slice(0, MAX_LOGGED_IDS).map((item) => item.externalId ?? null),
    });
  }

  return {
    records,
    cursor: input.cursor,
    hasMore,
    syncedAt: input.now ?? new Date(),
    stats: {
      records: records.length,
      quarantined: quarantined.length,
      errors: quarantined.length,
      ...requests,
      ...counts,
      ...notices,
    },
    documents,
    quarantined,
  };
}

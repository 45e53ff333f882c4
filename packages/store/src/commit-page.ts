/**
 * commitPage: one connector page, one transaction. Records, quarantine rows, documents, the cursor and the run's
 * counters all commit together or not at all, so a crash at any moment leaves the store at a page boundary and a
 * restarted sync resumes from the last committed cursor; content hashes absorb the overlap.
 */
import { NotFoundError, PagingLoopError, ValidationError } from "@gtm-clarity/core";
import { inFlight, preparedStatement, type SqlExecutor } from "./driver.js";
import {
  type PreparedDocument,
  type PreparedPage,
  type PreparedQuarantine,
  type PreparedRecord,
  serializeRecords,
} from "./prepare.js";
import type { CommitPageResult, StoreLimits } from "./types.js";

export interface CommitTarget {
  tenantId: string;
  connectionId: string;
  runId: string | undefined;
  stream: string;
  cursor: string | null | undefined;
  /** Whether the source said more pages follow; with a run and a cursor, arms the paging loop guard. */
  hasMore: boolean | undefined;
  webhookEventId: string | undefined;
}

/**
 * Multi-row upsert of one batch, passed as ONE jsonb array of validated canonical records: the server parses it in
 * a single pass and the statement text never changes with the batch size.
 * - A record marked `partial` is merged over the stored one first (see `merged`); every other record replaces it.
 * - `content_hash` is the sha256 of the record's jsonb text. jsonb stores keys sorted and deduplicated at every
 *   depth, so that text is canonical: the same content always hashes the same whatever the source's key order.
 * - `changed` drops records whose stored hash and deleted flag already match, so an unchanged record is never
 *   touched: ON CONFLICT DO UPDATE would otherwise lock (and so rewrite) the existing row even when its WHERE fails.
 * - ON CONFLICT still guards the insert, with the same hash rule, for rows the pre-check could not see.
 * - `xmax = 0` on a returned row means it was inserted rather than updated.
 */
export const UPSERT_RECORDS = /* sql */ `
WITH given AS MATERIALIZED (
  -- Materialised into plain columns: the lookups below compare with them, and under row-level security only
  -- leakproof comparisons (plain text = text) may become index conditions; jsonb ->> inside them may not.
  SELECT e.r - 'partial' AS r,
         coalesce((e.r ->> 'partial')::boolean, false) AS partial,
         e.r ->> 'kind' AS kind,
         e.r ->> 'externalId' AS external_id
  FROM jsonb_array_elements($4::jsonb) AS e(r)
), merged AS MATERIALIZED (
  -- A partial record (a webhook's thin update) lands over the stored one: the fields it carries win and its
  -- properties merge key by key, so what it does not carry is kept. Whole records replace what is stored.
  SELECT g.kind, g.external_id,
         CASE WHEN prior.data IS NULL THEN g.r
              ELSE prior.data || (g.r - 'properties')
                   || jsonb_build_object('properties', prior.properties || coalesce(g.r -> 'properties', '{}'::jsonb))
         END AS r
  FROM given AS g
  LEFT JOIN LATERAL (
    SELECT r.data, r.properties FROM records AS r
    WHERE g.partial AND r.tenant_id = $1 AND r.connection_id = $2 AND r.kind = g.kind AND r.external_id = g.external_id
    LIMIT 1
  ) AS prior ON true
), input AS MATERIALIZED (
  SELECT m.kind,
         m.external_id,
         encode(sha256(convert_to(m.r::text, 'UTF8')), 'hex') AS content_hash,
         (m.r ->> 'remoteCreatedAt')::timestamptz AS remote_created_at,
         (m.r ->> 'remoteUpdatedAt')::timestamptz AS remote_updated_at,
         (m.r ->> 'occurredAt')::timestamptz AS occurred_at,
         coalesce((m.r ->> 'isDeleted')::boolean, false) AS is_deleted,
         m.r - 'properties' AS data,
         coalesce(m.r -> 'properties', '{}'::jsonb) AS properties
  FROM merged AS m
), changed AS (
  -- LATERAL ... LIMIT 1 keeps this a primary-key probe per input row whatever the table statistics say; as a
  -- plain join the planner may hash the connection's whole record set for every batch.
  SELECT i.* FROM input AS i
  LEFT JOIN LATERAL (
    SELECT r.content_hash, r.is_deleted FROM records AS r
    WHERE r.tenant_id = $1 AND r.connection_id = $2 AND r.kind = i.kind AND r.external_id = i.external_id
    LIMIT 1
  ) AS stored ON true
  WHERE stored.content_hash IS DISTINCT FROM i.content_hash OR stored.is_deleted IS DISTINCT FROM i.is_deleted
), upserted AS (
  INSERT INTO records AS r (
    tenant_id, connection_id, kind, external_id, content_hash, remote_created_at, remote_updated_at, occurred_at,
    is_deleted, deleted_at, data, properties, first_seen_run, last_seen_run, last_seen_seq
  )
  SELECT $1, $2, c.kind, c.external_id, c.content_hash, c.remote_created_at, c.remote_updated_at, c.occurred_at,
         c.is_deleted, CASE WHEN c.is_deleted THEN now() END, c.data, c.properties, $3::uuid, $3::uuid, $5::bigint
  FROM changed AS c
  ON CONFLICT (tenant_id, connection_id, kind, external_id) DO UPDATE SET
    content_hash      = EXCLUDED.content_hash,
    remote_created_at = EXCLUDED.remote_created_at,
    remote_updated_at = EXCLUDED.remote_updated_at,
    occurred_at       = EXCLUDED.occurred_at,
    is_deleted        = EXCLUDED.is_deleted,
    deleted_at        = CASE WHEN EXCLUDED.is_deleted THEN coalesce(r.deleted_at, now()) END,
    data              = EXCLUDED.data,
    properties        = EXCLUDED.properties,
    last_seen_run     = EXCLUDED.last_seen_run,
    last_seen_seq     = EXCLUDED.last_seen_seq,
    last_seen_at      = now(),
    updated_at        = now()
  WHERE r.content_hash IS DISTINCT FROM EXCLUDED.content_hash
     OR r.is_deleted IS DISTINCT FROM EXCLUDED.is_deleted
  RETURNING (r.xmax = 0) AS inserted, r.is_deleted
)
SELECT count(*) FILTER (WHERE inserted)::int AS created,
       count(*) FILTER (WHERE NOT inserted)::int AS updated,
       count(*) FILTER (WHERE is_deleted)::int AS deleted
FROM upserted`;

/**
 * During a full refresh, unchanged records still need to be marked as seen so the final sweep keeps them.
 * Rows written by this transaction already carry its sequence value and are skipped.
 */
const MARK_SEEN = /* sql */ `
UPDATE records AS r SET last_seen_run = $3::uuid, last_seen_seq = $6::bigint, last_seen_at = now()
FROM unnest($4::text[], $5::text[]) AS t(kind, external_id)
WHERE r.tenant_id = $1 AND r.connection_id = $2 AND r.kind = t.kind AND r.external_id = t.external_id
  AND r.last_seen_seq < $6::bigint`;

/**
 * One quarantine row per source record and connection (see migration 0003 for the key), updated in place: a record
 * that stays malformed across re-syncs keeps its first-seen time and gets the latest raw value, reasons and run.
 * The key is computed here, from the same jsonb text the migration used for existing rows, so the two never drift.
 * The same record twice in one statement collapses to its last occurrence (ON CONFLICT may touch a row only once).
 */
const UPSERT_QUARANTINE = /* sql */ `
WITH input AS (
  SELECT t.kind, t.external_id, t.raw, t.reasons, t.ord,
         CASE
           WHEN t.external_id IS NOT NULL THEN 'id:' || coalesce(t.kind, '') || ':' || t.external_id
           ELSE 'sha256:' || encode(sha256(convert_to(coalesce(t.raw, 'null'::jsonb)::text, 'UTF8')), 'hex')
         END AS source_key
  FROM unnest($4::text[], $5::text[], $6::jsonb[], $7::jsonb[]) WITH ORDINALITY AS t(kind, external_id, raw, reasons, ord)
), latest AS (
  SELECT DISTINCT ON (source_key) *, count(*) OVER (PARTITION BY source_key)::int AS seen
  FROM input
  ORDER BY source_key, ord DESC
)
INSERT INTO quarantine AS q (tenant_id, connection_id, run_id, kind, external_id, source_key, raw, reasons, seen_count)
SELECT $1, $2, $3::uuid, l.kind, l.external_id, l.source_key, l.raw, l.reasons, l.seen
FROM latest AS l
ON CONFLICT (tenant_id, connection_id, source_key) DO UPDATE SET
  run_id       = EXCLUDED.run_id,
  kind         = EXCLUDED.kind,
  external_id  = EXCLUDED.external_id,
  raw          = EXCLUDED.raw,
  reasons      = EXCLUDED.reasons,
  last_seen_at = now(),
  seen_count   = q.seen_count + EXCLUDED.seen_count`;

const UPSERT_DOCUMENTS = /* sql */ `
WITH upserted AS (
  INSERT INTO documents AS d (
    tenant_id, connection_id, external_id, activity_external_id, type, media_type, text, byte_size, content_hash,
    first_seen_run, last_seen_run
  )
  SELECT $1, $2, t.external_id, t.activity_external_id, t.type, t.media_type, t.text, t.byte_size, t.content_hash,
         $3::uuid, $3::uuid
  FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::integer[], $10::text[])
       AS t(external_id, activity_external_id, type, media_type, text, byte_size, content_hash)
  ON CONFLICT (tenant_id, connection_id, external_id) DO UPDATE SET
    activity_external_id = EXCLUDED.activity_external_id,
    type                 = EXCLUDED.type,
    media_type           = EXCLUDED.media_type,
    text                 = EXCLUDED.text,
    byte_size            = EXCLUDED.byte_size,
    content_hash         = EXCLUDED.content_hash,
    last_seen_run        = EXCLUDED.last_seen_run,
    updated_at           = now()
  WHERE d.content_hash IS DISTINCT FROM EXCLUDED.content_hash
     OR d.activity_external_id IS DISTINCT FROM EXCLUDED.activity_external_id
     OR d.type IS DISTINCT FROM EXCLUDED.type
     OR d.media_type IS DISTINCT FROM EXCLUDED.media_type
  RETURNING 1
)
SELECT count(*)::int AS written FROM upserted`;

/** Documents belong to their activity: a deleted activity takes its transcripts and bodies with it. */
const DELETE_DOCUMENTS_OF_TOMBSTONES = /* sql */ `
DELETE FROM documents
WHERE tenant_id = $1 AND connection_id = $2 AND activity_external_id = ANY($3::text[])`;

/** Same value as core's `pagingCursorHash`: sha256 hex of 'c:' + cursor, or of 'null' for the null cursor. */
const cursorHash = (expr: string) => `encode(sha256(convert_to(coalesce('c:' || ${expr}, 'null'), 'UTF8')), 'hex')`;

/**
 * The cursor this page replaces, i.e. where it was read from. On a run's first page that is the cursor the run
 * started from (page 0); afterwards it is already remembered, so only the first page runs this.
 */
const REMEMBER_FROM_CURSOR = /* sql */ `
INSERT INTO sync_run_cursors (tenant_id, connection_id, run_id, stream, cursor_hash, page)
SELECT $1, $2, $3::uuid, $4,
       ${cursorHash("(SELECT cursor FROM sync_state WHERE tenant_id = $1 AND connection_id = $2 AND stream = $4)")},
       $5::integer
ON CONFLICT (run_id, stream, cursor_hash) DO NOTHING`;

/** The page's next cursor; no row back means this run has committed (or started from) that cursor before. */
const REMEMBER_NEXT_CURSOR = /* sql */ `
INSERT INTO sync_run_cursors (tenant_id, connection_id, run_id, stream, cursor_hash, page)
VALUES ($1, $2, $3::uuid, $4, ${cursorHash("$5::text")}, $6::integer)
ON CONFLICT (run_id, stream, cursor_hash) DO NOTHING
RETURNING page`;

const FIRST_SEEN_PAGE = /* sql */ `
SELECT page FROM sync_run_cursors WHERE run_id = $1::uuid AND stream = $2 AND cursor_hash = ${cursorHash("$3::text")}`;

const SAVE_CURSOR = /* sql */ `
INSERT INTO sync_state (tenant_id, connection_id, stream, cursor, last_run_id)
VALUES ($1, $2, $3, $4, $5::uuid)
ON CONFLICT (tenant_id, connection_id, stream) DO UPDATE SET
  cursor = EXCLUDED.cursor, last_run_id = EXCLUDED.last_run_id, updated_at = now()`;

/** `$n` for the run's counts, numbered from `first` (created, updated, unchanged, deleted, duplicates, quarantined, documents). */
const runCounts = (first: number) => /* sql */ `
  pages             = pages + 1,
  created_count     = created_count + $${first},
  updated_count     = updated_count + $${first + 1},
  unchanged_count   = unchanged_count + $${first + 2},
  deleted_count     = deleted_count + $${first + 3},
  duplicate_count   = duplicate_count + $${first + 4},
  quarantined_count = quarantined_count + $${first + 5},
  document_count    = document_count + $${first + 6}`;

const COUNT_RUN = /* sql */ `UPDATE sync_runs SET ${runCounts(2)} WHERE id = $1`;

/** SAVE_CURSOR and COUNT_RUN in one round trip ($5 is the run). */
const SAVE_CURSOR_AND_COUNT_RUN = /* sql */ `
WITH saved AS (${SAVE_CURSOR.trim()})
UPDATE sync_runs SET ${runCounts(6)} WHERE id = $5::uuid`;

type LockedConnection = {
  seq: string;
  connector_id: string;
  /** Null when no run was asked for, or the connection has no such run. */
  run_status: string | null;
  full_refresh: boolean | null;
  pages: number | null;
};

/**
 * Locks the connection first: concurrent commits for one connection queue here, so counts and the cursor never
 * interleave. NO KEY UPDATE still lets other transactions insert rows that reference the connection. Row-level
 * security makes another tenant's connection invisible: it is "not found", exactly like a missing one. The run ($2,
 * or null) comes along unlocked.
 */
const LOCK_CONNECTION_AND_READ_RUN = /* sql */ `
SELECT nextval('commit_seq')::text AS seq, c.connector_id,
       r.status AS run_status, r.full_refresh, r.pages
FROM connections AS c
LEFT JOIN sync_runs AS r ON r.id = $2::uuid AND r.connection_id = c.id
WHERE c.id = $1
FOR NO KEY UPDATE OF c`;

// Every page runs these: each pg connection parses and plans them once (see `preparedStatement`).
for (const text of [
  LOCK_CONNECTION_AND_READ_RUN,
  UPSERT_RECORDS,
  MARK_SEEN,
  UPSERT_QUARANTINE,
  UPSERT_DOCUMENTS,
  DELETE_DOCUMENTS_OF_TOMBSTONES,
  REMEMBER_FROM_CURSOR,
  REMEMBER_NEXT_CURSOR,
  SAVE_CURSOR,
  COUNT_RUN,
  SAVE_CURSOR_AND_COUNT_RUN,
]) {
  preparedStatement(text);
}

/** Testing seam: called after each record batch inside the transaction (e.g. to inject a failure). */
export type BatchHook = (info: { batch: number; batches: number }) => void | Promise<void>;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function batchJson(batch: readonly PreparedRecord[]): string {
  return `[${batch.map((record) => record.json).join(",")}]`;
}

/** Sends the quarantine upserts without waiting for them. */
function sendQuarantine(tx: SqlExecutor, target: CommitTarget, rows: readonly PreparedQuarantine[], size: number): Promise<unknown>[] {
  return chunks(rows, size).map((batch) =>
    inFlight(
      tx.query(UPSERT_QUARANTINE, [
        target.tenantId,
        target.connectionId,
        target.runId ?? null,
        batch.map((row) => row.kind),
        batch.map((row) => row.externalId),
        batch.map((row) => row.raw),
        batch.map((row) => row.reasons),
      ]),
    ),
  );
}

/** Sends the document upserts without waiting; each resolves to the rows it wrote. */
function sendDocuments(tx: SqlExecutor, target: CommitTarget, documents: readonly PreparedDocument[]): Promise<number>[] {
  // Documents are large: a few per statement keeps each parameter array well inside protocol limits.
  return chunks(documents, 50).map((batch) =>
    inFlight(
      tx
        .query<{ written: number }>(UPSERT_DOCUMENTS, [
          target.tenantId,
          target.connectionId,
          target.runId ?? null,
          batch.map((doc) => doc.externalId),
          batch.map((doc) => doc.activityExternalId),
          batch.map((doc) => doc.type),
          batch.map((doc) => doc.mediaType),
          batch.map((doc) => doc.text),
          batch.map((doc) => doc.byteSize),
          batch.map((doc) => doc.contentHash),
        ])
        .then(({ rows }) => rows[0]?.written ?? 0),
    ),
  );
}

const emptyResult = (duplicateEvent: boolean): CommitPageResult => ({
  created: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  quarantined: 0,
  duplicates: 0,
  documents: 0,
  duplicateEvent,
});

/**
 * The paging loop guard, durable across page activities, processes and retries: every cursor a run commits is
 * remembered (hashed). A page that says there is more but hands back a cursor of the same run would make the next
 * page repeat an earlier one, forever if the vendor answers A -> B -> A: it fails with a PagingLoopError naming the
 * connector, and nothing of the page is committed. The same cursor on a last page (`hasMore: false`) is fine.
 *
 * Sends its statements without waiting; `check` (after the page's other statements were sent) throws if the cursor
 * repeats.
 */
function sendPagingGuard(
  tx: SqlExecutor,
  target: CommitTarget & { runId: string; cursor: string | null },
  run: { pages: number; connectorId: string },
): { check(): Promise<void> } {
  const base = [target.tenantId, target.connectionId, target.runId, target.stream];
  // After the run's first page the cursor it read from is the one the page before remembered (saved with it).
  const from = run.pages === 0 ? inFlight(tx.query(REMEMBER_FROM_CURSOR, [...base, run.pages])) : undefined;
  const page = run.pages + 1;
  const added = inFlight(tx.query(REMEMBER_NEXT_CURSOR, [...base, target.cursor, page]));
  return {
    async check() {
      await from;
      if ((await added).rows.length > 0 || target.hasMore !== true) return;
      const first = await tx.query<{ page: number }>(FIRST_SEEN_PAGE, [target.runId, target.stream, target.cursor]);
      const firstPage = first.rows[0]?.page ?? 0;
      throw new PagingLoopError(
        run.connectorId,
        `connector "${run.connectorId}" is paging in a loop: page ${page} of sync run ${target.runId} returned the cursor ` +
          `${firstPage === 0 ? "the run started from" : `of page ${firstPage}`} again and said there is more`,
        { details: { connectorId: run.connectorId, runId: target.runId, page, firstSeenPage: firstPage, reason: "repeated_cursor" } },
      );
    },
  };
}

/** A page's result, and its last statements: still in flight, so COMMIT can follow them in the same round trip. */
export interface PageCommitInFlight {
  result: CommitPageResult;
  /**
   * Await after the transaction: if one of them failed, the database turned the COMMIT into a rollback, and this
   * rejects with that statement's error.
   */
  last: Promise<unknown>;
}

/**
 * Runs inside a tenant transaction (role gtm_app, app.tenant_id set).
 *
 * Round trips are what a page's commit mostly waits for, on a busy machine or a remote server, so statements that do
 * not need an earlier one's answer are sent together (the pg driver pipelines them; PGlite runs them in order):
 * 1. the lock on the connection (with BEGIN and the tenant scope, sent by the transaction before it);
 * 2. the paging guard, every record batch, quarantine, documents and tombstoned documents;
 * 3. MARK_SEEN where a full refresh needs it, the cursor and the run's counts, followed by COMMIT.
 * A failure anywhere fails the page and rolls back all of it, whatever was sent after it.
 */
export async function commitPreparedPage(
  tx: SqlExecutor,
  target: CommitTarget,
  page: PreparedPage,
  options: { limits: StoreLimits; onBatch?: BatchHook | undefined },
): Promise<PageCommitInFlight> {
  const connection = await tx.query<LockedConnection>(LOCK_CONNECTION_AND_READ_RUN, [target.connectionId, target.runId ?? null]);
  const locked = connection.rows[0];
  if (locked === undefined) {
    throw new NotFoundError(`connection ${target.connectionId} not found for tenant ${target.tenantId}`);
  }
  const { seq } = locked;

  let fullRefresh = false;
  let guard: { check(): Promise<void> } | undefined;
  if (target.runId !== undefined) {
    if (locked.run_status === null) throw new NotFoundError(`sync run ${target.runId} not found for connection ${target.connectionId}`);
    if (locked.run_status !== "running") {
      throw new ValidationError(`sync run ${target.runId} is ${locked.run_status}; pages can only be committed to a running run`);
    }
    fullRefresh = locked.full_refresh === true;
    if (target.cursor !== undefined) {
      guard = sendPagingGuard(tx, { ...target, runId: target.runId, cursor: target.cursor }, {
        pages: locked.pages ?? 0,
        connectorId: locked.connector_id,
      });
    }
  }

  if (target.webhookEventId !== undefined) {
    // Waited for: a repeated delivery must commit nothing else.
    const first = await tx.query(
      `INSERT INTO webhook_events (tenant_id, connection_id, event_id) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, event_id) DO NOTHING RETURNING 1`,
      [target.tenantId, target.connectionId, target.webhookEventId],
    );
    if (first.rows.length === 0) {
      await guard?.check();
      return { result: emptyResult(true), last: Promise.resolve() };
    }
  }

  const result = emptyResult(false);
  result.duplicates = page.duplicates;
  const batches = chunks<unknown>(page.serialized ?? page.records, options.limits.batchSize);
  // Each batch is sent as soon as it is serialised: the server runs batch k while batch k+1 is validated here.
  const seen = new Set<string>();
  const sent: { batch: PreparedRecord[]; counts: Promise<{ created: number; updated: number; deleted: number }> }[] = [];
  for (const raw of batches) {
    let batch: PreparedRecord[];
    if (page.serialized !== undefined) {
      batch = raw as PreparedRecord[]; // prepared by prepareCommit: already checked
    } else {
      const serialized = serializeRecords(raw, options.limits, page.quarantine, seen);
      result.duplicates += serialized.duplicates;
      batch = serialized.records;
    }
    const counts = batch.length === 0
      ? Promise.resolve({ created: 0, updated: 0, deleted: 0 })
      : tx
          .query<{ created: number; updated: number; deleted: number }>(UPSERT_RECORDS, [
            target.tenantId,
            target.connectionId,
            target.runId ?? null,
            batchJson(batch),
            seq,
          ])
          .then(({ rows }) => rows[0] ?? { created: 0, updated: 0, deleted: 0 });
    sent.push({ batch, counts: inFlight(counts) });
  }

  // Serialisation may have quarantined records: the quarantine goes out after the last batch.
  const quarantineSent = sendQuarantine(tx, target, page.quarantine, options.limits.batchSize);
  const documentsSent = sendDocuments(tx, target, page.documents);
  const tombstonedActivities = sent.flatMap(({ batch }) =>
    batch.filter((record) => record.isDeleted && record.kind === "activity").map((record) => record.externalId),
  );
  const tombstonesSent =
    tombstonedActivities.length > 0
      ? inFlight(tx.query(DELETE_DOCUMENTS_OF_TOMBSTONES, [target.tenantId, target.connectionId, tombstonedActivities]))
      : undefined;

  await guard?.check();
  const lastStatements: Promise<unknown>[] = [];
  for (const [index, { batch, counts: pending }] of sent.entries()) {
    const counts = await pending;
    result.created += counts.created;
    result.updated += counts.updated;
    result.deleted += counts.deleted;
    result.unchanged += batch.length - counts.created - counts.updated;
    if (fullRefresh && counts.created + counts.updated < batch.length) {
      lastStatements.push(
        inFlight(
          tx.query(MARK_SEEN, [
            target.tenantId,
            target.connectionId,
            target.runId ?? null,
            batch.map((record) => record.kind),
            batch.map((record) => record.externalId),
            seq,
          ]),
        ),
      );
    }
    await options.onBatch?.({ batch: index + 1, batches: batches.length });
  }
  await Promise.all(quarantineSent);
  result.quarantined = page.quarantine.length;
  for (const written of await Promise.all(documentsSent)) result.documents += written;
  await tombstonesSent;

  const counts = [result.created, result.updated, result.unchanged, result.deleted, result.duplicates, result.quarantined, result.documents];
  const cursorRow = [target.tenantId, target.connectionId, target.stream, target.cursor, target.runId ?? null];
  if (target.cursor !== undefined && target.runId !== undefined) {
    lastStatements.push(inFlight(tx.query(SAVE_CURSOR_AND_COUNT_RUN, [...cursorRow, ...counts])));
  } else if (target.cursor !== undefined) {
    lastStatements.push(inFlight(tx.query(SAVE_CURSOR, cursorRow)));
  } else if (target.runId !== undefined) {
    lastStatements.push(inFlight(tx.query(COUNT_RUN, [target.runId, ...counts])));
  }
  return { result, last: inFlight(Promise.all(lastStatements)) };
}

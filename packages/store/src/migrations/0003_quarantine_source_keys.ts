import type { Migration } from "./types.js";

/**
 * Quarantine keyed by source record. Entries used to be plain inserts, so every re-sync of one malformed record
 * added a row. Now each (connection, source_key) has one row, updated in place with the latest raw value, reasons
 * and run, plus first/last seen times and a count. `source_key` is `id:<kind>:<externalId>` when the record has an
 * id, else `sha256:<hex>` of its raw value's jsonb text (jsonb sorts keys at every depth, so that text is canonical
 * JSON); commitPage computes it with the same SQL. Existing duplicates collapse into their newest row, keeping the
 * earliest time as first seen; `created_at` becomes `first_seen_at`.
 */
export const quarantineSourceKeys: Migration = {
  version: 3,
  name: "quarantine_source_keys",
  sql: /* sql */ `
ALTER TABLE quarantine RENAME COLUMN created_at TO first_seen_at;
ALTER TABLE quarantine
  ADD COLUMN source_key   text,
  ADD COLUMN last_seen_at timestamptz,
  ADD COLUMN seen_count   integer NOT NULL DEFAULT 1;

UPDATE quarantine SET
  source_key = CASE
    WHEN external_id IS NOT NULL THEN 'id:' || coalesce(kind, '') || ':' || external_id
    ELSE 'sha256:' || encode(sha256(convert_to(coalesce(raw, 'null'::jsonb)::text, 'UTF8')), 'hex')
  END,
  last_seen_at = first_seen_at;

-- One row per source record: keep the newest, with the earliest first-seen time and how many rows it stood for.
WITH ranked AS (
  SELECT id,
         row_number() OVER (PARTITION BY tenant_id, connection_id, source_key ORDER BY first_seen_at DESC, id DESC) AS rank,
         min(first_seen_at) OVER same_record AS first_seen,
         max(first_seen_at) OVER same_record AS last_seen,
         count(*) OVER same_record AS seen
  FROM quarantine
  WINDOW same_record AS (PARTITION BY tenant_id, connection_id, source_key)
), kept AS (
  UPDATE quarantine AS q
  SET first_seen_at = r.first_seen, last_seen_at = r.last_seen, seen_count = r.seen
  FROM ranked AS r
  WHERE q.id = r.id AND r.rank = 1
)
DELETE FROM quarantine AS q USING ranked AS r WHERE q.id = r.id AND r.rank > 1;

ALTER TABLE quarantine
  ALTER COLUMN source_key SET NOT NULL,
  ALTER COLUMN last_seen_at SET NOT NULL,
  ALTER COLUMN last_seen_at SET DEFAULT now();
DROP INDEX quarantine_by_connection;
CREATE UNIQUE INDEX quarantine_by_source_record ON quarantine (tenant_id, connection_id, source_key);
CREATE INDEX quarantine_by_last_seen ON quarantine (tenant_id, connection_id, last_seen_at);
`,
};

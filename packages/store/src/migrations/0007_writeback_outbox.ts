import type { Migration } from "./types.js";

/**
 * `writeback_outbox`: canonical changes waiting to be pushed back to a connection's source, one row per change.
 *
 *   queued ──claim──> sent ──push ok──> confirmed
 *     ^                 │ ──retryable──> queued (attempts counted, next_attempt_at pushed back)
 *     └─lease expired───┘ ──permanent──> failed (with the reason)
 *
 * A claim marks a batch `sent` with a fresh `attempt_id` and a lease BEFORE the push, so a process killed at any
 * point leaves rows that say what may have reached the source; once the lease runs out they are claimed and pushed
 * again, which is safe because a connector's writeback is idempotent. Settling a row requires the attempt id that
 * claimed it, so a drainer that lost its lease cannot overwrite the outcome of the one that took over.
 * `seq` orders changes to the same source record: a change is only claimed once every earlier change to that record
 * is confirmed or failed.
 */
export const writebackOutbox: Migration = {
  version: 7,
  name: "writeback_outbox",
  sql: /* sql */ `
CREATE TABLE writeback_outbox (
  id               uuid PRIMARY KEY,
  seq              bigint GENERATED ALWAYS AS IDENTITY,
  tenant_id        text NOT NULL,
  connection_id    uuid NOT NULL,
  kind             text NOT NULL CHECK (kind IN ('person', 'account', 'activity')),
  external_id      text NOT NULL,
  record           jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'confirmed', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  attempt_id       uuid,
  lease_expires_at timestamptz,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  error            text,
  sent_at          timestamptz,
  settled_at       timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK ((status = 'sent') = (attempt_id IS NOT NULL AND lease_expires_at IS NOT NULL)),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
-- What a drain looks at: the open changes of one connection, oldest first.
CREATE INDEX writeback_outbox_open ON writeback_outbox (tenant_id, connection_id, seq)
  WHERE status IN ('queued', 'sent');
-- The per-record ordering check.
CREATE INDEX writeback_outbox_by_record ON writeback_outbox (connection_id, kind, external_id, seq)
  WHERE status IN ('queued', 'sent');
CREATE INDEX writeback_outbox_by_status ON writeback_outbox (tenant_id, status, seq);

GRANT SELECT, INSERT, UPDATE, DELETE ON writeback_outbox TO gtm_app;
ALTER TABLE writeback_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON writeback_outbox
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
`,
};

import type { Migration } from "./types.js";

/**
 * `sync_run_cursors`: every cursor a sync run has committed, and the one it started from, as sha256 hashes (core's
 * `pagingCursorHash`). A run is many page commits, possibly from different processes, Temporal retries and
 * continue-as-new, so the paging loop guard's "seen" set lives here: commitPage rejects a page that hands back a
 * cursor of the same run while saying there is more (A -> B -> A). Rows only matter while the run is running;
 * finishRun deletes them.
 */
export const syncRunCursors: Migration = {
  version: 2,
  name: "sync_run_cursors",
  sql: /* sql */ `
CREATE TABLE sync_run_cursors (
  tenant_id     text NOT NULL,
  connection_id uuid NOT NULL,
  run_id        uuid NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
  stream        text NOT NULL,
  cursor_hash   text NOT NULL,
  -- The page that committed this cursor; 0 for the cursor the run started from.
  page          integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, stream, cursor_hash),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sync_run_cursors_by_connection ON sync_run_cursors (tenant_id, connection_id);

GRANT SELECT, INSERT, UPDATE, DELETE ON sync_run_cursors TO gtm_app;
ALTER TABLE sync_run_cursors ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sync_run_cursors
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
`,
};

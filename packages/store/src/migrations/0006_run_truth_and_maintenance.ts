import type { Migration } from "./types.js";

/**
 * Runs that tell the truth, a maintenance role, and DPA withdrawal.
 *
 * - `sync_runs.status` gains `abandoned`: a run whose process died. Its `finished_at` is its last sign of life,
 *   `heartbeat_at`, which every page commit stamps (the trigger below fires when commitPage bumps `pages`, so the
 *   stamp costs no statement of its own) and a long fetch stamps through `heartbeatRun`.
 * - `sync_runs.run_key`: the caller's name for a run, unique per connection, so a startRun retried after its reply
 *   was lost gets the same run back.
 * - `sync_runs.counts` / `notices`: a connector's named counts summed over the run, and its distinct notices.
 * - `connections.status` gains `dpa_required`: the tenant withdrew the data processing agreement and the connection
 *   belongs to a connector that needs it; nothing syncs it until the agreement is accepted again.
 * - `gtm_maintenance`: a role for work across tenants (scheduling, the abandoned-run scan). It can read a
 *   connection's id, tenant, connector and status (no credentials, no settings) and close running runs, in every
 *   tenant; nothing else. `gtm_app` is unchanged: it still sees one tenant at a time.
 */
export const runTruthAndMaintenance: Migration = {
  version: 6,
  name: "run_truth_and_maintenance",
  sql: /* sql */ `
ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_status_check;
ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
  CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'abandoned'));
ALTER TABLE sync_runs
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN run_key text,
  ADD COLUMN counts jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN notices jsonb NOT NULL DEFAULT '[]'::jsonb;
UPDATE sync_runs SET heartbeat_at = coalesce(finished_at, started_at);
ALTER TABLE sync_runs ALTER COLUMN heartbeat_at SET DEFAULT now();
ALTER TABLE sync_runs ALTER COLUMN heartbeat_at SET NOT NULL;
CREATE UNIQUE INDEX sync_runs_by_key ON sync_runs (tenant_id, connection_id, run_key) WHERE run_key IS NOT NULL;
-- The abandoned-run scan reads only running runs, whatever their number or age.
CREATE INDEX sync_runs_running ON sync_runs (heartbeat_at) WHERE status = 'running';

CREATE FUNCTION sync_runs_stamp_heartbeat() RETURNS trigger
  LANGUAGE plpgsql
  AS $fn$ BEGIN NEW.heartbeat_at := now(); RETURN NEW; END $fn$;
CREATE TRIGGER sync_runs_page_heartbeat BEFORE UPDATE OF pages ON sync_runs
  FOR EACH ROW WHEN (NEW.pages IS DISTINCT FROM OLD.pages) EXECUTE FUNCTION sync_runs_stamp_heartbeat();

ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_status_check;
ALTER TABLE connections ADD CONSTRAINT connections_status_check
  CHECK (status IN ('active', 'needs_reauth', 'disabled', 'dpa_required'));

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gtm_maintenance') THEN
    CREATE ROLE gtm_maintenance NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL;
END $$;

DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'gtm_maintenance', 'MEMBER') THEN
    EXECUTE format('GRANT gtm_maintenance TO %I', current_user);
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO gtm_maintenance;
-- Column grants: credentials and settings stay out of reach even of a query that asks for them.
GRANT SELECT (id, tenant_id, connector_id, status) ON connections TO gtm_maintenance;
CREATE POLICY maintenance_read ON connections FOR SELECT TO gtm_maintenance USING (true);

GRANT SELECT (id, tenant_id, connection_id, status, started_at, finished_at, heartbeat_at) ON sync_runs TO gtm_maintenance;
GRANT UPDATE (status, finished_at, error) ON sync_runs TO gtm_maintenance;
CREATE POLICY maintenance_read ON sync_runs FOR SELECT TO gtm_maintenance USING (true);
CREATE POLICY maintenance_abandon ON sync_runs FOR UPDATE TO gtm_maintenance
  USING (status = 'running') WITH CHECK (status = 'abandoned');

GRANT SELECT (run_id), DELETE ON sync_run_cursors TO gtm_maintenance;
CREATE POLICY maintenance_cleanup ON sync_run_cursors FOR DELETE TO gtm_maintenance USING (true);
CREATE POLICY maintenance_read ON sync_run_cursors FOR SELECT TO gtm_maintenance USING (true);
`,
};

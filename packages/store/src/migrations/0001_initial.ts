import type { Migration } from "./types.js";

/**
 * The initial schema. Every tenant table carries `tenant_id` and a row-level security policy comparing it with the
 * transaction-local setting `app.tenant_id`; the application role `gtm_app` (no BYPASSRLS, not the owner) is what
 * every tenant-scoped transaction runs as. Composite foreign keys on (tenant_id, connection_id) make it impossible
 * for a child row to point at another tenant's connection.
 */
export const initial: Migration = {
  version: 1,
  name: "initial",
  sql: /* sql */ `
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'gtm_app') THEN
    CREATE ROLE gtm_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  -- another database on the same server created it at the same moment
  NULL;
END $$;

-- A non-superuser owner needs membership to SET ROLE gtm_app; a superuser may always.
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
     AND NOT pg_has_role(current_user, 'gtm_app', 'MEMBER') THEN
    EXECUTE format('GRANT gtm_app TO %I', current_user);
  END IF;
END $$;

CREATE FUNCTION app_tenant_id() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $fn$ SELECT nullif(current_setting('app.tenant_id', true), '') $fn$;

-- Orders commits and run starts without relying on clock resolution (PGlite's now() has milliseconds only):
-- each commitPage transaction takes one value, each sync run one at its start. The full-refresh sweep deletes
-- records whose last_seen_seq is older than the run's start_seq.
CREATE SEQUENCE commit_seq;

CREATE TABLE tenants (
  id              text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  name            text,
  dpa_accepted_at timestamptz,
  dpa_version     text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE connections (
  id                     uuid PRIMARY KEY,
  tenant_id              text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connector_id           text NOT NULL,
  connector_version      text NOT NULL,
  settings               jsonb NOT NULL DEFAULT '{}'::jsonb,
  credentials_ciphertext text NOT NULL,
  credentials_key_id     text NOT NULL,
  status                 text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth', 'disabled')),
  last_error             text,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);
CREATE INDEX connections_key_id ON connections (credentials_key_id, id);

CREATE TABLE sync_state (
  tenant_id     text NOT NULL,
  connection_id uuid NOT NULL,
  stream        text NOT NULL,
  cursor        text,
  last_run_id   uuid,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id, stream),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE sync_runs (
  id                uuid PRIMARY KEY,
  tenant_id         text NOT NULL,
  connection_id     uuid NOT NULL,
  connector_version text NOT NULL,
  full_refresh      boolean NOT NULL DEFAULT false,
  status            text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
  start_seq         bigint NOT NULL DEFAULT nextval('commit_seq'),
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  pages             integer NOT NULL DEFAULT 0,
  created_count     integer NOT NULL DEFAULT 0,
  updated_count     integer NOT NULL DEFAULT 0,
  unchanged_count   integer NOT NULL DEFAULT 0,
  deleted_count     integer NOT NULL DEFAULT 0,
  duplicate_count   integer NOT NULL DEFAULT 0,
  quarantined_count integer NOT NULL DEFAULT 0,
  document_count    integer NOT NULL DEFAULT 0,
  error             text,
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sync_runs_by_connection ON sync_runs (tenant_id, connection_id, start_seq DESC);

CREATE TABLE records (
  tenant_id         text NOT NULL,
  connection_id     uuid NOT NULL,
  kind              text NOT NULL CHECK (kind IN ('person', 'account', 'activity')),
  external_id       text NOT NULL,
  content_hash      text NOT NULL,
  remote_created_at timestamptz,
  remote_updated_at timestamptz,
  occurred_at       timestamptz,
  is_deleted        boolean NOT NULL DEFAULT false,
  deleted_at        timestamptz,
  data              jsonb NOT NULL,
  properties        jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_seen_run    uuid,
  last_seen_run     uuid,
  last_seen_seq     bigint NOT NULL DEFAULT 0,
  last_seen_at      timestamptz NOT NULL DEFAULT now(),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id, kind, external_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE quarantine (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     text NOT NULL,
  connection_id uuid NOT NULL,
  run_id        uuid,
  kind          text,
  external_id   text,
  raw           jsonb,
  reasons       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX quarantine_by_connection ON quarantine (tenant_id, connection_id, created_at);

CREATE TABLE documents (
  tenant_id            text NOT NULL,
  connection_id        uuid NOT NULL,
  external_id          text NOT NULL,
  activity_external_id text NOT NULL,
  type                 text NOT NULL,
  media_type           text,
  text                 text NOT NULL,
  byte_size            integer NOT NULL,
  content_hash         text NOT NULL,
  first_seen_run       uuid,
  last_seen_run        uuid,
  created_at           timestamptz NOT NULL DEFAULT now(),
  updated_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, connection_id, external_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX documents_by_activity ON documents (tenant_id, connection_id, activity_external_id);

CREATE TABLE webhook_events (
  tenant_id     text NOT NULL,
  connection_id uuid NOT NULL,
  event_id      text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, event_id),
  FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

GRANT USAGE ON SCHEMA public TO gtm_app;
GRANT USAGE ON SEQUENCE commit_seq TO gtm_app;
GRANT SELECT, INSERT, UPDATE, DELETE
  ON tenants, connections, sync_state, sync_runs, records, quarantine, documents, webhook_events
  TO gtm_app;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
  USING (id = app_tenant_id()) WITH CHECK (id = app_tenant_id());

ALTER TABLE connections ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connections
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE sync_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sync_state
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE sync_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sync_runs
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE records ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON records
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE quarantine ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON quarantine
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON documents
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());

ALTER TABLE webhook_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_events
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
`,
};

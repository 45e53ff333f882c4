import type { Migration } from "./types.js";

/**
 * Pending OAuth authorizations: one row per started flow, keyed by the sha256 of its state, holding the PKCE verifier
 * (encrypted by core, bound to tenant and connection) until the callback takes it. Taking is a DELETE ... RETURNING,
 * so across any number of web processes sharing the database exactly one callback can use a flow. Rows are
 * short-lived (core caps a state at 15 minutes); expired ones are swept whenever the tenant starts another flow.
 */
export const oauthFlows: Migration = {
  version: 5,
  name: "oauth_flows",
  sql: /* sql */ `
CREATE TABLE oauth_flows (
  state_hash             text PRIMARY KEY CHECK (length(state_hash) = 64),
  tenant_id              text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  connection_id          uuid NOT NULL,
  connector_id           text NOT NULL,
  verifier_ciphertext    text NOT NULL,
  redirect_uri           text NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  expires_at             timestamptz NOT NULL
);
CREATE INDEX oauth_flows_expiry ON oauth_flows (tenant_id, expires_at);

GRANT SELECT, INSERT, DELETE ON oauth_flows TO gtm_app;
ALTER TABLE oauth_flows ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON oauth_flows
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
`,
};

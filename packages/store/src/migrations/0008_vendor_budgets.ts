import type { Migration } from "./types.js";

/**
 * Vendor rate budgets kept in the database, so several connections to one vendor account (one Salesforce org, one
 * Customer.io workspace) share one budget across processes, and a worker that crashes and restarts in a loop does not
 * start each life with a fresh allowance.
 *
 * `vendor_budgets` has one row per (tenant, budget key): acquirers lock it, so admission is serialised per budget.
 * `vendor_budget_slots` holds one row per request admitted: it counts against the budget until `held_until`, which
 * is first set as if the request ended at its deadline (a process killed mid-request keeps its slot) and, when the
 * request ends, becomes its end plus the window: the vendor counted the request at some moment in between, so no
 * window the vendor can draw holds more admitted requests than the limit.
 */
export const vendorBudgets: Migration = {
  version: 8,
  name: "vendor_budgets",
  sql: /* sql */ `
CREATE TABLE vendor_budgets (
  tenant_id  text NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  budget_key text NOT NULL CHECK (length(budget_key) BETWEEN 1 AND 500),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, budget_key)
);

CREATE TABLE vendor_budget_slots (
  id         uuid PRIMARY KEY,
  tenant_id  text NOT NULL,
  budget_key text NOT NULL,
  started_at timestamptz NOT NULL,
  held_until timestamptz NOT NULL,
  FOREIGN KEY (tenant_id, budget_key) REFERENCES vendor_budgets (tenant_id, budget_key) ON DELETE CASCADE
);
CREATE INDEX vendor_budget_slots_by_budget ON vendor_budget_slots (tenant_id, budget_key, held_until);

GRANT SELECT, INSERT, UPDATE, DELETE ON vendor_budgets, vendor_budget_slots TO gtm_app;
ALTER TABLE vendor_budgets ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vendor_budgets
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
ALTER TABLE vendor_budget_slots ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vendor_budget_slots
  USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id());
`,
};

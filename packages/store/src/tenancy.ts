/**
 * Tenant scoping, and the one way out of it. Every tenant transaction switches to the role `gtm_app` (no BYPASSRLS, owns nothing) and sets
 * `app.tenant_id`, both transaction-local, so row-level security filters every statement that follows and nothing
 * leaks into the next use of a pooled connection.
 */
import { inFlight, preparedStatement, type SqlDriver, type SqlExecutor } from "./driver.js";

/** The role that tenant-scoped transactions run as; created by the first migration. */
export const APP_ROLE = "gtm_app";

/** Begins every tenant transaction. */
const TENANT_SCOPE = preparedStatement("SELECT set_config('role', $1, true), set_config('app.tenant_id', $2, true)");

export function withTenantTransaction<T>(
  driver: SqlDriver,
  tenantId: string,
  fn: (tx: SqlExecutor) => Promise<T>,
): Promise<T> {
  return driver.transaction(async (tx) => {
    // Not waited for: the first statement of `fn` follows it in the same round trip (see the pg driver); if the
    // scope could not be set, nothing after it runs, and its own error is the one reported.
    const scoped = inFlight(tx.query(TENANT_SCOPE, [APP_ROLE, tenantId]));
    try {
      const result = await fn(tx);
      await scoped;
      return result;
    } catch (error) {
      await scoped;
      throw error;
    }
  });
}

/** The role for work across tenants (scheduling, the abandoned-run scan); what it may touch is in migration 0006. */
export const MAINTENANCE_ROLE = "gtm_maintenance";

/**
 * A transaction as `gtm_maintenance`, with no tenant set: row-level security lets it read every tenant's
 * connections (id, tenant, connector, status only: column grants) and close running runs, and nothing more.
 */
export function withMaintenanceTransaction<T>(driver: SqlDriver, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return driver.transaction(async (tx) => {
    await tx.query("SELECT set_config('role', $1, true), set_config('app.tenant_id', '', true)", [MAINTENANCE_ROLE]);
    return fn(tx);
  });
}

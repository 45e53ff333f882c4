/**
 * Which vendor account a connection draws on, and that account's rate budget, as each connector declares them
 * (core's `VendorBudget`: `connector.budget`). Connections that resolve to the same key (in one tenant) share one
 * budget in the store; a connector that declares none, or a connection whose settings and credentials do not name
 * its account, is an account of its own. `VENDOR_BUDGETS` adds or overrides windows per connector id:
 * `{"salesforce":{"requests":100,"windowMs":60000}}` (`null` turns one off). Nothing here names a connector.
 */
import { ConfigError, type BudgetWindow, type Credentials, type VendorBudget } from "@gtm-clarity/core";
import { z } from "zod";

export type { BudgetWindow };

export interface VendorBudgetSpec extends BudgetWindow {
  key: string;
}

export interface BudgetConnection {
  id: string;
  connectorId: string;
  settings?: Record<string, unknown>;
}

/** What the budget needs of a connector: its id and what it declares. */
export interface BudgetedConnector {
  id: string;
  budget?: VendorBudget;
}

export function budgetKeyFor(connector: BudgetedConnector | undefined, connection: BudgetConnection, credentials: Credentials): string {
  return connector?.budget?.accountKey({ settings: connection.settings ?? {}, credentials }) ?? `connection:${connection.id}`;
}

const OverridesSchema = z.record(
  z.string(),
  z.object({ requests: z.number().int().min(1), windowMs: z.number().int().min(1) }).nullable(),
);

/** Windows per connector id: those the connectors declare, with `VENDOR_BUDGETS` on top (`null` turns one off). */
export function budgetWindows(
  env: Record<string, string | undefined>,
  connectors: readonly BudgetedConnector[],
): Record<string, BudgetWindow | null> {
  const declared: Record<string, BudgetWindow> = {};
  for (const connector of connectors) if (connector.budget?.window) declared[connector.id] = { ...connector.budget.window };
  const raw = env["VENDOR_BUDGETS"];
  if (raw === undefined || raw.trim() === "") return declared;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError("VENDOR_BUDGETS is not JSON");
  }
  const parsed = OverridesSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`VENDOR_BUDGETS: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { ...declared, ...parsed.data };
}

export function vendorBudgetFor(
  connector: BudgetedConnector | undefined,
  connection: BudgetConnection,
  credentials: Credentials,
  windows: Record<string, BudgetWindow | null>,
): VendorBudgetSpec | undefined {
  const window = windows[connection.connectorId];
  if (!window) return undefined;
  return { key: budgetKeyFor(connector, connection, credentials), ...window };
}

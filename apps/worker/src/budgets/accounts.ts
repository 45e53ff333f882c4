/**
 * Which vendor account a connection draws on, and that account's rate budget. Connections that resolve to the same
 * key (in one tenant) share one budget in the store. The key names the account without revealing a secret: where
 * only the API key identifies the account, the key holds a hash of it.
 *
 * Limits are the vendors' documented windows (vendor-apis.md). Salesforce's allocation is daily and per org, tracked
 * by the connector itself from `Sforce-Limit-Info` (which every connection to the org sees); Graph limits are per
 * mailbox and Delivr.ai documents none: those get a key but no window unless configured. `VENDOR_BUDGETS` adds or
 * overrides windows per connector id: `{"salesforce":{"requests":100,"windowMs":60000}}`.
 */
import { createHash } from "node:crypto";
import { ConfigError, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export interface BudgetWindow {
  requests: number;
  windowMs: number;
}

export interface VendorBudgetSpec extends BudgetWindow {
  key: string;
}

export interface BudgetConnection {
  id: string;
  connectorId: string;
  settings?: Record<string, unknown>;
}

const digest = (value: string) => createHash("sha256").update(value).digest("hex").slice(0, 32);

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** The account key per connector id; anything unknown is its own account. */
const ACCOUNT_KEYS: Record<string, (c: BudgetConnection, credentials: Credentials) => string | undefined> = {
  fathom: (_c, credentials) => (text(credentials["apiKey"]) ? `fathom:key:${digest(credentials["apiKey"] ?? "")}` : undefined),
  customerio: (c, credentials) => {
    const key = text(credentials["apiKey"]);
    return key ? `customerio:${text(c.settings?.["region"]) ?? "us"}:key:${digest(key)}` : undefined;
  },
  salesforce: (c) => (text(c.settings?.["organizationId"]) ? `salesforce:org:${text(c.settings?.["organizationId"])}` : undefined),
  // MSAL's home account id is `<object id>.<tenant id>`: the Microsoft tenant is the part after the dot.
  o365: (_c, credentials) => {
    const tenant = text(credentials["homeAccountId"])?.split(".")[1];
    return tenant ? `o365:tenant:${tenant}` : undefined;
  },
  // Delivr.ai's limits follow the API key (one account), whichever pixel, project or organisation a connection reads.
  delivr: (_c, credentials) => (text(credentials["apiKey"]) ? `delivr:key:${digest(credentials["apiKey"] ?? "")}` : undefined),
};

/** Documented windows: Fathom 60 calls per 60 s per account; Customer.io's App API 10 requests per second. */
export const DOCUMENTED_WINDOWS: Readonly<Record<string, BudgetWindow>> = {
  fathom: { requests: 60, windowMs: 60_000 },
  customerio: { requests: 10, windowMs: 1_000 },
};

export function budgetKeyFor(connection: BudgetConnection, credentials: Credentials): string {
  return ACCOUNT_KEYS[connection.connectorId]?.(connection, credentials) ?? `connection:${connection.id}`;
}

const OverridesSchema = z.record(
  z.string(),
  z.object({ requests: z.number().int().min(1), windowMs: z.number().int().min(1) }).nullable(),
);

/** Windows per connector id: the documented ones with `VENDOR_BUDGETS` on top (`null` turns one off). */
export function budgetWindows(env: Record<string, string | undefined>): Record<string, BudgetWindow | null> {
  const raw = env["VENDOR_BUDGETS"];
  if (raw === undefined || raw.trim() === "") return { ...DOCUMENTED_WINDOWS };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new ConfigError("VENDOR_BUDGETS is not JSON");
  }
  const parsed = OverridesSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`VENDOR_BUDGETS: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return { ...DOCUMENTED_WINDOWS, ...parsed.data };
}

export function vendorBudgetFor(
  connection: BudgetConnection,
  credentials: Credentials,
  windows: Record<string, BudgetWindow | null>,
): VendorBudgetSpec | undefined {
  const window = windows[connection.connectorId];
  if (!window) return undefined;
  return { key: budgetKeyFor(connection, credentials), ...window };
}

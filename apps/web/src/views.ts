/**
 * What the pages show, read in the session's tenant only (every query goes through the store's tenant-scoped API or
 * `withTenant`, so row-level security bounds it). No credential or secret is ever part of a view.
 */
import type { BuyingGroup, Connection, QuarantineEntry, Store, SyncRun, Tenant } from "@gtm-clarity/store";
import { findConnector } from "./connectors.js";
import { hasWebhookSecret } from "./webhook-secret.js";

export interface ConnectionSummary {
  connection: Connection;
  connectorName: string;
  lastRun: SyncRun | undefined;
  records: Record<"person" | "account" | "activity", number>;
  quarantined: number;
  webhooks: boolean;
  webhookSecretSet: boolean;
}

interface CountRow {
  connection_id: string;
  kind: string;
  n: number;
  [column: string]: unknown;
}

export async function recordCounts(store: Store, tenantId: string): Promise<Map<string, Record<string, number>>> {
  const rows = await store.withTenant(tenantId, async (tx) => {
    const records = await tx.query<CountRow>(
      `SELECT connection_id::text AS connection_id, kind, count(*)::int AS n FROM records
       WHERE NOT is_deleted GROUP BY connection_id, kind`,
    );
    const quarantine = await tx.query<CountRow>(
      `SELECT connection_id::text AS connection_id, 'quarantine' AS kind, count(*)::int AS n FROM quarantine
       GROUP BY connection_id`,
    );
    return [...records.rows, ...quarantine.rows];
  });
  const counts = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const entry = counts.get(row.connection_id) ?? {};
    entry[row.kind] = row.n;
    counts.set(row.connection_id, entry);
  }
  return counts;
}

export async function summarize(store: Store, tenantId: string, connections: readonly Connection[]): Promise<ConnectionSummary[]> {
  const counts = await recordCounts(store, tenantId);
  return Promise.all(
    connections.map(async (connection) => {
      const [lastRun] = await store.listRuns({ tenantId, connectionId: connection.id, limit: 1 });
      const count = counts.get(connection.id) ?? {};
      const connector = findConnector(connection.connectorId);
      return {
        connection,
        connectorName: connector?.name ?? connection.connectorId,
        lastRun,
        records: { person: count["person"] ?? 0, account: count["account"] ?? 0, activity: count["activity"] ?? 0 },
        quarantined: count["quarantine"] ?? 0,
        webhooks: connector?.webhooks !== undefined,
        webhookSecretSet: hasWebhookSecret(connection.settings),
      };
    }),
  );
}

export interface ConnectionsView {
  tenant: Tenant;
  summaries: ConnectionSummary[];
}

export async function connectionsView(store: Store, tenantId: string): Promise<ConnectionsView> {
  const tenant = await store.createTenant({ tenantId });
  const connections = await store.listConnections({ tenantId });
  return { tenant, summaries: await summarize(store, tenantId, connections) };
}

export interface ConnectionDetail {
  summary: ConnectionSummary;
  runs: SyncRun[];
}

export async function connectionDetail(store: Store, tenantId: string, connection: Connection): Promise<ConnectionDetail> {
  const [summary] = await summarize(store, tenantId, [connection]);
  if (summary === undefined) throw new Error("summary of one connection is missing");
  return { summary, runs: await store.listRuns({ tenantId, connectionId: connection.id, limit: 20 }) };
}

export async function quarantineView(store: Store, tenantId: string, connectionId: string): Promise<QuarantineEntry[]> {
  return store.listQuarantine({ tenantId, connectionId, limit: 200 });
}

export interface AccountListItem {
  connectionId: string;
  connectorId: string;
  externalId: string;
  name: string | null;
  domain: string | null;
}

interface AccountRow {
  connection_id: string;
  connector_id: string;
  external_id: string;
  name: string | null;
  domain: string | null;
  [column: string]: unknown;
}

export async function listAccounts(store: Store, tenantId: string, limit = 100): Promise<AccountListItem[]> {
  const { rows } = await store.withTenant(tenantId, (tx) =>
    tx.query<AccountRow>(
      `SELECT r.connection_id::text AS connection_id, c.connector_id, r.external_id,
              r.data ->> 'name' AS name, r.data ->> 'domain' AS domain
       FROM records AS r JOIN connections AS c ON c.tenant_id = r.tenant_id AND c.id = r.connection_id
       WHERE r.kind = 'account' AND NOT r.is_deleted
       ORDER BY r.data ->> 'name' NULLS LAST, r.external_id LIMIT $1`,
      [limit],
    ),
  );
  return rows.map((row) => ({
    connectionId: row.connection_id,
    connectorId: row.connector_id,
    externalId: row.external_id,
    name: row.name,
    domain: row.domain,
  }));
}

export interface TimelineEntry {
  connectorId: string;
  externalId: string;
  type: string | null;
  occurredAt: Date | null;
  subject: string | null;
  personExternalId: string | null;
}

interface TimelineRow {
  connector_id: string;
  external_id: string;
  type: string | null;
  occurred_at: Date | null;
  subject: string | null;
  person_external_id: string | null;
  [column: string]: unknown;
}

/** The account's activities, newest first: linked to one of its account records, or to one of its people. */
export async function accountTimeline(store: Store, tenantId: string, group: BuyingGroup, limit = 100): Promise<TimelineEntry[]> {
  const accounts = group.accounts.map((account) => [account.connectionId, account.externalId]);
  const people = group.members.flatMap((member) => member.sources.map((source) => [source.connectionId, source.externalId]));
  if (accounts.length === 0 && people.length === 0) return [];
  const { rows } = await store.withTenant(tenantId, (tx) =>
    tx.query<TimelineRow>(
      `SELECT c.connector_id, r.external_id, r.data ->> 'type' AS type, r.occurred_at,
              coalesce(r.data ->> 'subject', r.data ->> 'title') AS subject, r.data ->> 'personExternalId' AS person_external_id
       FROM records AS r JOIN connections AS c ON c.tenant_id = r.tenant_id AND c.id = r.connection_id
       WHERE r.kind = 'activity' AND NOT r.is_deleted AND (
         (r.connection_id::text, r.data ->> 'accountExternalId') IN (SELECT a ->> 0, a ->> 1 FROM jsonb_array_elements($1::jsonb) AS a)
         OR (r.connection_id::text, r.data ->> 'personExternalId') IN (SELECT p ->> 0, p ->> 1 FROM jsonb_array_elements($2::jsonb) AS p))
       ORDER BY r.occurred_at DESC NULLS LAST LIMIT $3`,
      [JSON.stringify(accounts), JSON.stringify(people), limit],
    ),
  );
  return rows.map((row) => ({
    connectorId: row.connector_id,
    externalId: row.external_id,
    type: row.type,
    occurredAt: row.occurred_at,
    subject: row.subject,
    personExternalId: row.person_external_id,
  }));
}

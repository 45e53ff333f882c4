/** Tenants and connections. Credentials go in and out only through core's AES-GCM, bound to tenant + connection. */
import { randomUUID } from "node:crypto";
import {
  ciphertextKeyId,
  decryptCredentials,
  encryptCredentials,
  NotFoundError,
  ValidationError,
  type Credentials,
} from "@gtm-clarity/core";
import type { z } from "zod";
import type { StoreContext } from "./context.js";
import { sqlState } from "./driver.js";
import { CONNECTION_COLUMNS, type ConnectionRow, type TenantRow, toConnection, toTenant } from "./rows.js";
import {
  AcceptDpaSchema,
  ConnectionRefSchema,
  CreateConnectionSchema,
  CreateTenantSchema,
  ListConnectionsSchema,
  ListSchedulableSchema,
  RouteConnectionSchema,
  parseInput,
  SetConnectionStatusSchema,
  TenantRefSchema,
  UpdateConnectionSchema,
  UpdateCredentialsSchema,
  WithdrawDpaSchema,
} from "./schemas.js";
import { withMaintenanceTransaction, withTenantTransaction } from "./tenancy.js";
import type { Connection, ConnectionStatus, SchedulableConnection, Tenant } from "./types.js";

const TENANT_COLUMNS = "id, name, dpa_accepted_at, dpa_version, created_at";

function connectionNotFound(ref: { tenantId: string; connectionId: string }): NotFoundError {
  return new NotFoundError(`connection ${ref.connectionId} not found for tenant ${ref.tenantId}`);
}

/** Creates the tenant, or returns it unchanged when it exists (a given name is applied only on creation). */
export async function createTenant(ctx: StoreContext, input: z.input<typeof CreateTenantSchema>): Promise<Tenant> {
  const { tenantId, name } = parseInput(CreateTenantSchema, input, "createTenant input");
  return withTenantTransaction(ctx.driver, tenantId, async (tx) => {
    await tx.query("INSERT INTO tenants (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", [tenantId, name ?? null]);
    const { rows } = await tx.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [tenantId]);
    const row = rows[0];
    if (!row) throw new NotFoundError(`tenant ${tenantId} not found`);
    return toTenant(row);
  });
}

export async function getTenant(ctx: StoreContext, input: z.input<typeof TenantRefSchema>): Promise<Tenant> {
  const { tenantId } = parseInput(TenantRefSchema, input, "getTenant input");
  return withTenantTransaction(ctx.driver, tenantId, async (tx) => {
    const { rows } = await tx.query<TenantRow>(`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = $1`, [tenantId]);
    const row = rows[0];
    if (!row) throw new NotFoundError(`tenant ${tenantId} not found`);
    return toTenant(row);
  });
}

/**
 * Records that the tenant accepted the data processing agreement (privacy-gated connectors check it). Connections
 * stopped by a withdrawal (`dpa_required`) become active again.
 */
export async function acceptDpa(ctx: StoreContext, input: z.input<typeof AcceptDpaSchema>): Promise<Tenant> {
  const { tenantId, acceptedAt, version } = parseInput(AcceptDpaSchema, input, "acceptDpa input");
  return withTenantTransaction(ctx.driver, tenantId, async (tx) => {
    const { rows } = await tx.query<TenantRow>(
      `UPDATE tenants SET dpa_accepted_at = coalesce($2, now()), dpa_version = $3 WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
      [tenantId, acceptedAt ?? null, version ?? null],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`tenant ${tenantId} not found`);
    await tx.query(
      "UPDATE connections SET status = 'active', last_error = NULL, updated_at = now() WHERE status = 'dpa_required'",
    );
    return toTenant(row);
  });
}

/**
 * The tenant withdraws the data processing agreement: acceptance is cleared, and in the same transaction every
 * connection of a connector in `dpaConnectorIds` becomes `dpa_required`, so no scheduled sync of it runs (the
 * worker refuses such a connection before any request). Returns the connections it stopped.
 */
export async function withdrawDpa(
  ctx: StoreContext,
  input: z.input<typeof WithdrawDpaSchema>,
): Promise<{ tenant: Tenant; stopped: string[] }> {
  const { tenantId, dpaConnectorIds } = parseInput(WithdrawDpaSchema, input, "withdrawDpa input");
  return withTenantTransaction(ctx.driver, tenantId, async (tx) => {
    const { rows } = await tx.query<TenantRow>(
      `UPDATE tenants SET dpa_accepted_at = NULL, dpa_version = NULL WHERE id = $1 RETURNING ${TENANT_COLUMNS}`,
      [tenantId],
    );
    const row = rows[0];
    if (!row) throw new NotFoundError(`tenant ${tenantId} not found`);
    const stopped = await tx.query<{ id: string }>(
      `UPDATE connections SET status = 'dpa_required', last_error = 'the tenant withdrew the data processing agreement',
              updated_at = now()
       WHERE connector_id = ANY($1::text[]) AND status <> 'dpa_required'
       RETURNING id`,
      [dpaConnectorIds],
    );
    return { tenant: toTenant(row), stopped: stopped.rows.map((r) => r.id) };
  });
}

/**
 * Every tenant's connections, for scheduling only (as the maintenance role): id, tenant, connector and status,
 * never credentials or settings. Ordered by tenant, then id.
 */
export async function listSchedulableConnections(
  ctx: StoreContext,
  input: z.input<typeof ListSchedulableSchema> = {},
): Promise<SchedulableConnection[]> {
  const { status } = parseInput(ListSchedulableSchema, input, "listSchedulableConnections input");
  return withMaintenanceTransaction(ctx.driver, async (tx) => {
    const { rows } = await tx.query<{ id: string; tenant_id: string; connector_id: string; status: ConnectionStatus }>(
      `SELECT id, tenant_id, connector_id, status FROM connections
       WHERE ($1::text IS NULL OR status = $1) ORDER BY tenant_id, id`,
      [status ?? null],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, connectorId: r.connector_id, status: r.status }));
  });
}

/**
 * Which tenant a connection belongs to, from its id alone, as the maintenance role: for a caller that has no
 * tenant yet (a vendor's webhook names only the connection). The row's id, tenant, connector and status, nothing
 * else; everything after that goes through the tenant's own scope.
 */
export async function routeConnection(
  ctx: StoreContext,
  input: z.input<typeof RouteConnectionSchema>,
): Promise<SchedulableConnection | null> {
  const { connectionId } = parseInput(RouteConnectionSchema, input, "routeConnection input");
  return withMaintenanceTransaction(ctx.driver, async (tx) => {
    const { rows } = await tx.query<{ id: string; tenant_id: string; connector_id: string; status: ConnectionStatus }>(
      "SELECT id, tenant_id, connector_id, status FROM connections WHERE id = $1",
      [connectionId],
    );
    const row = rows[0];
    return row ? { id: row.id, tenantId: row.tenant_id, connectorId: row.connector_id, status: row.status } : null;
  });
}

export async function createConnection(
  ctx: StoreContext,
  input: z.input<typeof CreateConnectionSchema>,
): Promise<Connection> {
  const parsed = parseInput(CreateConnectionSchema, input, "createConnection input");
  const connectionId = parsed.connectionId ?? randomUUID();
  const ciphertext = encryptCredentials(
    parsed.credentials,
    { tenantId: parsed.tenantId, connectionId },
    ctx.keyRing(),
  );
  try {
    return await withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
      const { rows } = await tx.query<ConnectionRow>(
        `INSERT INTO connections (id, tenant_id, connector_id, connector_version, settings, credentials_ciphertext,
                                  credentials_key_id, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING ${CONNECTION_COLUMNS}`,
        [
          connectionId,
          parsed.tenantId,
          parsed.connectorId,
          parsed.connectorVersion,
          JSON.stringify(parsed.settings),
          ciphertext,
          ciphertextKeyId(ciphertext),
          parsed.status,
        ],
      );
      const row = rows[0];
      if (!row) throw new Error("INSERT ... RETURNING returned no row");
      return toConnection(row);
    });
  } catch (error) {
    const state = sqlState(error);
    if (state === "23503") throw new NotFoundError(`tenant ${parsed.tenantId} not found: create it first`);
    if (state === "23505") throw new ValidationError(`connection ${connectionId} already exists`);
    throw error;
  }
}

export async function getConnection(
  ctx: StoreContext,
  input: z.input<typeof ConnectionRefSchema>,
): Promise<Connection> {
  const ref = parseInput(ConnectionRefSchema, input, "connection reference");
  return withTenantTransaction(ctx.driver, ref.tenantId, async (tx) => {
    const { rows } = await tx.query<ConnectionRow>(`SELECT ${CONNECTION_COLUMNS} FROM connections WHERE id = $1`, [
      ref.connectionId,
    ]);
    const row = rows[0];
    if (!row) throw connectionNotFound(ref);
    return toConnection(row);
  });
}

export async function listConnections(
  ctx: StoreContext,
  input: z.input<typeof ListConnectionsSchema>,
): Promise<Connection[]> {
  const filter = parseInput(ListConnectionsSchema, input, "listConnections input");
  return withTenantTransaction(ctx.driver, filter.tenantId, async (tx) => {
    const { rows } = await tx.query<ConnectionRow>(
      `SELECT ${CONNECTION_COLUMNS} FROM connections
       WHERE ($1::text IS NULL OR connector_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY created_at, id`,
      [filter.connectorId ?? null, filter.status ?? null],
    );
    return rows.map(toConnection);
  });
}

/** Decrypts the connection's credentials. CryptoError when the key is missing or the ciphertext was tampered with. */
export async function getConnectionCredentials(
  ctx: StoreContext,
  input: z.input<typeof ConnectionRefSchema>,
): Promise<Credentials> {
  const ref = parseInput(ConnectionRefSchema, input, "connection reference");
  const ciphertext = await withTenantTransaction(ctx.driver, ref.tenantId, async (tx) => {
    const { rows } = await tx.query<{ credentials_ciphertext: string }>(
      "SELECT credentials_ciphertext FROM connections WHERE id = $1",
      [ref.connectionId],
    );
    const row = rows[0];
    if (!row) throw connectionNotFound(ref);
    return row.credentials_ciphertext;
  });
  return decryptCredentials(ciphertext, { tenantId: ref.tenantId, connectionId: ref.connectionId }, ctx.keyRing());
}

/** Replaces the credentials (e.g. after an OAuth refresh or a reconnect) and sets the status, "active" by default. */
export async function updateCredentials(
  ctx: StoreContext,
  input: z.input<typeof UpdateCredentialsSchema>,
): Promise<Connection> {
  const parsed = parseInput(UpdateCredentialsSchema, input, "updateCredentials input");
  const ciphertext = encryptCredentials(
    parsed.credentials,
    { tenantId: parsed.tenantId, connectionId: parsed.connectionId },
    ctx.keyRing(),
  );
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<ConnectionRow>(
      `UPDATE connections
       SET credentials_ciphertext = $2, credentials_key_id = $3, status = $4,
           last_error = CASE WHEN $4 = 'active' THEN NULL ELSE last_error END, updated_at = now()
       WHERE id = $1
       RETURNING ${CONNECTION_COLUMNS}`,
      [parsed.connectionId, ciphertext, ciphertextKeyId(ciphertext), parsed.status],
    );
    const row = rows[0];
    if (!row) throw connectionNotFound(parsed);
    return toConnection(row);
  });
}

/** Changes settings and/or the pinned connector version. */
export async function updateConnection(
  ctx: StoreContext,
  input: z.input<typeof UpdateConnectionSchema>,
): Promise<Connection> {
  const parsed = parseInput(UpdateConnectionSchema, input, "updateConnection input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<ConnectionRow>(
      `UPDATE connections
       SET settings = coalesce($2::jsonb, settings), connector_version = coalesce($3, connector_version),
           updated_at = now()
       WHERE id = $1
       RETURNING ${CONNECTION_COLUMNS}`,
      [
        parsed.connectionId,
        parsed.settings === undefined ? null : JSON.stringify(parsed.settings),
        parsed.connectorVersion ?? null,
      ],
    );
    const row = rows[0];
    if (!row) throw connectionNotFound(parsed);
    return toConnection(row);
  });
}

/** Sets `active | needs_reauth | disabled`. `lastError` defaults to cleared for "active", unchanged otherwise. */
export async function setConnectionStatus(
  ctx: StoreContext,
  input: z.input<typeof SetConnectionStatusSchema>,
): Promise<Connection> {
  const parsed = parseInput(SetConnectionStatusSchema, input, "setConnectionStatus input");
  const keepError = parsed.lastError === undefined && parsed.status !== "active";
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<ConnectionRow>(
      `UPDATE connections
       SET status = $2, last_error = CASE WHEN $4::boolean THEN last_error ELSE $3 END, updated_at = now()
       WHERE id = $1
       RETURNING ${CONNECTION_COLUMNS}`,
      [parsed.connectionId, parsed.status, parsed.lastError ?? null, keepError],
    );
    const row = rows[0];
    if (!row) throw connectionNotFound(parsed);
    return toConnection(row);
  });
}

/** Deletes the connection and, by cascade, its records, documents, quarantine, cursors, runs and webhook events. */
export async function deleteConnection(ctx: StoreContext, input: z.input<typeof ConnectionRefSchema>): Promise<void> {
  const ref = parseInput(ConnectionRefSchema, input, "connection reference");
  await withTenantTransaction(ctx.driver, ref.tenantId, async (tx) => {
    const { rowCount } = await tx.query("DELETE FROM connections WHERE id = $1", [ref.connectionId]);
    if (rowCount === 0) throw connectionNotFound(ref);
  });
}

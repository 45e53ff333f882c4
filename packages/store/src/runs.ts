/** Sync runs, cursors, webhook dedupe and the full-refresh sweep. */
import { randomUUID } from "node:crypto";
import { NotFoundError, ValidationError } from "@gtm-clarity/core";
import type { z } from "zod";
import type { StoreContext } from "./context.js";
import type { SqlExecutor } from "./driver.js";
import { RUN_COLUMNS, type RunRow, toRun } from "./rows.js";
import {
  AbandonConnectionRunsSchema,
  AbandonStaleRunsSchema,
  CursorRefSchema,
  FinishRunSchema,
  ListRunsSchema,
  MarkUnseenSchema,
  parseInput,
  RunRefSchema,
  SetCursorSchema,
  StartRunSchema,
  WebhookEventSchema,
} from "./schemas.js";
import { withMaintenanceTransaction, withTenantTransaction } from "./tenancy.js";
import type { AbandonedRun, SyncRun } from "./types.js";

async function requireConnection(
  tx: SqlExecutor,
  ref: { tenantId: string; connectionId: string },
  lock: "" | "FOR NO KEY UPDATE" = "",
): Promise<{ connector_version: string }> {
  const { rows } = await tx.query<{ connector_version: string }>(
    `SELECT connector_version FROM connections WHERE id = $1 ${lock}`,
    [ref.connectionId],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`connection ${ref.connectionId} not found for tenant ${ref.tenantId}`);
  return row;
}

export async function getCursor(ctx: StoreContext, input: z.input<typeof CursorRefSchema>): Promise<string | null> {
  const ref = parseInput(CursorRefSchema, input, "getCursor input");
  return withTenantTransaction(ctx.driver, ref.tenantId, async (tx) => {
    await requireConnection(tx, ref);
    const { rows } = await tx.query<{ cursor: string | null }>(
      "SELECT cursor FROM sync_state WHERE connection_id = $1 AND stream = $2",
      [ref.connectionId, ref.stream],
    );
    return rows[0]?.cursor ?? null;
  });
}

/** Sets a cursor outside a page commit (e.g. to reset a stream to the start with `null`). */
export async function setCursor(ctx: StoreContext, input: z.input<typeof SetCursorSchema>): Promise<void> {
  const parsed = parseInput(SetCursorSchema, input, "setCursor input");
  await withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    // Same lock as commitPage, so a reset cannot interleave with a page being committed.
    await requireConnection(tx, parsed, "FOR NO KEY UPDATE");
    await tx.query(
      `INSERT INTO sync_state (tenant_id, connection_id, stream, cursor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, connection_id, stream) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
      [parsed.tenantId, parsed.connectionId, parsed.stream, parsed.cursor],
    );
  });
}

/**
 * Starts a run. With a `runKey`, starting again with the same key (a retry after a lost reply) returns the run the
 * first call started, whatever became of it, instead of a second one.
 */
export async function startRun(ctx: StoreContext, input: z.input<typeof StartRunSchema>): Promise<SyncRun> {
  const parsed = parseInput(StartRunSchema, input, "startRun input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const connection = await requireConnection(tx, parsed);
    const { rows } = await tx.query<RunRow>(
      `INSERT INTO sync_runs (id, tenant_id, connection_id, connector_version, full_refresh, run_key)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, connection_id, run_key) WHERE run_key IS NOT NULL DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      [
        randomUUID(),
        parsed.tenantId,
        parsed.connectionId,
        parsed.connectorVersion ?? connection.connector_version,
        parsed.fullRefresh,
        parsed.runKey ?? null,
      ],
    );
    const row =
      rows[0] ??
      (
        await tx.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM sync_runs WHERE connection_id = $1 AND run_key = $2`, [
          parsed.connectionId,
          parsed.runKey,
        ])
      ).rows[0];
    if (!row) throw new Error("INSERT ... RETURNING returned no row");
    return toRun(row);
  });
}

/** Stamps a running run's heartbeat (a page commit does it too); false when the run is no longer running. */
export async function heartbeatRun(ctx: StoreContext, input: z.input<typeof RunRefSchema>): Promise<boolean> {
  const parsed = parseInput(RunRefSchema, input, "heartbeatRun input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query(
      "UPDATE sync_runs SET heartbeat_at = now() WHERE id = $1 AND status = 'running' RETURNING 1",
      [parsed.runId],
    );
    return rows.length > 0;
  });
}

/** Marks running runs abandoned, finished at their last heartbeat; their paging-guard memory goes with them. */
const ABANDON = /* sql */ `
WITH abandoned AS (
  UPDATE sync_runs SET status = 'abandoned', finished_at = heartbeat_at,
         error = 'abandoned: no sign of life since ' || to_char(heartbeat_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || $1::text
  WHERE status = 'running' AND %WHERE%
  RETURNING id, tenant_id, connection_id, finished_at
), forgotten AS (
  DELETE FROM sync_run_cursors WHERE run_id IN (SELECT id FROM abandoned)
)
SELECT id, tenant_id, connection_id, finished_at FROM abandoned`;

interface AbandonedRow {
  id: string;
  tenant_id: string;
  connection_id: string;
  finished_at: Date;
  [column: string]: unknown;
}

const toAbandoned = (row: AbandonedRow): AbandonedRun => ({
  id: row.id,
  tenantId: row.tenant_id,
  connectionId: row.connection_id,
  finishedAt: row.finished_at,
});

/**
 * Every run of the connection still marked running, except `exceptRunId`, becomes `abandoned` (one sync per
 * connection runs at a time, so they belong to processes that died or replies that were lost). No limit: a
 * connection with a thousand dead runs gets them all closed.
 */
export async function abandonConnectionRuns(
  ctx: StoreContext,
  input: z.input<typeof AbandonConnectionRunsSchema>,
): Promise<AbandonedRun[]> {
  const parsed = parseInput(AbandonConnectionRunsSchema, input, "abandonConnectionRuns input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed);
    const sql = ABANDON.replace("%WHERE%", "connection_id = $2 AND ($3::uuid IS NULL OR id <> $3::uuid)");
    const reason = parsed.exceptRunId ? `; superseded by run ${parsed.exceptRunId}` : "";
    const { rows } = await tx.query<AbandonedRow>(sql, [reason, parsed.connectionId, parsed.exceptRunId ?? null]);
    return rows.map(toAbandoned);
  });
}

/**
 * Across every tenant (as the maintenance role): running runs with no heartbeat for `staleAfterMs` become
 * `abandoned`, finished at their last heartbeat. A worker runs this when it starts and before each sync.
 */
export async function abandonStaleRuns(
  ctx: StoreContext,
  input: z.input<typeof AbandonStaleRunsSchema>,
): Promise<AbandonedRun[]> {
  const parsed = parseInput(AbandonStaleRunsSchema, input, "abandonStaleRuns input");
  return withMaintenanceTransaction(ctx.driver, async (tx) => {
    const sql = ABANDON.replace("%WHERE%", "heartbeat_at < now() - make_interval(secs => $2::double precision / 1000)");
    const { rows } = await tx.query<AbandonedRow>(sql, ["; its process stopped", parsed.staleAfterMs]);
    return rows.map(toAbandoned);
  });
}

/** Ends a running run. Finishing a run twice, or one that is not running, is a ValidationError. */
export async function finishRun(ctx: StoreContext, input: z.input<typeof FinishRunSchema>): Promise<SyncRun> {
  const parsed = parseInput(FinishRunSchema, input, "finishRun input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<RunRow>(
      `UPDATE sync_runs SET status = $2, error = $3, finished_at = now(), heartbeat_at = now(),
              counts = coalesce($4::jsonb, counts), notices = coalesce($5::jsonb, notices)
       WHERE id = $1 AND status = 'running'
       RETURNING ${RUN_COLUMNS}`,
      [
        parsed.runId,
        parsed.status,
        parsed.error ?? null,
        parsed.counts ? JSON.stringify(parsed.counts) : null,
        parsed.notices ? JSON.stringify(parsed.notices) : null,
      ],
    );
    const row = rows[0];
    if (row) {
      // The paging guard's memory is only needed while the run can still commit pages.
      await tx.query("DELETE FROM sync_run_cursors WHERE run_id = $1", [parsed.runId]);
      return toRun(row);
    }
    const existing = await tx.query<{ status: string }>("SELECT status FROM sync_runs WHERE id = $1", [parsed.runId]);
    const status = existing.rows[0]?.status;
    if (status === undefined) throw new NotFoundError(`sync run ${parsed.runId} not found for tenant ${parsed.tenantId}`);
    throw new ValidationError(`sync run ${parsed.runId} already finished as ${status}`);
  });
}

export async function getRun(ctx: StoreContext, input: z.input<typeof RunRefSchema>): Promise<SyncRun> {
  const parsed = parseInput(RunRefSchema, input, "getRun input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM sync_runs WHERE id = $1`, [parsed.runId]);
    const row = rows[0];
    if (!row) throw new NotFoundError(`sync run ${parsed.runId} not found for tenant ${parsed.tenantId}`);
    return toRun(row);
  });
}

/** Newest first. */
export async function listRuns(ctx: StoreContext, input: z.input<typeof ListRunsSchema>): Promise<SyncRun[]> {
  const parsed = parseInput(ListRunsSchema, input, "listRuns input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed);
    const { rows } = await tx.query<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM sync_runs WHERE connection_id = $1 ORDER BY start_seq DESC LIMIT $2`,
      [parsed.connectionId, parsed.limit],
    );
    return rows.map(toRun);
  });
}

/**
 * Records a webhook delivery's event id; true the first time, false for a redelivery. Prefer passing
 * `webhookEventId` to commitPage, which does this in the same transaction as the records.
 */
export async function recordWebhookEvent(
  ctx: StoreContext,
  input: z.input<typeof WebhookEventSchema>,
): Promise<boolean> {
  const parsed = parseInput(WebhookEventSchema, input, "recordWebhookEvent input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed);
    const { rows } = await tx.query(
      `INSERT INTO webhook_events (tenant_id, connection_id, event_id) VALUES ($1, $2, $3)
       ON CONFLICT (connection_id, event_id) DO NOTHING RETURNING 1`,
      [parsed.tenantId, parsed.connectionId, parsed.eventId],
    );
    return rows.length === 1;
  });
}

/**
 * Full-refresh sweep: every record of the connection that the given run did not see becomes a tombstone.
 * Only after a COMPLETE full refresh: the run must be a full-refresh run of this connection with status
 * "succeeded"; anything else throws and changes nothing. Records written after the run started (by later runs or
 * webhooks) count as seen. Documents of swept activities are deleted with them.
 */
export async function markUnseenAsDeleted(
  ctx: StoreContext,
  input: z.input<typeof MarkUnseenSchema>,
): Promise<{ deleted: number }> {
  const parsed = parseInput(MarkUnseenSchema, input, "markUnseenAsDeleted input");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed, "FOR NO KEY UPDATE");
    const { rows } = await tx.query<{ status: string; full_refresh: boolean }>(
      "SELECT status, full_refresh FROM sync_runs WHERE id = $1 AND connection_id = $2",
      [parsed.runId, parsed.connectionId],
    );
    const run = rows[0];
    if (!run) throw new NotFoundError(`sync run ${parsed.runId} not found for connection ${parsed.connectionId}`);
    if (!run.full_refresh) {
      throw new ValidationError(`sync run ${parsed.runId} was not a full refresh; unseen records cannot be inferred`);
    }
    if (run.status !== "succeeded") {
      throw new ValidationError(
        `sync run ${parsed.runId} is ${run.status}; only a succeeded full refresh may mark unseen records as deleted`,
      );
    }
    const swept = await tx.query<{ kind: string; external_id: string }>(
      `UPDATE records
       SET is_deleted = true, deleted_at = now(), updated_at = now()
       WHERE connection_id = $1 AND NOT is_deleted
         AND last_seen_seq < (SELECT start_seq FROM sync_runs WHERE id = $2)
         AND ($3::text[] IS NULL OR kind = ANY($3::text[]))
       RETURNING kind, external_id`,
      [parsed.connectionId, parsed.runId, parsed.kinds ?? null],
    );
    const activities = swept.rows.filter((row) => row.kind === "activity").map((row) => row.external_id);
    if (activities.length > 0) {
      await tx.query("DELETE FROM documents WHERE connection_id = $1 AND activity_external_id = ANY($2::text[])", [
        parsed.connectionId,
        activities,
      ]);
    }
    if (swept.rows.length > 0) {
      await tx.query("UPDATE sync_runs SET deleted_count = deleted_count + $2 WHERE id = $1", [
        parsed.runId,
        swept.rows.length,
      ]);
    }
    return { deleted: swept.rows.length };
  });
}

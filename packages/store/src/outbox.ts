/**
 * The writeback outbox: canonical changes queued for a connection's source, claimed in batches, settled per record.
 * The state machine and why it survives a kill -9 at any point are in migrations/0007_writeback_outbox.ts. The store
 * only records; the caller (the worker) decides batch sizes, leases, backoff and when a failure is final.
 */
import { randomUUID } from "node:crypto";
import { CanonicalRecordSchema, NotFoundError, redactString } from "@gtm-clarity/core";
import type { z } from "zod";
import type { StoreContext } from "./context.js";
import type { SqlExecutor } from "./driver.js";
import {
  ClaimWritebackSchema,
  type ClaimedBatch,
  EnqueueWritebackSchema,
  ListWritebackSchema,
  MAX_OUTBOX_ERROR,
  type OutboxCounts,
  type OutboxEntry,
  type OutboxStatus,
  SettleWritebackSchema,
  type SettleResult,
  WritebackCountsSchema,
} from "./outbox-schemas.js";
import { parseInput } from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";

export interface Outbox {
  /**
   * Queues one change; with `changeId`, enqueueing the same change again returns the row already queued. `record`
   * is outside data (a file, an API body): it is checked here as a canonical record, and refused with a
   * ValidationError listing the issues.
   */
  enqueue(input: EnqueueWritebackInput): Promise<OutboxEntry>;
  /**
   * Marks up to `limit` due changes of the connection `sent` under a new attempt id and a lease, oldest first, and
   * returns them. Due: queued and past their backoff, or sent under a lease that ran out. Never two changes of one
   * record in a batch, nor a change while an earlier one to its record is open.
   */
  claim(input: z.input<typeof ClaimWritebackSchema>): Promise<ClaimedBatch>;
  /** Records what the source said about each claimed change; only rows still held by `attemptId` change. */
  settle(input: z.input<typeof SettleWritebackSchema>): Promise<SettleResult>;
  /** Oldest first; one connection or all of the tenant's, optionally one status. */
  list(input: z.input<typeof ListWritebackSchema>): Promise<OutboxEntry[]>;
  counts(input: z.input<typeof WritebackCountsSchema>): Promise<OutboxCounts>;
  /**
   * How many changes a claim without a limit would take now: what is worth starting a drain for.
   * Changes waiting out a backoff or held under a live lease are open but not due.
   */
  due(input: z.input<typeof WritebackCountsSchema>): Promise<number>;
}

const COLUMNS =
  "id, seq, tenant_id, connection_id, kind, external_id, record, status, attempts, attempt_id, lease_expires_at, " +
  "next_attempt_at, error, sent_at, settled_at, created_at, updated_at";

interface OutboxRow {
  id: string;
  seq: string | number;
  tenant_id: string;
  connection_id: string;
  kind: string;
  external_id: string;
  record: unknown;
  status: OutboxStatus;
  attempts: number;
  attempt_id: string | null;
  lease_expires_at: Date | null;
  next_attempt_at: Date;
  error: string | null;
  sent_at: Date | null;
  settled_at: Date | null;
  created_at: Date;
  updated_at: Date;
  [column: string]: unknown;
}

function toEntry(row: OutboxRow): OutboxEntry {
  // Stored as the validated record's JSON; parsing again restores its Dates (and catches a hand-edited row).
  const record = CanonicalRecordSchema.parse(row.record);
  return {
    id: row.id,
    tenantId: row.tenant_id,
    connectionId: row.connection_id,
    seq: Number(row.seq),
    kind: record.kind,
    externalId: row.external_id,
    record,
    status: row.status,
    attempts: row.attempts,
    attemptId: row.attempt_id,
    leaseExpiresAt: row.lease_expires_at,
    nextAttemptAt: row.next_attempt_at,
    error: row.error,
    sentAt: row.sent_at,
    settledAt: row.settled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A vendor's reason, bounded and with anything credential-shaped masked, fit for a text column. */
function reason(error: string): string {
  const clean = redactString(error).replaceAll("\u0000", "");
  return clean.length > MAX_OUTBOX_ERROR ? `${clean.slice(0, MAX_OUTBOX_ERROR - 1)}…` : clean;
}

async function requireConnection(tx: SqlExecutor, tenantId: string, connectionId: string): Promise<void> {
  const { rows } = await tx.query("SELECT 1 FROM connections WHERE id = $1", [connectionId]);
  if (rows.length === 0) throw new NotFoundError(`connection ${connectionId} not found for tenant ${tenantId}`);
}

export type EnqueueWritebackInput = Omit<z.input<typeof EnqueueWritebackSchema>, "record"> & { record: unknown };

async function enqueue(ctx: StoreContext, input: EnqueueWritebackInput): Promise<OutboxEntry> {
  const parsed = parseInput(EnqueueWritebackSchema, input, "writeback change");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed.tenantId, parsed.connectionId);
    const id = parsed.changeId ?? randomUUID();
    const inserted = await tx.query<OutboxRow>(
      `INSERT INTO writeback_outbox (id, tenant_id, connection_id, kind, external_id, record)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [id, parsed.tenantId, parsed.connectionId, parsed.record.kind, parsed.record.externalId, JSON.stringify(parsed.record)],
    );
    const row =
      inserted.rows[0] ??
      (await tx.query<OutboxRow>(`SELECT ${COLUMNS} FROM writeback_outbox WHERE id = $1 AND connection_id = $2`, [id, parsed.connectionId]))
        .rows[0];
    // The id exists but belongs to another connection (or tenant: row-level security hides it).
    if (!row) throw new NotFoundError(`change ${id} already exists elsewhere; use a new changeId`);
    return toEntry(row);
  });
}

/**
 * The changes of connection $1 that a claim would take now (`o`): queued and past their backoff, or sent under a lease
 * that ran out, and not behind an open earlier change to the same record.
 */
const DUE = `o.connection_id = $1 AND o.status IN ('queued', 'sent')
  AND CASE o.status WHEN 'queued' THEN o.next_attempt_at <= now() ELSE o.lease_expires_at <= now() END
  AND NOT EXISTS (
    SELECT 1 FROM writeback_outbox e
    WHERE e.connection_id = o.connection_id AND e.kind = o.kind AND e.external_id = o.external_id
      AND e.status IN ('queued', 'sent') AND e.seq < o.seq)`;

async function claim(ctx: StoreContext, input: z.input<typeof ClaimWritebackSchema>): Promise<ClaimedBatch> {
  const parsed = parseInput(ClaimWritebackSchema, input, "writeback claim");
  const attemptId = randomUUID();
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed.tenantId, parsed.connectionId);
    const { rows } = await tx.query<OutboxRow>(
      `WITH due AS (
         SELECT o.id FROM writeback_outbox o
         WHERE ${DUE}
         ORDER BY o.seq
         LIMIT $2
         FOR UPDATE OF o SKIP LOCKED
       )
       UPDATE writeback_outbox AS w
       SET status = 'sent', attempt_id = $3, attempts = w.attempts + 1, sent_at = now(),
           lease_expires_at = now() + $4 * interval '1 millisecond', updated_at = now()
       FROM due WHERE w.id = due.id
       RETURNING ${COLUMNS.split(", ").map((c) => `w.${c}`).join(", ")}`,
      [parsed.connectionId, parsed.limit, attemptId, parsed.leaseMs],
    );
    const entries = rows.map(toEntry).sort((a, b) => a.seq - b.seq);
    return { attemptId: entries.length > 0 ? attemptId : null, entries };
  });
}

async function settle(ctx: StoreContext, input: z.input<typeof SettleWritebackSchema>): Promise<SettleResult> {
  const parsed = parseInput(SettleWritebackSchema, input, "writeback outcomes");
  const result: SettleResult = { confirmed: 0, retried: 0, failed: 0, released: 0, stale: 0 };
  if (parsed.outcomes.length === 0) return result;
  const ids: string[] = [];
  const statuses: string[] = [];
  const errors: (string | null)[] = [];
  const delays: number[] = [];
  const refunds: boolean[] = [];
  for (const outcome of parsed.outcomes) {
    ids.push(outcome.id);
    statuses.push(outcome.outcome === "confirmed" ? "confirmed" : outcome.outcome === "failed" ? "failed" : "queued");
    errors.push(outcome.outcome === "confirmed" ? null : reason(outcome.error));
    delays.push(outcome.outcome === "retry" || outcome.outcome === "release" ? outcome.delayMs : 0);
    refunds.push(outcome.outcome === "release");
  }
  const { rows } = await withTenantTransaction(ctx.driver, parsed.tenantId, (tx) =>
    tx.query<{ id: string }>(
      `UPDATE writeback_outbox AS w
       SET status = r.status,
           error = r.error,
           attempts = CASE WHEN r.refund THEN greatest(w.attempts - 1, 0) ELSE w.attempts END,
           attempt_id = NULL,
           lease_expires_at = NULL,
           next_attempt_at = CASE WHEN r.status = 'queued' THEN now() + r.delay * interval '1 millisecond' ELSE w.next_attempt_at END,
           settled_at = CASE WHEN r.status = 'queued' THEN NULL ELSE now() END,
           updated_at = now()
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::boolean[]) AS r(id, status, error, delay, refund)
       WHERE w.id = r.id AND w.connection_id = $1 AND w.status = 'sent' AND w.attempt_id = $2
       RETURNING w.id`,
      [parsed.connectionId, parsed.attemptId, ids, statuses, errors, delays, refunds],
    ),
  );
  const settled = new Set(rows.map((row) => row.id));
  for (const outcome of parsed.outcomes) {
    if (!settled.has(outcome.id)) result.stale += 1;
    else if (outcome.outcome === "confirmed") result.confirmed += 1;
    else if (outcome.outcome === "failed") result.failed += 1;
    else if (outcome.outcome === "retry") result.retried += 1;
    else result.released += 1;
  }
  return result;
}

async function list(ctx: StoreContext, input: z.input<typeof ListWritebackSchema>): Promise<OutboxEntry[]> {
  const parsed = parseInput(ListWritebackSchema, input, "writeback list");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<OutboxRow>(
      `SELECT ${COLUMNS} FROM writeback_outbox
       WHERE ($1::uuid IS NULL OR connection_id = $1) AND ($2::text IS NULL OR status = $2)
       ORDER BY seq LIMIT $3`,
      [parsed.connectionId ?? null, parsed.status ?? null, parsed.limit],
    );
    return rows.map(toEntry);
  });
}

async function counts(ctx: StoreContext, input: z.input<typeof WritebackCountsSchema>): Promise<OutboxCounts> {
  const parsed = parseInput(WritebackCountsSchema, input, "writeback counts");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed.tenantId, parsed.connectionId);
    const { rows } = await tx.query<{ status: OutboxStatus; n: number }>(
      "SELECT status, count(*)::int AS n FROM writeback_outbox WHERE connection_id = $1 GROUP BY status",
      [parsed.connectionId],
    );
    const result: OutboxCounts = { queued: 0, sent: 0, confirmed: 0, failed: 0 };
    for (const row of rows) result[row.status] = row.n;
    return result;
  });
}

async function due(ctx: StoreContext, input: z.input<typeof WritebackCountsSchema>): Promise<number> {
  const parsed = parseInput(WritebackCountsSchema, input, "writeback due");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    await requireConnection(tx, parsed.tenantId, parsed.connectionId);
    const { rows } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM writeback_outbox o WHERE ${DUE}`, [parsed.connectionId]);
    return rows[0]?.n ?? 0;
  });
}

export function createOutbox(ctx: StoreContext): Outbox {
  return {
    enqueue: (input) => enqueue(ctx, input),
    claim: (input) => claim(ctx, input),
    settle: (input) => settle(ctx, input),
    list: (input) => list(ctx, input),
    counts: (input) => counts(ctx, input),
    due: (input) => due(ctx, input),
  };
}

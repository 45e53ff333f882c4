/**
 * Vendor rate budgets in the database (migrations/0008_vendor_budgets.ts): a sliding window of admitted requests per
 * (tenant, budget key), shared by every process on the database. The caller (the worker's request gate) asks before
 * each request, waits what it is told, and reports when the request is over.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { StoreContext } from "./context.js";
import { parseInput, storableText, TenantIdSchema } from "./schemas.js";
import { withTenantTransaction } from "./tenancy.js";

const BudgetRefSchema = z.object({ tenantId: TenantIdSchema, key: storableText(500).min(1) });

export const AcquireBudgetSchema = BudgetRefSchema.extend({
  /** Requests the vendor allows per window. */
  limit: z.number().int().min(1).max(1_000_000),
  windowMs: z.number().int().min(1).max(7 * 24 * 3_600_000),
  /** The longest a request may take: a slot never reported over is held this long plus the window. */
  maxRequestMs: z.number().int().min(0).max(24 * 3_600_000),
});

export const ReleaseBudgetSchema = BudgetRefSchema.extend({
  slotId: z.guid(),
  windowMs: z.number().int().min(1).max(7 * 24 * 3_600_000),
});

export type BudgetAdmission = { granted: true; slotId: string } | { granted: false; waitMs: number };

export interface VendorBudgets {
  /** Admits one request now if the budget has room (and holds its slot), else says how long until it may. */
  acquire(input: z.input<typeof AcquireBudgetSchema>): Promise<BudgetAdmission>;
  /** The request is over: its slot is held for one window from now, then frees. */
  release(input: z.input<typeof ReleaseBudgetSchema>): Promise<void>;
  /** Slots currently counting against the budget (for reports and tests). */
  inUse(input: z.input<typeof BudgetRefSchema>): Promise<number>;
}

async function acquire(ctx: StoreContext, input: z.input<typeof AcquireBudgetSchema>): Promise<BudgetAdmission> {
  const parsed = parseInput(AcquireBudgetSchema, input, "budget acquire");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const ref = [parsed.tenantId, parsed.key];
    await tx.query("INSERT INTO vendor_budgets (tenant_id, budget_key) VALUES ($1, $2) ON CONFLICT DO NOTHING", ref);
    // The budget's row is the mutex: acquirers of one budget are admitted one at a time, in every process.
    await tx.query("SELECT 1 FROM vendor_budgets WHERE tenant_id = $1 AND budget_key = $2 FOR UPDATE", ref);
    await tx.query("DELETE FROM vendor_budget_slots WHERE tenant_id = $1 AND budget_key = $2 AND held_until <= clock_timestamp()", ref);
    const { rows } = await tx.query<{ used: number; wait_ms: number | null }>(
      `SELECT count(*)::int AS used,
              ceil(extract(epoch FROM min(held_until) - clock_timestamp()) * 1000)::float8 AS wait_ms
       FROM vendor_budget_slots WHERE tenant_id = $1 AND budget_key = $2`,
      ref,
    );
    const used = rows[0]?.used ?? 0;
    if (used >= parsed.limit) return { granted: false, waitMs: Math.max(1, rows[0]?.wait_ms ?? 1) };
    const slotId = randomUUID();
    await tx.query(
      `INSERT INTO vendor_budget_slots (id, tenant_id, budget_key, started_at, held_until)
       VALUES ($1, $2, $3, clock_timestamp(), clock_timestamp() + $4 * interval '1 millisecond')`,
      [slotId, parsed.tenantId, parsed.key, parsed.maxRequestMs + parsed.windowMs],
    );
    return { granted: true, slotId };
  });
}

async function release(ctx: StoreContext, input: z.input<typeof ReleaseBudgetSchema>): Promise<void> {
  const parsed = parseInput(ReleaseBudgetSchema, input, "budget release");
  await withTenantTransaction(ctx.driver, parsed.tenantId, (tx) =>
    tx.query(
      `UPDATE vendor_budget_slots SET held_until = least(held_until, clock_timestamp() + $4 * interval '1 millisecond')
       WHERE id = $1 AND tenant_id = $2 AND budget_key = $3`,
      [parsed.slotId, parsed.tenantId, parsed.key, parsed.windowMs],
    ),
  );
}

async function inUse(ctx: StoreContext, input: z.input<typeof BudgetRefSchema>): Promise<number> {
  const parsed = parseInput(BudgetRefSchema, input, "budget reference");
  return withTenantTransaction(ctx.driver, parsed.tenantId, async (tx) => {
    const { rows } = await tx.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM vendor_budget_slots WHERE tenant_id = $1 AND budget_key = $2 AND held_until > clock_timestamp()",
      [parsed.tenantId, parsed.key],
    );
    return rows[0]?.n ?? 0;
  });
}

export function createVendorBudgets(ctx: StoreContext): VendorBudgets {
  return {
    acquire: (input) => acquire(ctx, input),
    release: (input) => release(ctx, input),
    inUse: (input) => inUse(ctx, input),
  };
}

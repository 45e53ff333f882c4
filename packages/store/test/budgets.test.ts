import { isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { engines, reportSkip, uniqueTenant, useStore } from "./helpers.js";

describe.each(engines)("vendor budgets on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("admits up to the limit, then says how long until the oldest slot frees", async () => {
    const tenantId = uniqueTenant();
    await h.store.createTenant({ tenantId });
    const budget = { tenantId, key: "salesforce:org:00D000000000001", limit: 3, windowMs: 60_000, maxRequestMs: 10_000 };
    const admitted = [];
    for (let i = 0; i < 3; i += 1) admitted.push(await h.store.budgets.acquire(budget));
    expect(admitted.every((a) => a.granted)).toBe(true);
    const refused = await h.store.budgets.acquire(budget);
    expect(refused.granted).toBe(false);
    // Never released: held for the longest request plus the window.
    if (!refused.granted) expect(refused.waitMs).toBeGreaterThan(60_000);
    // Released: held one window from its end.
    const first = admitted[0];
    if (first?.granted) await h.store.budgets.release({ tenantId, key: budget.key, slotId: first.slotId, windowMs: 60_000 });
    const after = await h.store.budgets.acquire(budget);
    if (!after.granted) expect(after.waitMs).toBeLessThanOrEqual(60_000);
    expect(await h.store.budgets.inUse({ tenantId, key: budget.key })).toBe(3);
  });

  it("frees slots when their window has passed, and keeps tenants apart", async () => {
    const tenantId = uniqueTenant();
    const other = uniqueTenant();
    await h.store.createTenant({ tenantId });
    await h.store.createTenant({ tenantId: other });
    const budget = { key: "shared-name", limit: 1, windowMs: 5_000, maxRequestMs: 0 };
    const a = await h.store.budgets.acquire({ tenantId, ...budget });
    expect(a.granted).toBe(true);
    // Another tenant's budget of the same name is its own.
    expect((await h.store.budgets.acquire({ tenantId: other, ...budget })).granted).toBe(true);
    expect((await h.store.budgets.acquire({ tenantId, ...budget })).granted).toBe(false);
    // The slot is held one window (no request time allowed) from when it was admitted; the two clock readings of
    // the insert may be a few microseconds apart.
    const slot = "FROM vendor_budget_slots WHERE tenant_id = $1 AND budget_key = $2";
    const held = await h.driver.query<{ ms: number }>(`SELECT (extract(epoch FROM held_until - started_at) * 1000)::float8 AS ms ${slot}`, [tenantId, budget.key]);
    expect(held.rows).toHaveLength(1);
    expect(held.rows[0]?.ms).toBeGreaterThanOrEqual(5_000);
    expect(held.rows[0]?.ms).toBeLessThan(5_050);
    // Let the window pass without waiting for it: move the slot (owner connection) to one that began 5.1 s ago.
    await h.driver.query(
      `UPDATE vendor_budget_slots SET started_at = started_at - interval '5100 milliseconds', held_until = held_until - interval '5100 milliseconds' WHERE tenant_id = $1 AND budget_key = $2`,
      [tenantId, budget.key],
    );
    expect((await h.store.budgets.acquire({ tenantId, ...budget })).granted).toBe(true);
    const seen = await h.store.withTenant(other, async (tx) => (await tx.query("SELECT budget_key FROM vendor_budget_slots WHERE tenant_id = $1", [tenantId])).rows);
    expect(seen).toEqual([]);
  });

  it("admits concurrent acquirers one at a time: never more than the limit", async () => {
    const tenantId = uniqueTenant();
    await h.store.createTenant({ tenantId });
    const budget = { tenantId, key: "k", limit: 5, windowMs: 60_000, maxRequestMs: 0 };
    const results = await Promise.all(Array.from({ length: 12 }, () => h.store.budgets.acquire(budget)));
    expect(results.filter((r) => r.granted)).toHaveLength(5);
  });

  it("refuses a malformed budget with a ValidationError", async () => {
    await expect(h.store.budgets.acquire({ tenantId: "t", key: "", limit: 0, windowMs: 1, maxRequestMs: 0 })).rejects.toSatisfy(isValidationError);
  });
});

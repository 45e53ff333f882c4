import { isNotFoundError, isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { engines, person, reportSkip, setupConnection, uniqueTenant, useStore } from "./helpers.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(engines)("writeback outbox on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("queues validated changes, claims them as sent under one attempt, and confirms or fails each", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const a = await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p1", { email: " P1@Example.COM " }) });
    expect(a).toMatchObject({ status: "queued", attempts: 0, kind: "person", externalId: "p1", attemptId: null });
    expect(a.record).toMatchObject({ kind: "person", email: "p1@example.com" });
    const b = await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p2") });
    await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p3") });

    const batch = await h.store.outbox.claim({ tenantId, connectionId, limit: 2, leaseMs: 60_000 });
    expect(batch.entries.map((e) => e.externalId)).toEqual(["p1", "p2"]);
    expect(batch.entries.every((e) => e.status === "sent" && e.attempts === 1 && e.attemptId === batch.attemptId)).toBe(true);
    // Held rows are not claimed again while the lease lasts.
    const second = await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 60_000 });
    expect(second.entries.map((e) => e.externalId)).toEqual(["p3"]);

    const settled = await h.store.outbox.settle({
      tenantId,
      connectionId,
      attemptId: batch.attemptId ?? "",
      outcomes: [
        { id: a.id, outcome: "confirmed" },
        { id: b.id, outcome: "failed", error: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Email is invalid" },
      ],
    });
    expect(settled).toEqual({ confirmed: 1, retried: 0, failed: 1, released: 0, stale: 0 });
    expect(await h.store.outbox.counts({ tenantId, connectionId })).toEqual({ queued: 0, sent: 1, confirmed: 1, failed: 1 });
    const [failed] = await h.store.outbox.list({ tenantId, status: "failed" });
    expect(failed).toMatchObject({ externalId: "p2", error: "FIELD_CUSTOM_VALIDATION_EXCEPTION: Email is invalid" });
    expect(failed?.settledAt).toBeInstanceOf(Date);
  });

  it("refuses an invalid change with a typed error and queues nothing", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    await expect(
      h.store.outbox.enqueue({ tenantId, connectionId, record: { kind: "person", externalId: "", email: "nope" } }),
    ).rejects.toSatisfy(isValidationError);
    await expect(
      h.store.outbox.enqueue({ tenantId, connectionId, record: { kind: "activity", externalId: "a1" } }),
    ).rejects.toSatisfy(isValidationError);
    expect(await h.store.outbox.list({ tenantId })).toEqual([]);
  });

  it("is idempotent per changeId and scoped to the tenant", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const changeId = "11111111-2222-4333-8444-555555555555";
    const first = await h.store.outbox.enqueue({ tenantId, connectionId, changeId, record: person("p1") });
    const again = await h.store.outbox.enqueue({ tenantId, connectionId, changeId, record: person("p1", { title: "CEO" }) });
    expect(again.id).toBe(first.id);
    expect(again.record).not.toHaveProperty("title");

    const other = uniqueTenant();
    await h.store.createTenant({ tenantId: other });
    await expect(h.store.outbox.enqueue({ tenantId: other, connectionId, record: person("x") })).rejects.toSatisfy(isNotFoundError);
    await expect(h.store.outbox.claim({ tenantId: other, connectionId, limit: 10, leaseMs: 0 })).rejects.toSatisfy(isNotFoundError);
    expect(await h.store.outbox.list({ tenantId: other })).toEqual([]);
    // Row-level security: the raw table, read as another tenant, shows nothing.
    const seen = await h.store.withTenant(other, async (tx) => (await tx.query("SELECT id FROM writeback_outbox")).rows);
    expect(seen).toEqual([]);
  });

  it("pushes changes to one record in order, one per batch, and never past an open earlier one", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const v1 = await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p1", { title: "v1" }) });
    await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p1", { title: "v2" }) });
    await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p2") });
    // Due: what a claim would take now; v2 waits behind v1.
    expect(await h.store.outbox.due({ tenantId, connectionId })).toBe(2);
    const first = await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 60_000 });
    expect(await h.store.outbox.due({ tenantId, connectionId })).toBe(0);
    expect(first.entries.map((e) => [e.externalId, e.record.kind === "person" ? (e.record.title ?? null) : null])).toEqual([
      ["p1", "v1"],
      ["p2", null],
    ]);
    // v1 goes back for a retry later: v2 must wait behind it.
    await h.store.outbox.settle({
      tenantId,
      connectionId,
      attemptId: first.attemptId ?? "",
      outcomes: [{ id: v1.id, outcome: "retry", error: "UNABLE_TO_LOCK_ROW", delayMs: 60_000 }],
    });
    expect(await h.store.outbox.due({ tenantId, connectionId })).toBe(0);
    expect((await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 60_000 })).entries).toEqual([]);
    const [queued] = await h.store.outbox.list({ tenantId, connectionId, status: "queued" });
    expect(queued).toMatchObject({ id: v1.id, attempts: 1, error: "UNABLE_TO_LOCK_ROW" });
    expect(queued?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it("re-claims sent rows once their lease runs out, and ignores the outcome of the attempt that lost them", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const change = await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p1") });
    const lost = await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 1 });
    await sleep(20);
    expect(await h.store.outbox.due({ tenantId, connectionId })).toBe(1);
    const retaken = await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 60_000 });
    expect(retaken.entries.map((e) => [e.id, e.attempts])).toEqual([[change.id, 2]]);
    expect(retaken.attemptId).not.toBe(lost.attemptId);
    const stale = await h.store.outbox.settle({
      tenantId,
      connectionId,
      attemptId: lost.attemptId ?? "",
      outcomes: [{ id: change.id, outcome: "failed", error: "late" }],
    });
    expect(stale.stale).toBe(1);
    await h.store.outbox.settle({ tenantId, connectionId, attemptId: retaken.attemptId ?? "", outcomes: [{ id: change.id, outcome: "confirmed" }] });
    expect((await h.store.outbox.list({ tenantId, connectionId }))[0]).toMatchObject({ status: "confirmed", error: null, attempts: 2 });
  });

  it("a release puts a row back without counting the attempt; reasons are bounded and redacted", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const change = await h.store.outbox.enqueue({ tenantId, connectionId, record: person("p1") });
    const batch = await h.store.outbox.claim({ tenantId, connectionId, limit: 10, leaseMs: 60_000 });
    await h.store.outbox.settle({
      tenantId,
      connectionId,
      attemptId: batch.attemptId ?? "",
      outcomes: [{ id: change.id, outcome: "release", error: `401 Bearer abcdefghijklmnopqrstuvwxyz0123456789 ${"x".repeat(5000)}`, delayMs: 0 }],
    });
    const [row] = await h.store.outbox.list({ tenantId, connectionId });
    expect(row).toMatchObject({ status: "queued", attempts: 0 });
    expect(row?.error?.length).toBeLessThanOrEqual(2000);
    expect(row?.error).not.toContain("abcdefghijklmnopqrstuvwxyz0123456789");
  });

  it("two concurrent claims never take the same row", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    for (let i = 0; i < 30; i += 1) await h.store.outbox.enqueue({ tenantId, connectionId, record: person(`p${i}`) });
    const [x, y] = await Promise.all([
      h.store.outbox.claim({ tenantId, connectionId, limit: 20, leaseMs: 60_000 }),
      h.store.outbox.claim({ tenantId, connectionId, limit: 20, leaseMs: 60_000 }),
    ]);
    const ids = [...(x?.entries ?? []), ...(y?.entries ?? [])].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(30);
  });
});

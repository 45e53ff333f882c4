/**
 * The durable paging loop guard in commitPage: every cursor a run commits is remembered, so a vendor answering
 * A -> B -> A is stopped on the page that returns A, whichever process or retry commits it.
 */
import { isPagingLoopError, pagingCursorHash, type PagingLoopError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { activity, engines, reportSkip, setupConnection, useStore } from "./helpers.js";

describe.each(engines)("paging loop guard on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  async function page(ref: { tenantId: string; connectionId: string }, runId: string, cursor: string | null, hasMore: boolean, id = "a1") {
    return h.store.commitPage({ ...ref, runId, records: [activity(`${id}-${cursor ?? "end"}`)], cursor, hasMore });
  }

  async function rejection(promise: Promise<unknown>): Promise<PagingLoopError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPagingLoopError(error)).toBe(true);
    return error as PagingLoopError;
  }

  it("A -> B -> A: the page returning A fails with a PagingLoopError naming the connector, and commits nothing", async () => {
    const ref = await setupConnection(h.store);
    const run = await h.store.startRun(ref);
    await page(ref, run.id, "A", true);
    await page(ref, run.id, "B", true);
    const error = await rejection(page(ref, run.id, "A", true, "loop"));
    expect(error).toMatchObject({ connectorId: "test-connector", retryable: false, details: { page: 3, firstSeenPage: 1 } });
    expect(error.message).toMatch(/connector "test-connector" is paging in a loop: page 3 .* cursor of page 1/);
    expect(await h.store.getCursor(ref)).toBe("B");
    expect(await h.store.getRecord({ ...ref, kind: "activity", externalId: "loop-A" })).toBeNull();
    expect(await h.store.getRun({ tenantId: ref.tenantId, runId: run.id })).toMatchObject({ pages: 2, status: "running" });
  });

  it("returning to the cursor the run started from is a loop too (stored A, then B, then A)", async () => {
    const ref = await setupConnection(h.store);
    await h.store.setCursor({ ...ref, cursor: "A" });
    const run = await h.store.startRun(ref);
    await page(ref, run.id, "B", true);
    const error = await rejection(page(ref, run.id, "A", true));
    expect(error.message).toMatch(/page 2 .* the cursor the run started from/);
    // And a first page that does not move the cursor at all (null -> null, the old single-step check).
    const other = await setupConnection(h.store);
    const fresh = await h.store.startRun(other);
    await rejection(page(other, fresh.id, null, true));
  });

  it("a repeated cursor on a last page is fine, and each run has its own memory (incremental syncs with nothing new)", async () => {
    const ref = await setupConnection(h.store);
    const first = await h.store.startRun(ref);
    await page(ref, first.id, "A", true);
    await page(ref, first.id, "W", false);
    await h.store.finishRun({ tenantId: ref.tenantId, runId: first.id, status: "succeeded" });
    for (let i = 0; i < 2; i += 1) {
      const again = await h.store.startRun(ref);
      await page(ref, again.id, "W", false);
      await h.store.finishRun({ tenantId: ref.tenantId, runId: again.id, status: "succeeded" });
    }
    // A cursor of an earlier run is not a loop in a later one.
    const later = await h.store.startRun(ref);
    await page(ref, later.id, "A", true);
    expect(await h.store.getCursor(ref)).toBe("A");
  });

  it("remembers hashes only (core's pagingCursorHash), scoped by tenant, and forgets them when the run finishes", async () => {
    const ref = await setupConnection(h.store);
    const run = await h.store.startRun(ref);
    await page(ref, run.id, "A", true);
    await page(ref, run.id, "B", true);
    const rows = await h.store.withTenant(ref.tenantId, async (tx) =>
      (await tx.query<{ cursor_hash: string; page: number }>(
        "SELECT cursor_hash, page FROM sync_run_cursors WHERE run_id = $1 ORDER BY page",
        [run.id],
      )).rows,
    );
    expect(rows).toEqual([
      { cursor_hash: pagingCursorHash(null), page: 0 },
      { cursor_hash: pagingCursorHash("A"), page: 1 },
      { cursor_hash: pagingCursorHash("B"), page: 2 },
    ]);
    const other = await setupConnection(h.store);
    const visible = await h.store.withTenant(other.tenantId, async (tx) =>
      (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_run_cursors WHERE run_id = $1", [run.id])).rows[0]?.n,
    );
    expect(visible).toBe(0);
    await h.store.finishRun({ tenantId: ref.tenantId, runId: run.id, status: "succeeded" });
    const left = await h.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM sync_run_cursors WHERE run_id = $1", [run.id]);
    expect(left.rows[0]?.n).toBe(0);
  });

  it("commits without hasMore, or outside a run, are not guarded (webhooks, older callers)", async () => {
    const ref = await setupConnection(h.store);
    const run = await h.store.startRun(ref);
    await h.store.commitPage({ ...ref, runId: run.id, records: [], cursor: "A" });
    await h.store.commitPage({ ...ref, runId: run.id, records: [], cursor: "A" });
    await h.store.commitPage({ ...ref, records: [activity("w1")], cursor: "A", hasMore: true });
    expect(await h.store.getRun({ tenantId: ref.tenantId, runId: run.id })).toMatchObject({ pages: 2 });
  });
});

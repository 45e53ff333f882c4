/**
 * Paging loops, end to end through the in-process runner and a real store: a vendor answering A -> B -> A is stopped
 * on the third page with a non-retryable PagingLoopError naming the connector; a run past the page cap too; the
 * connection stays usable; legitimate repeats (an incremental sync with nothing new) are fine.
 */
import { randomUUID } from "node:crypto";
import type { CanonicalRecord, Connector, Credentials, SyncOptions, SyncResult } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { MockActivityEnvironment } from "@temporalio/testing";
import { ApplicationFailure } from "@temporalio/common";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyError } from "../../src/activities/errors.js";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import type { SyncActivities, SyncPageInput, SyncPageResult } from "../../src/activities/types.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { lookup, memoryStore, page, scriptedConnection } from "../support/fixtures.js";

/** A connector that answers with `next(cursor)` forever (capped, so a missing guard ends the test, not the machine). */
class CursorConnector implements Connector<CanonicalRecord> {
  readonly name = "Cursor test";
  readonly version = "1.0.0";
  readonly calls: (string | null)[] = [];
  constructor(
    readonly id: string,
    private readonly next: (cursor: string | null, call: number) => { cursor: string | null; hasMore: boolean },
    private readonly cap = 60,
  ) {}
  async authenticate() {
    return { credentials: { token: "t" } };
  }
  async sync(_credentials: Credentials, cursor: string | null, _options?: SyncOptions): Promise<SyncResult<CanonicalRecord>> {
    this.calls.push(cursor);
    const answer = this.next(cursor, this.calls.length);
    // The same 9 "meetings" on every page, as in the incident.
    const ids = Array.from({ length: 9 }, (_, i) => `m${i}`);
    return page(answer.cursor, answer.hasMore && this.calls.length < this.cap, ids);
  }
  getSchema() {
    return [];
  }
  async healthCheck() {
    return { healthy: true, lastSync: null };
  }
}

const flip = (cursor: string | null) => ({ cursor: cursor === "A" ? "B" : "A", hasMore: true });

let store: Store;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store.close();
});

async function setup(connector: Connector<CanonicalRecord>, options: { maxPagesPerSync?: number } = {}) {
  const tenantId = `t-loop-${randomUUID().slice(0, 6)}`;
  const connectionId = await scriptedConnection(store, tenantId, connector.id);
  const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector), ...options });
  return { target: { tenantId, connectionId }, activities };
}

describe("paging loop guard in the worker", () => {
  it("A -> B -> A: the run fails after 3 pages with a PagingLoopError naming the connector; the connection stays active", async () => {
    const connector = new CursorConnector("loopy-vendor", flip);
    const { target, activities } = await setup(connector);
    const started = Date.now();
    const result = await runSyncLoop(activities, target, { retry: { initialDelayMs: 5, maxDelayMs: 20 } });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result).toMatchObject({ status: "failed", counters: { pages: 2 }, error: { type: "PagingLoopError", retryable: false } });
    expect(result.error?.blockConnection).toBeUndefined();
    expect(result.error?.message).toMatch(/connector "loopy-vendor" is paging in a loop: page 3/);
    // Three pages committed or refused and no retry of the third; the pages after it were already being fetched
    // ahead (two pages of room) when its commit failed, and were dropped.
    expect(connector.calls).toEqual([null, "A", "B", "A", "B"]);
    const [run] = await store.listRuns(target);
    expect(run).toMatchObject({ status: "failed", pages: 2 });
    expect(run?.error).toMatch(/^PagingLoopError: connector "loopy-vendor"/);
    expect(await store.getCursor(target)).toBe("B"); // the looping page committed nothing
    expect((await store.getConnection(target)).status).toBe("active");
  });

  it("returning to the cursor the run started from counts: stored A, then B, then A fails on page 2", async () => {
    const connector = new CursorConnector("back-to-start", flip);
    const { target, activities } = await setup(connector);
    await store.setCursor({ ...target, cursor: "A" });
    const result = await runSyncLoop(activities, target);
    expect(result).toMatchObject({ status: "failed", counters: { pages: 1 }, error: { type: "PagingLoopError" } });
    expect(result.error?.message).toMatch(/page 2 .* the cursor the run started from/);
    expect(connector.calls).toEqual(["A", "B", "A", "B"]); // the last two: fetched ahead, dropped
  });

  it("a run that never stops asking for more fails at maxPagesPerSync, before fetching past it", async () => {
    const connector = new CursorConnector("endless", (_cursor, call) => ({ cursor: `p${call}`, hasMore: true }));
    const { target, activities } = await setup(connector, { maxPagesPerSync: 3 });
    const result = await runSyncLoop(activities, target);
    expect(result).toMatchObject({ status: "failed", counters: { pages: 3 }, error: { type: "PagingLoopError", retryable: false } });
    expect(result.error?.message).toMatch(/connector "endless" still had more pages after 3/);
    expect(connector.calls).toHaveLength(3);
  });

  it("under Temporal the failure is a non-retryable ApplicationFailure of type PagingLoopError that blocks nothing", async () => {
    const connector = new CursorConnector("temporal-loop", flip);
    const { target, activities } = await setup(connector);
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "schedule" });
    const env = () => new MockActivityEnvironment({}, { logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } });
    const pageOf = (n: number, cursor: string | null) =>
      env().run<[SyncPageInput], SyncPageResult, SyncActivities["syncPage"]>(activities.syncPage, { ...target, runId: run.runId, cursor, page: n, fullSync: false });
    await pageOf(1, null);
    await pageOf(2, "A");
    const failure = await pageOf(3, "B").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: "PagingLoopError", nonRetryable: true });
    expect(classifyError(failure).blockConnection).toBeUndefined();
  });

  it("a repeated cursor across runs is fine: incremental syncs with nothing new end where they started", async () => {
    const connector = new CursorConnector("quiet", (cursor) =>
      cursor === null ? { cursor: "p1", hasMore: true } : cursor === "p1" ? { cursor: "W", hasMore: false } : { cursor: "W", hasMore: false },
    );
    const { target, activities } = await setup(connector);
    expect((await runSyncLoop(activities, target)).status).toBe("succeeded");
    for (let i = 0; i < 3; i += 1) {
      const again = await runSyncLoop(activities, target);
      expect(again).toMatchObject({ status: "succeeded", counters: { pages: 1 }, cursor: "W" });
    }
    expect(connector.calls).toEqual([null, "p1", "W", "W", "W"]);
  });

  it("fullSync starts from scratch even when the stored cursor holds a paging position", async () => {
    const connector = new CursorConnector("resumable", (cursor) =>
      cursor === null ? { cursor: "p1", hasMore: true } : cursor === "p1" ? { cursor: "p2", hasMore: true } : { cursor: "W", hasMore: false },
    );
    const { target, activities } = await setup(connector);
    const stop = new AbortController();
    const stopped = await runSyncLoop(activities, target, {
      stop: stop.signal,
      onPage: () => stop.abort(),
    });
    expect(stopped).toMatchObject({ status: "cancelled", cursor: "p1" });
    expect(await store.getCursor(target)).toBe("p1"); // mid-listing

    const full = await runSyncLoop(activities, target, { fullSync: true });
    expect(full).toMatchObject({ status: "succeeded", counters: { pages: 3 } });
    // The stopped run had fetched p1 and p2 ahead when it stopped; those pages were dropped, not committed.
    expect(connector.calls).toEqual([null, "p1", "p2", null, "p1", "p2"]);
  });
});

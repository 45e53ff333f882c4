import { isNotFoundError, isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { activities, activity, engines, person, reportSkip, setupConnection, useStore } from "./helpers.js";

describe.each(engines)("sync runs and full refresh on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  async function alive(tenantId: string, connectionId: string): Promise<string[]> {
    const records = await h.store.listRecords({ tenantId, connectionId });
    return records.map((record) => record.externalId).sort();
  }

  it("records runs with the connector version, counts and outcome, newest first", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const first = await store.startRun({ tenantId, connectionId });
    expect(first).toMatchObject({ connectorVersion: "1.2.3", status: "running", fullRefresh: false, pages: 0, finishedAt: null });
    await store.commitPage({ tenantId, connectionId, runId: first.id, records: activities(0, 3), cursor: "1" });
    const done = await store.finishRun({ tenantId, runId: first.id, status: "succeeded" });
    expect(done).toMatchObject({ status: "succeeded", pages: 1, created: 3, error: null });
    expect(done.finishedAt).toBeInstanceOf(Date);

    const second = await store.startRun({ tenantId, connectionId, connectorVersion: "1.3.0", fullRefresh: true });
    const failed = await store.finishRun({ tenantId, runId: second.id, status: "failed", error: "rate limited" });
    expect(failed).toMatchObject({ status: "failed", error: "rate limited", connectorVersion: "1.3.0" });
    await expect(store.finishRun({ tenantId, runId: second.id, status: "succeeded" })).rejects.toSatisfy(isValidationError);
    await expect(
      store.finishRun({ tenantId, runId: "00000000-0000-4000-8000-000000000001", status: "succeeded" }),
    ).rejects.toSatisfy(isNotFoundError);

    const runs = await store.listRuns({ tenantId, connectionId });
    expect(runs.map((run) => run.id)).toEqual([second.id, first.id]);
  });

  it("marks records unseen by a COMPLETE full refresh as deleted, and changes nothing after an incomplete one", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const initial = await store.startRun({ tenantId, connectionId, fullRefresh: true });
    await store.commitPage({ tenantId, connectionId, runId: initial.id, records: [...activities(0, 5), person("p1")] });
    await store.finishRun({ tenantId, runId: initial.id, status: "succeeded" });
    expect(await store.markUnseenAsDeleted({ tenantId, connectionId, runId: initial.id })).toEqual({ deleted: 0 });

    // Incomplete: a failed full refresh that saw only a0 must not delete anything.
    const failed = await store.startRun({ tenantId, connectionId, fullRefresh: true });
    await store.commitPage({ tenantId, connectionId, runId: failed.id, records: [activity("a0")] });
    await expect(store.markUnseenAsDeleted({ tenantId, connectionId, runId: failed.id })).rejects.toSatisfy(isValidationError);
    await store.finishRun({ tenantId, runId: failed.id, status: "failed", error: "timeout" });
    await expect(store.markUnseenAsDeleted({ tenantId, connectionId, runId: failed.id })).rejects.toThrow(/is failed/);
    expect(await alive(tenantId, connectionId)).toEqual(["a0", "a1", "a2", "a3", "a4", "p1"]);

    // Complete: a0 unchanged, a1 changed, p1 unchanged; a2..a4 were not seen.
    const complete = await store.startRun({ tenantId, connectionId, fullRefresh: true });
    // A webhook writes w1 while the refresh runs: written after the run started, so it counts as seen.
    await store.commitPage({ tenantId, connectionId, records: [activity("w1")], webhookEventId: "evt-w1" });
    const page = await store.commitPage({
      tenantId,
      connectionId,
      runId: complete.id,
      records: [activity("a0"), activity("a1", { subject: "changed" }), person("p1")],
    });
    expect(page).toMatchObject({ unchanged: 2, updated: 1 });
    await store.finishRun({ tenantId, runId: complete.id, status: "succeeded" });
    expect(await store.markUnseenAsDeleted({ tenantId, connectionId, runId: complete.id })).toEqual({ deleted: 3 });
    expect(await alive(tenantId, connectionId)).toEqual(["a0", "a1", "p1", "w1"]);
    expect((await store.getRun({ tenantId, runId: complete.id })).deleted).toBe(3);
    // Idempotent.
    expect(await store.markUnseenAsDeleted({ tenantId, connectionId, runId: complete.id })).toEqual({ deleted: 0 });

    // A swept record that comes back is live again.
    expect(await store.commitPage({ tenantId, connectionId, records: [activity("a2")] })).toMatchObject({ updated: 1 });
    expect(await alive(tenantId, connectionId)).toContain("a2");
  });

  it("refuses to sweep after an incremental run or a run of another connection", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    const other = await store.createConnection({ tenantId, connectorId: "x", connectorVersion: "1.0.0", credentials: {} });
    await store.commitPage({ tenantId, connectionId, records: activities(0, 3) });
    const incremental = await store.startRun({ tenantId, connectionId });
    await store.finishRun({ tenantId, runId: incremental.id, status: "succeeded" });
    await expect(store.markUnseenAsDeleted({ tenantId, connectionId, runId: incremental.id })).rejects.toThrow(
      /not a full refresh/,
    );
    const otherRun = await store.startRun({ tenantId, connectionId: other.id, fullRefresh: true });
    await store.finishRun({ tenantId, runId: otherRun.id, status: "succeeded" });
    await expect(store.markUnseenAsDeleted({ tenantId, connectionId, runId: otherRun.id })).rejects.toSatisfy(isNotFoundError);
    expect(await alive(tenantId, connectionId)).toEqual(["a0", "a1", "a2"]);
  });

  it("sweeps only the kinds asked for", async () => {
    const { store } = h;
    const { tenantId, connectionId } = await setupConnection(store);
    await store.commitPage({ tenantId, connectionId, records: [activity("a0"), person("p0")] });
    const run = await store.startRun({ tenantId, connectionId, fullRefresh: true });
    await store.finishRun({ tenantId, runId: run.id, status: "succeeded" });
    expect(await store.markUnseenAsDeleted({ tenantId, connectionId, runId: run.id, kinds: ["person"] })).toEqual({
      deleted: 1,
    });
    expect(await alive(tenantId, connectionId)).toEqual(["a0"]);
  });
});

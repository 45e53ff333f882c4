/**
 * Runs that tell the truth (run keys, heartbeats, abandoned runs), run counts and notices, the maintenance role,
 * and DPA withdrawal: migration 0006 and what uses it.
 */
import { isValidationError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { withMaintenanceTransaction } from "../src/tenancy.js";
import { activities, engines, reportSkip, setupConnection, uniqueTenant, useStore } from "./helpers.js";

describe.each(engines)("run truth, maintenance and DPA withdrawal on $name", (engine) => {
  if (reportSkip(engine)) return;
  const h = useStore(engine);

  it("startRun with a run key returns the same run when retried (a lost reply), a new key a new run", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const first = await h.store.startRun({ tenantId, connectionId, runKey: "wf-1/run-a" });
    const again = await h.store.startRun({ tenantId, connectionId, runKey: "wf-1/run-a" });
    expect(again.id).toBe(first.id);
    expect(again.runKey).toBe("wf-1/run-a");
    const other = await h.store.startRun({ tenantId, connectionId, runKey: "wf-1/run-b" });
    expect(other.id).not.toBe(first.id);
    const unkeyed = [await h.store.startRun({ tenantId, connectionId }), await h.store.startRun({ tenantId, connectionId })];
    expect(new Set(unkeyed.map((r) => r.id)).size).toBe(2);
    // The same key on another connection is another run.
    const elsewhere = await setupConnection(h.store, tenantId);
    const there = await h.store.startRun({ tenantId, connectionId: elsewhere.connectionId, runKey: "wf-1/run-a" });
    expect(there.id).not.toBe(first.id);
  });

  it("a page commit stamps the run's heartbeat; heartbeatRun does too, only while running", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const run = await h.store.startRun({ tenantId, connectionId });
    await h.driver.query("UPDATE sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1", [run.id]);
    const before = (await h.store.getRun({ tenantId, runId: run.id })).heartbeatAt;
    await h.store.commitPage({ tenantId, connectionId, runId: run.id, records: activities(0, 2), cursor: "1" });
    const afterPage = (await h.store.getRun({ tenantId, runId: run.id })).heartbeatAt;
    expect(afterPage.getTime()).toBeGreaterThan(before.getTime() + 30 * 60_000);

    await h.driver.query("UPDATE sync_runs SET heartbeat_at = now() - interval '1 hour' WHERE id = $1", [run.id]);
    expect(await h.store.heartbeatRun({ tenantId, runId: run.id })).toBe(true);
    expect((await h.store.getRun({ tenantId, runId: run.id })).heartbeatAt.getTime()).toBeGreaterThan(before.getTime() + 30 * 60_000);
    await h.store.finishRun({ tenantId, runId: run.id, status: "succeeded" });
    expect(await h.store.heartbeatRun({ tenantId, runId: run.id })).toBe(false);
  });

  it("abandonConnectionRuns closes every other running run of the connection (more than 50), at its last heartbeat", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const dead: string[] = [];
    for (let i = 0; i < 60; i += 1) dead.push((await h.store.startRun({ tenantId, connectionId })).id);
    await h.driver.query("UPDATE sync_runs SET heartbeat_at = started_at + interval '8 seconds' WHERE id = ANY($1::uuid[])", [dead]);
    const finished = await h.store.startRun({ tenantId, connectionId });
    await h.store.finishRun({ tenantId, runId: finished.id, status: "succeeded" });
    const current = await h.store.startRun({ tenantId, connectionId });

    const abandoned = await h.store.abandonConnectionRuns({ tenantId, connectionId, exceptRunId: current.id });
    expect(abandoned.map((r) => r.id).sort()).toEqual([...dead].sort());
    const oldest = await h.store.getRun({ tenantId, runId: dead[0] ?? "" });
    expect(oldest.status).toBe("abandoned");
    // Its duration reads as the 8 seconds the process lived, not the time until someone noticed.
    expect((oldest.finishedAt?.getTime() ?? 0) - oldest.startedAt.getTime()).toBe(8_000);
    expect(oldest.error).toMatch(/abandoned.*superseded by run/);
    expect((await h.store.getRun({ tenantId, runId: current.id })).status).toBe("running");
    expect((await h.store.getRun({ tenantId, runId: finished.id })).status).toBe("succeeded");
    // An abandoned run can commit nothing more.
    await expect(
      h.store.commitPage({ tenantId, connectionId, runId: oldest.id, records: activities(0, 1), cursor: "x" }),
    ).rejects.toSatisfy(isValidationError);
  });

  it("abandonStaleRuns (maintenance role) closes stale running runs in every tenant and leaves live ones", async () => {
    const a = await setupConnection(h.store);
    const b = await setupConnection(h.store);
    const staleA = await h.store.startRun({ tenantId: a.tenantId, connectionId: a.connectionId });
    const staleB = await h.store.startRun({ tenantId: b.tenantId, connectionId: b.connectionId });
    const live = await h.store.startRun({ tenantId: b.tenantId, connectionId: b.connectionId });
    await h.driver.query("UPDATE sync_runs SET heartbeat_at = now() - interval '20 minutes' WHERE id = ANY($1::uuid[])", [
      [staleA.id, staleB.id],
    ]);
    const closed = await h.store.maintenance.abandonStaleRuns({ staleAfterMs: 10 * 60_000 });
    const ids = closed.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining([staleA.id, staleB.id]));
    expect(ids).not.toContain(live.id);
    expect(closed.find((r) => r.id === staleA.id)).toMatchObject({ tenantId: a.tenantId, connectionId: a.connectionId });
    expect((await h.store.getRun({ tenantId: a.tenantId, runId: staleA.id })).status).toBe("abandoned");
    expect((await h.store.getRun({ tenantId: b.tenantId, runId: live.id })).status).toBe("running");
  });

  it("finishRun records a run's named counts and notices", async () => {
    const { tenantId, connectionId } = await setupConnection(h.store);
    const run = await h.store.startRun({ tenantId, connectionId });
    expect(run).toMatchObject({ counts: {}, notices: [] });
    const done = await h.store.finishRun({
      tenantId,
      runId: run.id,
      status: "succeeded",
      counts: { "quality.normalised": 12, "backfill.days": 30 },
      notices: ["the API keeps 30 days of history"],
    });
    expect(done).toMatchObject({ counts: { "quality.normalised": 12, "backfill.days": 30 }, notices: ["the API keeps 30 days of history"] });
    expect((await h.store.listRuns({ tenantId, connectionId }))[0]).toMatchObject({ counts: { "backfill.days": 30 } });
  });

  it("the maintenance role routes a connection id to its tenant (a webhook's only clue), and nothing more", async () => {
    const a = await setupConnection(h.store);
    expect(await h.store.maintenance.routeConnection({ connectionId: a.connectionId })).toEqual({
      id: a.connectionId,
      tenantId: a.tenantId,
      connectorId: "test-connector",
      status: "active",
    });
    expect(await h.store.maintenance.routeConnection({ connectionId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
    await expect(h.store.maintenance.routeConnection({ connectionId: "x' OR '1'='1" })).rejects.toThrow(/connectionId must be a UUID/);
  });

  it("the maintenance role lists every tenant's connections for scheduling, without credentials; the app role cannot", async () => {
    const a = await setupConnection(h.store);
    const b = await setupConnection(h.store);
    const all = await h.store.maintenance.listConnections();
    const mine = all.filter((c) => c.id === a.connectionId || c.id === b.connectionId);
    expect(mine).toEqual(
      expect.arrayContaining([
        { id: a.connectionId, tenantId: a.tenantId, connectorId: "test-connector", status: "active" },
        { id: b.connectionId, tenantId: b.tenantId, connectorId: "test-connector", status: "active" },
      ]),
    );
    expect(Object.keys(mine[0] ?? {}).sort()).toEqual(["connectorId", "id", "status", "tenantId"]);
    // The app role, scoped to tenant a, sees only a's connection, however it asks.
    const seenByApp = await h.store.withTenant(a.tenantId, async (tx) =>
      (await tx.query<{ id: string }>("SELECT id FROM connections WHERE id = ANY($1::uuid[])", [[a.connectionId, b.connectionId]])).rows,
    );
    expect(seenByApp.map((r) => r.id)).toEqual([a.connectionId]);
    // The maintenance role cannot read credentials or settings, nor any tenant table beyond its grants.
    await expect(withMaintenanceTransaction(h.driver, (tx) => tx.query("SELECT credentials_ciphertext FROM connections"))).rejects.toThrow(/permission denied/);
    await expect(withMaintenanceTransaction(h.driver, (tx) => tx.query("SELECT settings FROM connections"))).rejects.toThrow(/permission denied/);
    await expect(withMaintenanceTransaction(h.driver, (tx) => tx.query("SELECT * FROM records"))).rejects.toThrow(/permission denied/);
    // Nor change a connection, nor turn a run into anything but abandoned.
    await expect(
      withMaintenanceTransaction(h.driver, (tx) => tx.query("UPDATE connections SET status = 'disabled'")),
    ).rejects.toThrow(/permission denied/);
    const run = await h.store.startRun({ tenantId: a.tenantId, connectionId: a.connectionId });
    await expect(
      withMaintenanceTransaction(h.driver, (tx) => tx.query("UPDATE sync_runs SET status = 'succeeded' WHERE id = $1", [run.id])),
    ).rejects.toThrow(/row-level security/);
  });

  it("withdrawDpa clears acceptance and stops the tenant's DPA-gated connections; acceptDpa restarts them", async () => {
    const tenantId = uniqueTenant("dpa");
    const gated = await setupConnection(h.store, tenantId);
    const other = await h.store.createConnection({ tenantId, connectorId: "plain-connector", connectorVersion: "1.0.0", credentials: { apiKey: "k" } });
    const neighbour = await setupConnection(h.store);
    await h.store.acceptDpa({ tenantId, version: "2025-01" });

    const { tenant, stopped } = await h.store.withdrawDpa({ tenantId, dpaConnectorIds: ["test-connector"] });
    expect(tenant).toMatchObject({ dpaAcceptedAt: null, dpaVersion: null });
    expect(stopped).toEqual([gated.connectionId]);
    expect(await h.store.getConnection({ tenantId, connectionId: gated.connectionId })).toMatchObject({
      status: "dpa_required",
      lastError: expect.stringMatching(/withdrew the data processing agreement/),
    });
    expect((await h.store.getConnection({ tenantId, connectionId: other.id })).status).toBe("active");
    // Another tenant's connection of the same connector is untouched.
    expect((await h.store.getConnection({ tenantId: neighbour.tenantId, connectionId: neighbour.connectionId })).status).toBe("active");
    expect((await h.store.listConnections({ tenantId, status: "dpa_required" })).map((c) => c.id)).toEqual([gated.connectionId]);

    await h.store.acceptDpa({ tenantId });
    expect(await h.store.getConnection({ tenantId, connectionId: gated.connectionId })).toMatchObject({ status: "active", lastError: null });
  });
});

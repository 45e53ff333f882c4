/**
 * What a run records and refuses: named counts summed per name over pages and distinct notices (core's SyncStats),
 * a connection stopped by a DPA withdrawal refused before any request, the tenant's DPA time handed to the
 * connector, and a startRun retried with the same run key.
 */
import { randomUUID } from "node:crypto";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { lookup, memoryStore, page, ScriptedConnector, scriptedConnection } from "../support/fixtures.js";

let store: Store;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store.close();
});

function withStats(cursor: string | null, hasMore: boolean, counts: Record<string, number>, notices: string[] = []) {
  const result = page(cursor, hasMore, [randomUUID()]);
  return { ...result, stats: { ...result.stats, counts, notices } };
}

describe("run counts and notices", () => {
  it("sums each named count over the run's pages, keeps each notice once, and records both with the run", async () => {
    const connector = new ScriptedConnector(`counted-${randomUUID().slice(0, 6)}`, [
      async () => withStats("c1", true, { "quality.normalised": 2, "backfill.days": 30 }, ["the API keeps 30 days"]),
      async () => withStats("c2", true, { "quality.normalised": 3 }, ["the API keeps 30 days", "2 phone numbers were not E.164"]),
      async () => withStats("c3", false, { "quality.duplicates": 1 }),
    ]);
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(store, tenantId, connector.id);
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const result = await runSyncLoop(activities, { tenantId, connectionId }, { pagesPerCall: 2 });
    expect(result.status).toBe("succeeded");
    const counts = { "quality.normalised": 5, "backfill.days": 30, "quality.duplicates": 1 };
    const notices = ["the API keeps 30 days", "2 phone numbers were not E.164"];
    expect(result.counters).toMatchObject({ pages: 3, counts, notices });
    const run = await store.getRun({ tenantId, runId: result.runId ?? "" });
    expect(run).toMatchObject({ status: "succeeded", counts, notices });
  });
});

describe("DPA", () => {
  it("passes the tenant's dpaAcceptedAt to the connector, and a withdrawal stops the connection before any request", async () => {
    const connector = new ScriptedConnector(`gated-${randomUUID().slice(0, 6)}`, [async () => page("c1", false, ["a"])], { requiresDpa: true });
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(store, tenantId, connector.id);
    const accepted = await store.acceptDpa({ tenantId, acceptedAt: new Date("2026-01-02T03:04:05Z") });
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    expect((await runSyncLoop(activities, { tenantId, connectionId })).status).toBe("succeeded");
    expect(connector.calls[0]?.options.dpaAcceptedAt).toEqual(accepted.dpaAcceptedAt);

    const { stopped } = await store.withdrawDpa({ tenantId, dpaConnectorIds: [connector.id] });
    expect(stopped).toEqual([connectionId]);
    const refused = await runSyncLoop(activities, { tenantId, connectionId });
    expect(refused).toMatchObject({ status: "failed", runId: null, error: { type: "DpaRequiredError", retryable: false } });
    expect(connector.calls).toHaveLength(1); // nothing sent after the withdrawal
    // Still waiting for the agreement (not disabled): accepting it again is all it takes.
    expect((await store.getConnection({ tenantId, connectionId })).status).toBe("dpa_required");
    await store.acceptDpa({ tenantId });
    expect((await store.getConnection({ tenantId, connectionId })).status).toBe("active");
  });
});

describe("startRun across a lost reply", () => {
  it("a retry with the same run key gets the same run; the activity closes no run of its own", async () => {
    const connector = new ScriptedConnector(`keyed-${randomUUID().slice(0, 6)}`, []);
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(store, tenantId, connector.id);
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const input = { tenantId, connectionId, fullSync: false, trigger: "schedule" as const, runKey: "temporal:wf:run-1" };
    const first = await activities.startRun(input);
    const retried = await activities.startRun(input); // the first reply was lost
    expect(retried.runId).toBe(first.runId);
    expect((await store.getRun({ tenantId, runId: first.runId })).status).toBe("running");
    expect(await store.listRuns({ tenantId, connectionId })).toHaveLength(1);
  });
});

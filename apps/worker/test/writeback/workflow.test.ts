/**
 * The `drainWriteback` workflow without a server, as the sync workflow is tested: its bundle builds for the
 * sandbox, scripted histories replay through the real SDK state machines (values checked by the probe
 * interceptor), and the activity runs in MockActivityEnvironment against a real store and the loopback CRM.
 */
import { ApplicationFailure } from "@temporalio/common";
import { MockActivityEnvironment } from "@temporalio/testing";
import { Worker, type WorkflowBundleWithSourceMap } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createWritebackActivities } from "../../src/writeback/activities.js";
import { writebackWorkflowId } from "../../src/writeback/ids.js";
import type { DrainBatchResult } from "../../src/writeback/types.js";
import type { DrainWritebackInput, DrainWritebackResult } from "../../src/writeback/workflow.js";
import { bundleWithProbe, installQuietRuntime } from "../temporal/bundle.js";
import { HistoryBuilder, type HistoryJson } from "../temporal/history-builder.js";
import type { ProbeEvent } from "../temporal/probe-interceptor.js";
import { lookup, memoryStore } from "../support/fixtures.js";
import { CRM_TOKEN, LoopbackCrmConnector, startLoopbackCrm } from "./loopback-crm.js";

installQuietRuntime();

const TARGET = { tenantId: "tenant-a", connectionId: "conn-1" } as const;
const batch = (claimed: number, more: boolean, failed = 0): DrainBatchResult => ({
  claimed,
  confirmed: claimed - failed,
  retried: 0,
  failed,
  stale: 0,
  more,
});

let bundle: WorkflowBundleWithSourceMap;
beforeAll(async () => {
  // The production bundle (src/temporal/workflows.ts re-exports drainWriteback), with the test probe.
  bundle = await bundleWithProbe();
});

async function replay(history: HistoryJson, workflowId: string): Promise<ProbeEvent[]> {
  const events: ProbeEvent[] = [];
  await Worker.runReplayHistory(
    { workflowBundle: bundle, sinks: { probe: { event: { fn: (_info, event: ProbeEvent) => void events.push(event), callDuringReplay: true } } } },
    history,
    workflowId,
  );
  return events;
}

const calls = (events: ProbeEvent[]) => events.flatMap((e) => (e.kind === "activity" ? [{ type: e.activityType, arg: e.args[0] }] : []));

describe("drainWriteback workflow", () => {
  it("is part of the production workflow bundle, without activity code", () => {
    expect(bundle.code).toContain("drainWriteback");
    expect(bundle.code).not.toMatch(/@gtm-clarity\/(store|connector-|core)/);
  });

  it("drains batch after batch until one claims nothing, and returns the totals", async () => {
    const b = new HistoryBuilder("drainWriteback", `${writebackWorkflowId(TARGET.tenantId, TARGET.connectionId)}-happy`);
    const input: DrainWritebackInput = { ...TARGET };
    const result: DrainWritebackResult = { batches: 2, claimed: 250, confirmed: 249, retried: 0, failed: 1, stale: 0, continuations: 0 };
    const history = b
      .started([input])
      .activity("drainWritebackBatch", batch(200, true))
      .activity("drainWritebackBatch", batch(50, true, 1))
      .activity("drainWritebackBatch", batch(0, false))
      .completed(result);
    const events = await replay(history, b.workflowId);
    expect(calls(events)).toEqual([
      { type: "drainWritebackBatch", arg: TARGET },
      { type: "drainWritebackBatch", arg: TARGET },
      { type: "drainWritebackBatch", arg: TARGET },
    ]);
    expect(events.at(-1)).toEqual({ kind: "result", value: result });
  });

  it("stops after a batch that settled nothing for good (everything waits out a backoff)", async () => {
    const b = new HistoryBuilder("drainWriteback", `${writebackWorkflowId(TARGET.tenantId, TARGET.connectionId)}-backoff`);
    const history = b
      .started([{ ...TARGET, batchSize: 50 }])
      .activity("drainWritebackBatch", { claimed: 3, confirmed: 0, retried: 3, failed: 0, stale: 0, more: false })
      .completed({ batches: 1, claimed: 3, confirmed: 0, retried: 3, failed: 0, stale: 0, continuations: 0 });
    const events = await replay(history, b.workflowId);
    expect(calls(events)).toEqual([{ type: "drainWritebackBatch", arg: { ...TARGET, batchSize: 50 } }]);
  });

  it("continues as new after maxBatchesPerRun batches, carrying the totals", async () => {
    const b = new HistoryBuilder("drainWriteback", `${writebackWorkflowId(TARGET.tenantId, TARGET.connectionId)}-can`);
    const input: DrainWritebackInput = { ...TARGET, maxBatchesPerRun: 2 };
    const resume = { totals: { batches: 2, claimed: 400, confirmed: 400, retried: 0, failed: 0, stale: 0 }, continuations: 1 };
    const history = b
      .started([input])
      .activity("drainWritebackBatch", batch(200, true))
      .activity("drainWritebackBatch", batch(200, true))
      .continuedAsNew([{ ...input, resume }]);
    const events = await replay(history, b.workflowId);
    expect(events.find((e) => e.kind === "continueAsNew")).toEqual({ kind: "continueAsNew", args: [{ ...input, resume }] });
  });

  it("a refused credential marks the connection needs_reauth and fails without retrying", async () => {
    const b = new HistoryBuilder("drainWriteback", `${writebackWorkflowId(TARGET.tenantId, TARGET.connectionId)}-auth`);
    const spec = { message: "loopback CRM refused the token", type: "AuthError", nonRetryable: true };
    const history = b
      .started([{ ...TARGET }])
      .activity("drainWritebackBatch", batch(200, true))
      .activityFailed("drainWritebackBatch", spec)
      .activity("markConnection", undefined)
      .failed(spec);
    const events = await replay(history, b.workflowId);
    expect(calls(events).at(-1)).toEqual({
      type: "markConnection",
      arg: { ...TARGET, status: "needs_reauth", reason: "loopback CRM refused the token" },
    });
    expect(events.at(-1)).toMatchObject({ kind: "error", type: "AuthError" });
  });
});

describe("drainWritebackBatch activity in MockActivityEnvironment", () => {
  const connector = new LoopbackCrmConnector();
  let cleanup: (() => Promise<void>) | undefined;
  afterAll(async () => cleanup?.());

  it("claims, pushes and settles one batch with heartbeats; a refused token is a non-retryable AuthError failure", async () => {
    const store = await memoryStore();
    const crm = await startLoopbackCrm();
    cleanup = async () => {
      await crm.close();
      await store.close();
    };
    await store.createTenant({ tenantId: "wf" });
    const connection = await store.createConnection({
      tenantId: "wf",
      connectorId: connector.id,
      connectorVersion: connector.version,
      settings: { baseUrl: crm.url },
      credentials: { token: CRM_TOKEN },
    });
    const target = { tenantId: "wf", connectionId: connection.id };
    for (const id of ["a", "b", "c"]) await store.outbox.enqueue({ ...target, record: { kind: "account", externalId: id } });
    const activities = createWritebackActivities({ store: storePort(store), outbox: store.outbox, connectors: lookup(connector) });

    const env = new MockActivityEnvironment();
    const heartbeats: unknown[] = [];
    env.on("heartbeat", (details: unknown) => heartbeats.push(details));
    const result = await env.run(activities.drainWritebackBatch, { ...target, batchSize: 2 });
    expect(result).toEqual({ claimed: 2, confirmed: 2, retried: 0, failed: 0, stale: 0, more: true });
    expect(heartbeats).toEqual([expect.objectContaining({ claimed: 2 })]);

    crm.failNext(401);
    const failure = await new MockActivityEnvironment().run(activities.drainWritebackBatch, target).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: "AuthError", nonRetryable: true });
    expect(await store.outbox.counts(target)).toEqual({ queued: 1, sent: 0, confirmed: 2, failed: 0 });
  });

  it("writebackPending: what syncConnection checks before starting a drain (a store read, no vendor call)", async () => {
    const store = await memoryStore();
    try {
      await store.createTenant({ tenantId: "wp" });
      const create = (connectorId: string) =>
        store.createConnection({ tenantId: "wp", connectorId, connectorVersion: "0.1.0", settings: { baseUrl: "http://127.0.0.1:9" }, credentials: { token: CRM_TOKEN } });
      const crm = { tenantId: "wp", connectionId: (await create(connector.id)).id };
      const other = { tenantId: "wp", connectionId: (await create("no-writeback")).id };
      const port = storePort(store);
      const activities = createWritebackActivities({ store: port, outbox: store.outbox, connectors: lookup(connector) });
      const pending = (target: typeof crm) => new MockActivityEnvironment().run(activities.writebackPending, target);

      expect(await pending(crm)).toEqual({ supported: true, pending: 0 });
      for (const id of ["a", "b", "c"]) await store.outbox.enqueue({ ...crm, record: { kind: "account", externalId: id } });
      expect(await pending(crm)).toEqual({ supported: true, pending: 3 });
      // Held by a running drain (sent under a live lease): not due, a second drain would claim nothing.
      await store.outbox.claim({ ...crm, limit: 2, leaseMs: 60_000 });
      expect(await pending(crm)).toEqual({ supported: true, pending: 1 });
      // A lease that ran out makes them due again, so a drain whose worker died is picked up by the next sync.
      await store.outbox.claim({ ...crm, limit: 1, leaseMs: 1 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await pending(crm)).toEqual({ supported: true, pending: 1 });
      // A connector without writeback, and a connection a human must fix first, start no drain.
      expect(await pending(other)).toEqual({ supported: false, pending: 0 });
      await port.setConnectionStatus({ ...crm, status: "needs_reauth", lastError: "token revoked" });
      expect(await pending(crm)).toEqual({ supported: false, pending: 0 });
    } finally {
      await store.close();
    }
  });
});

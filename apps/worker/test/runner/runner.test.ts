/** The in-process runner: the workflow's loop without Temporal, against the Fathom sandbox and a real store. */
import { randomUUID } from "node:crypto";
import { TransientError } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { ProgressDisplay } from "../../src/runner/progress.js";
import { runSyncs } from "../../src/runner/runner.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { failRequests, fathomFixture, latency, lookup, memoryStore, page, ScriptedConnector, scriptedConnection } from "../support/fixtures.js";

let store: Store;
beforeAll(async () => {
  store = await memoryStore();
});
afterAll(async () => {
  await store.close();
});

const fastRetry = { initialDelayMs: 5, maxDelayMs: 20 };

describe("runSyncLoop", () => {
  it("pages a connection to the end, records the run with the connector version, then an incremental run reads little", async () => {
    const fx = await fathomFixture({ size: 120 }, { store });
    try {
      const activities = createSyncActivities({ store: storePort(store), connectors: lookup(fx.connector) });
      const target = { tenantId: fx.tenantId, connectionId: fx.connectionId };
      const full = await runSyncLoop(activities, target, { fullSync: true });
      expect(full).toMatchObject({ status: "succeeded", connectorId: "fathom", connectorVersion: fx.connector.version });
      expect(full.counters.pages).toBe(12);
      expect(await store.getCursor(target)).toBe(full.cursor);

      await fx.sandbox.addNewData(2);
      const incremental = await runSyncLoop(activities, target);
      expect(incremental.status).toBe("succeeded");
      expect(incremental.counters.pages).toBe(1);
      expect(incremental.counters.records).toBeLessThan(full.counters.records / 10);
      const runs = await store.listRuns(target);
      expect(runs.map((r) => [r.status, r.fullRefresh, r.connectorVersion])).toEqual([
        ["succeeded", false, fx.connector.version],
        ["succeeded", true, fx.connector.version],
      ]);
      expect(runs[0]?.created).toBeGreaterThan(0);
      expect(runs[0]?.unchanged).toBeGreaterThan(0);
    } finally {
      await fx.close();
    }
  });

  it("a graceful stop finishes the page in flight, records the run as cancelled, and the next run resumes there", async () => {
    const fx = await fathomFixture({ size: 100, faults: [latency(30)] }, { store });
    try {
      const activities = createSyncActivities({ store: storePort(store), connectors: lookup(fx.connector) });
      const target = { tenantId: fx.tenantId, connectionId: fx.connectionId };
      const stop = new AbortController();
      const stopped = await runSyncLoop(activities, target, {
        stop: stop.signal,
        onPage: (_page, counters) => {
          if (counters.pages === 3) stop.abort();
        },
      });
      expect(stopped).toMatchObject({ status: "cancelled", counters: { pages: 3 } });
      expect(await store.getCursor(target)).toBe(stopped.cursor);
      expect((await store.getRun({ tenantId: target.tenantId, runId: stopped.runId ?? "" })).status).toBe("cancelled");

      const resumed = await runSyncLoop(activities, target);
      expect(resumed).toMatchObject({ status: "succeeded", counters: { pages: 7 } });
    } finally {
      await fx.close();
    }
  });

  it("retries transient failures (a 503 from the source) and carries on", async () => {
    const fx = await fathomFixture({ size: 30, faults: failRequests([3, 4, 5, 6, 7, 8]) }, { store });
    try {
      const activities = createSyncActivities({ store: storePort(store), connectors: lookup(fx.connector) });
      const retries: string[] = [];
      const result = await runSyncLoop(activities, { tenantId: fx.tenantId, connectionId: fx.connectionId }, {
        retry: fastRetry,
        onRetry: ({ error }) => retries.push(error.type),
      });
      expect(result).toMatchObject({ status: "succeeded", counters: { pages: 3 } });
      // The HTTP client's own retries gave up after 5 attempts; the runner's retry then succeeded.
      expect(retries).toEqual(["TransientError"]);
    } finally {
      await fx.close();
    }
  });

  it("gives up after the retry budget and records the failure", async () => {
    const connector = new ScriptedConnector("always-502", Array.from({ length: 3 }, () => async () => Promise.reject(new TransientError("502"))));
    const connectionId = await scriptedConnection(store, "t-502", connector.id);
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const result = await runSyncLoop(activities, { tenantId: "t-502", connectionId }, { retry: { ...fastRetry, maxAttempts: 3 } });
    expect(result).toMatchObject({ status: "failed", error: { type: "TransientError", retryable: true } });
    expect(connector.calls).toHaveLength(3);
    const [run] = await store.listRuns({ tenantId: "t-502", connectionId });
    expect(run).toMatchObject({ status: "failed", error: "TransientError: 502" });
    expect((await store.getConnection({ tenantId: "t-502", connectionId })).status).toBe("active");
  });

  it("an auth failure is not retried: the connection becomes needs_reauth and the run failed", async () => {
    const fx = await fathomFixture({ size: 5 }, { store });
    try {
      const target = { tenantId: fx.tenantId, connectionId: fx.connectionId };
      const credentials = await store.getConnectionCredentials(target);
      await store.updateCredentials({ ...target, credentials: { ...credentials, apiKey: "revoked" } });
      const activities = createSyncActivities({ store: storePort(store), connectors: lookup(fx.connector) });
      const result = await runSyncLoop(activities, target, { retry: fastRetry });
      expect(result).toMatchObject({ status: "failed", error: { type: "AuthError", retryable: false, blockConnection: "needs_reauth" } });
      expect(fx.sandbox.stats().unauthorized).toBe(1);
      expect((await store.getConnection(target)).status).toBe("needs_reauth");
      expect((await store.listRuns(target))[0]?.status).toBe("failed");
    } finally {
      await fx.close();
    }
  });

  it("carries the last heartbeat into the retry, like Temporal: a committed page is not synced twice", async () => {
    const connector = new ScriptedConnector("flaky-after-commit", [async () => page("c1", true, ["a"]), async () => page("c2", false, ["b"])]);
    const connectionId = await scriptedConnection(store, "t-hb", connector.id);
    const base = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    let failOnce = true;
    const activities = {
      ...base,
      // The first page commits, then the "reply" is lost.
      syncPage: async (input: Parameters<typeof base.syncPage>[0]) => {
        const result = await base.syncPage(input);
        if (failOnce) {
          failOnce = false;
          throw new TransientError("connection reset after commit");
        }
        return result;
      },
    };
    const result = await runSyncLoop(activities, { tenantId: "t-hb", connectionId }, { retry: fastRetry });
    expect(result).toMatchObject({ status: "succeeded", counters: { pages: 2, records: 2 } });
    expect(connector.calls.map((c) => c.cursor)).toEqual([null, "c1"]);
    expect((await store.listRuns({ tenantId: "t-hb", connectionId }))[0]?.pages).toBe(2);
  });

  it("a run left 'running' by a crash is closed as abandoned when the next run starts; it can no longer commit", async () => {
    const connector = new ScriptedConnector("crashy", [async () => page("c1", false, ["a"])]);
    const connectionId = await scriptedConnection(store, "t-abandon", connector.id);
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const target = { tenantId: "t-abandon", connectionId };
    const crashed = await activities.startRun({ ...target, fullSync: false, trigger: "cli" }); // ...and the process died
    const result = await runSyncLoop(activities, target);
    expect(result.status).toBe("succeeded");
    const old = await store.getRun({ tenantId: "t-abandon", runId: crashed.runId });
    expect(old).toMatchObject({ status: "abandoned", error: expect.stringMatching(new RegExp(`^abandoned: .*superseded by run ${result.runId}$`)) });
    // It ended at its last sign of life, not when the next run noticed it.
    expect(old.finishedAt?.getTime()).toBe(old.heartbeatAt.getTime());
    await expect(
      store.commitPage({ ...target, runId: crashed.runId, records: [], cursor: "late" }),
    ).rejects.toThrow(/can only be committed to a running run/);
  });
});

describe("runSyncs", () => {
  it("syncs connections in parallel up to the limit and shows progress", async () => {
    let active = 0;
    let peak = 0;
    const connectors = Array.from({ length: 5 }, (_, i) => {
      const c = new ScriptedConnector(`par-${i}`, [
        async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 40));
          active -= 1;
          return page(`c${i}`, false, [`r${i}`]);
        },
      ]);
      return c;
    });
    const tenantId = `t-par-${randomUUID().slice(0, 4)}`;
    const targets = [];
    for (const c of connectors) targets.push({ tenantId, connectionId: await scriptedConnection(store, tenantId, c.id), label: c.id });
    const progress = new ProgressDisplay({ silent: true });
    const results = await runSyncs({
      activities: createSyncActivities({ store: storePort(store), connectors: lookup(...connectors) }),
      targets,
      concurrency: 2,
      progress,
    });
    expect(results.map((r) => r.status)).toEqual(Array(5).fill("succeeded"));
    expect(peak).toBe(2);
    expect(progress.line()).toMatch(/^sync 5 records · 5 pages · .* · 5\/5 connections done/);
  });

  it("progress: one redrawn line on a TTY, plain periodic lines otherwise", () => {
    const written: string[] = [];
    const stream = { write: (s: string) => void written.push(s), isTTY: true, columns: 200 } as unknown as NodeJS.WritableStream & { isTTY: boolean };
    let now = 0;
    const tty = new ProgressDisplay({ stream, now: () => now });
    tty.update("a", { label: "fathom", state: "syncing", pages: 2, records: 1_500 });
    now = 1_000;
    tty.render();
    tty.log("a warning");
    tty.stop();
    expect(written[0]).toMatch(/^\r/);
    expect(written[0]).toContain("1,500 records · 2 pages · 1500/s");
    expect(written.join("")).toContain("a warning\n");
    expect(written.at(-1)).toBe("\n");

    const plain: string[] = [];
    const log = new ProgressDisplay({ stream: { write: (s: string) => void plain.push(s) } as unknown as NodeJS.WritableStream, tty: false });
    log.update("a", { label: "fathom", state: "done", pages: 1, records: 10 });
    log.render();
    expect(plain).toHaveLength(1);
    expect(plain[0]).toMatch(/^sync 10 records · 1 pages .*\n$/);
    expect(plain[0]).not.toContain("\r");
  });
});

/**
 * Real-server suite: a real Worker polling a real Temporal server, with in-memory activities. It runs only when
 * TEMPORAL_ADDRESS points at a server (no Temporal server can be installed on our dev/CI machines: its binaries
 * download from outside). Otherwise the whole suite shows as SKIPPED with the reason, never as passed.
 */
import { randomUUID } from "node:crypto";
import { ScheduleNotFoundError } from "@temporalio/client";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { bundleWorkflowCode, Worker } from "@temporalio/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SyncActivities, SyncPageInput } from "../../src/activities/types.js";
import { SyncScheduler } from "../../src/temporal/scheduler.js";
import type { SyncConnectionInput } from "../../src/temporal/workflows.js";
import { quietLogger, workflowsPath } from "../temporal/bundle.js";

const address = process.env["TEMPORAL_ADDRESS"];
const namespace = process.env["TEMPORAL_NAMESPACE"] ?? "default";
const SKIP_REASON =
  "TEMPORAL_ADDRESS is not set: no Temporal server can run on this machine, so the real-server suite is skipped " +
  "(the no-server suites cover bundle, replay, activities and schedules)";

if (!address) process.stderr.write(`\n[temporal.int] SKIPPED: ${SKIP_REASON}\n\n`);

/** Five pages of fake source data; records the cursors it was asked for. */
function fakeActivities(calls: SyncPageInput[], finished: string[]): SyncActivities {
  return {
    startRun: async () => ({ runId: randomUUID(), connectorId: "fake", connectorVersion: "0.0.0", cursor: null }),
    syncPage: async (input) => {
      calls.push(input);
      const next = (Number(input.cursor ?? "0") + 1).toString();
      return { cursor: next, hasMore: Number(next) < 5, records: 10, quarantined: 0, documents: 0 };
    },
    // Two pages per call, so the pipelined path spans several calls.
    syncPages: async (input) => {
      const first = Number(input.cursor ?? "0");
      const last = Math.min(5, first + Math.min(2, input.maxPages));
      for (let n = first; n < last; n += 1) calls.push({ ...input, cursor: n === 0 ? null : String(n), page: input.page + n - first });
      return { cursor: String(last), hasMore: last < 5, pages: last - first, records: 10 * (last - first), quarantined: 0, documents: 0 };
    },
    finishRun: async (input) => void finished.push(input.status),
    markConnection: async () => undefined,
  };
}

describe.skipIf(!address)(address ? "real Temporal server" : `real Temporal server (SKIPPED: ${SKIP_REASON})`, () => {
  let env: TestWorkflowEnvironment;
  const taskQueue = `gtm-sync-test-${randomUUID()}`;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createFromExistingServer({ ...(address ? { address } : {}), namespace });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it("runs syncConnection end to end across continueAsNew", async () => {
    const calls: SyncPageInput[] = [];
    const finished: string[] = [];
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace,
      taskQueue,
      workflowBundle: await bundleWorkflowCode({ workflowsPath, logger: quietLogger }),
      activities: fakeActivities(calls, finished),
    });
    const input: SyncConnectionInput = { tenantId: "t", connectionId: randomUUID(), maxPagesPerRun: 2 };
    const result = await worker.runUntil(
      env.client.workflow.execute("syncConnection", { taskQueue, workflowId: `sync:t:${input.connectionId}`, args: [input] }),
    );
    expect(calls.map((c) => c.cursor)).toEqual([null, "1", "2", "3", "4"]);
    expect(result).toMatchObject({ status: "succeeded", cursor: "5", counters: { pages: 5, records: 50 }, continuations: 2 });
    expect(finished).toEqual(["succeeded"]);
  });

  it("creates, updates, pauses and deletes a schedule on the server", async () => {
    const scheduler = new SyncScheduler(env.client.schedule, { taskQueue });
    const connectionId = randomUUID();
    expect(await scheduler.upsert({ tenantId: "t", connectionId, paused: true })).toBe("created");
    expect(await scheduler.upsert({ tenantId: "t", connectionId, paused: true, intervalMinutes: 60 })).toBe("updated");
    const description = await env.client.schedule.getHandle(SyncScheduler.scheduleId("t", connectionId)).describe();
    expect(description.policies.overlap).toBe("SKIP");
    expect(description.state.paused).toBe(true);
    expect(await scheduler.delete("t", connectionId)).toBe(true);
    await expect(env.client.schedule.getHandle(SyncScheduler.scheduleId("t", connectionId)).describe()).rejects.toBeInstanceOf(
      ScheduleNotFoundError,
    );
  });
});

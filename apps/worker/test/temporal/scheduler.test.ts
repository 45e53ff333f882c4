/** SyncScheduler driven through the real Temporal Client over a fake connection that records the gRPC requests. */
import { Client, ScheduleNotFoundError } from "@temporalio/client";
import { describe, expect, it } from "vitest";
import { parseScheduleId, stableOffsetSeconds, SyncScheduler } from "../../src/temporal/scheduler.js";
import { createFakeConnection } from "./fake-connection.js";

function setup(options: { jitterSeconds?: number } = {}) {
  const connection = createFakeConnection();
  const client = new Client({ connection, namespace: "gtm" });
  const scheduler = new SyncScheduler(client.schedule, { taskQueue: "gtm-sync", ...options });
  return { connection, scheduler };
}

const decode = (payload: { data?: Uint8Array | null }) =>
  JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString("utf8")) as unknown;

interface CreateRequest {
  namespace: string;
  scheduleId: string;
  schedule: {
    spec: { interval: { interval: { seconds: unknown }; phase: { seconds: unknown } }[]; jitter: { seconds: unknown } };
    action: { startWorkflow: { workflowId: string; workflowType: { name: string }; taskQueue: { name: string }; input: { payloads: { data?: Uint8Array }[] } } };
    policies: { overlapPolicy: number; catchupWindow: { seconds: unknown } };
    state: { paused: boolean; notes?: string };
  };
}

describe("SyncScheduler", () => {
  it("creates one schedule per connection with overlap SKIP, jitter, a stable offset and the sync workflow", async () => {
    const { connection, scheduler } = setup({ jitterSeconds: 45 });
    expect(await scheduler.upsert({ tenantId: "acme", connectionId: "fathom-1", intervalMinutes: 30 })).toBe("created");

    const create = connection.calls.find((c) => c.method === "createSchedule")?.request as unknown as CreateRequest;
    expect(create.namespace).toBe("gtm");
    expect(create.scheduleId).toBe("sync:acme:fathom-1");
    const { spec, action, policies, state } = create.schedule;
    expect(Number(spec.interval[0]?.interval.seconds)).toBe(1800);
    expect(Number(spec.interval[0]?.phase.seconds)).toBe(stableOffsetSeconds("acme:fathom-1", 1800));
    expect(Number(spec.jitter.seconds)).toBe(45);
    expect(policies.overlapPolicy).toBe(1); // SCHEDULE_OVERLAP_POLICY_SKIP
    expect(Number(policies.catchupWindow.seconds)).toBe(600);
    expect(state.paused).toBe(false);
    expect(action.startWorkflow.workflowType.name).toBe("syncConnection");
    expect(action.startWorkflow.workflowId).toBe("sync:acme:fathom-1");
    expect(action.startWorkflow.taskQueue.name).toBe("gtm-sync");
    expect(action.startWorkflow.input.payloads.map(decode)).toEqual([
      { tenantId: "acme", connectionId: "fathom-1", trigger: "schedule" },
    ]);
  });

  it("defaults the jitter to a tenth of the interval and spreads offsets across connections", async () => {
    const { connection, scheduler } = setup();
    await scheduler.upsert({ tenantId: "acme", connectionId: "a" });
    const create = connection.calls[0]?.request as unknown as CreateRequest;
    expect(Number(create.schedule.spec.jitter.seconds)).toBe(90); // 15 min / 10
    const offsets = new Set(Array.from({ length: 50 }, (_, i) => stableOffsetSeconds(`t${i}:c`, 900)));
    expect(offsets.size).toBeGreaterThan(40);
    for (const offset of offsets) expect(offset).toBeLessThan(900);
  });

  it("create-or-update is idempotent: a second upsert updates in place (ScheduleAlreadyRunning -> update)", async () => {
    const { connection, scheduler } = setup();
    await scheduler.upsert({ tenantId: "acme", connectionId: "c1", intervalMinutes: 15 });
    expect(await scheduler.upsert({ tenantId: "acme", connectionId: "c1", intervalMinutes: 60, paused: true, note: "needs_reauth" })).toBe(
      "updated",
    );
    expect(connection.calls.map((c) => c.method)).toEqual(["createSchedule", "createSchedule", "describeSchedule", "updateSchedule"]);
    expect(connection.schedules.size).toBe(1);
    const stored = connection.schedules.get("sync:acme:c1")?.schedule as unknown as CreateRequest["schedule"];
    expect(Number(stored.spec.interval[0]?.interval.seconds)).toBe(3600);
    expect(stored.policies.overlapPolicy).toBe(1);
    expect(stored.state).toMatchObject({ paused: true, notes: "needs_reauth" });
    // And once more with the same input: still one schedule, still "updated".
    expect(await scheduler.upsert({ tenantId: "acme", connectionId: "c1", intervalMinutes: 60, paused: true })).toBe("updated");
    expect(connection.schedules.size).toBe(1);
  });

  it("pauses, unpauses, triggers and deletes by tenant + connection", async () => {
    const { connection, scheduler } = setup();
    await scheduler.upsert({ tenantId: "acme", connectionId: "c1" });
    await scheduler.pause("acme", "c1", "token revoked");
    expect(connection.schedules.get("sync:acme:c1")?.schedule.state).toMatchObject({ paused: true, notes: "token revoked" });
    await scheduler.unpause("acme", "c1");
    expect(connection.schedules.get("sync:acme:c1")?.schedule.state).toMatchObject({ paused: false });
    await scheduler.trigger("acme", "c1");
    const trigger = connection.calls.at(-1)?.request as { patch: { triggerImmediately: { overlapPolicy: number } } };
    expect(trigger.patch.triggerImmediately.overlapPolicy).toBe(1);
    expect(await scheduler.delete("acme", "c1")).toBe(true);
    expect(await scheduler.delete("acme", "c1")).toBe(false);
    await expect(scheduler.pause("acme", "c1", "x")).rejects.toBeInstanceOf(ScheduleNotFoundError);
  });

  it("reconcile creates, updates and deletes so schedules match the connections exactly", async () => {
    const { connection, scheduler } = setup();
    await scheduler.upsert({ tenantId: "acme", connectionId: "old" });
    await scheduler.upsert({ tenantId: "acme", connectionId: "kept" });
    const report = await scheduler.reconcile([
      { tenantId: "acme", connectionId: "kept" },
      { tenantId: "globex", connectionId: "new" },
    ]);
    expect(report).toEqual({ created: ["sync:globex:new"], updated: ["sync:acme:kept"], deleted: ["sync:acme:old"] });
    expect([...connection.schedules.keys()].sort()).toEqual(["sync:acme:kept", "sync:globex:new"]);
  });

  it("reconcile limited to some tenants never deletes another tenant's schedules", async () => {
    const { connection, scheduler } = setup();
    await scheduler.upsert({ tenantId: "acme", connectionId: "gone" });
    await scheduler.upsert({ tenantId: "acme:eu", connectionId: "other-tenant" });
    const report = await scheduler.reconcile([{ tenantId: "acme", connectionId: "new" }], { onlyTenants: ["acme"] });
    expect(report.deleted).toEqual(["sync:acme:gone"]);
    expect([...connection.schedules.keys()].sort()).toEqual(["sync:acme:eu:other-tenant", "sync:acme:new"]);
    expect(parseScheduleId("sync:acme:eu:other-tenant")).toEqual({ tenantId: "acme:eu", connectionId: "other-tenant" });
  });
});

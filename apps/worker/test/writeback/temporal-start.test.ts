/**
 * `worker writeback drain --temporal`'s client side, through the real Temporal Client over the fake connection that
 * records the gRPC requests (no server): the start request, a running drain not doubled, the environment it needs.
 */
import { Client } from "@temporalio/client";
import { describe, expect, it } from "vitest";
import { temporalClientConfig, TemporalClientConfigError } from "../../src/temporal/client.js";
import { startWritebackDrain, startWritebackDrains } from "../../src/writeback/temporal-start.js";
import { createFakeConnection } from "../temporal/fake-connection.js";

const decode = (payload: { data?: Uint8Array | null }) => JSON.parse(Buffer.from(payload.data ?? new Uint8Array()).toString("utf8")) as unknown;

interface StartRequest {
  namespace: string;
  workflowId: string;
  workflowType: { name: string };
  taskQueue: { name: string };
  input: { payloads: { data?: Uint8Array }[] };
  workflowIdConflictPolicy: number;
}

describe("startWritebackDrain", () => {
  it("starts drainWriteback under the connection's stable id on the task queue, with the target as input", async () => {
    const connection = createFakeConnection();
    const client = new Client({ connection, namespace: "gtm" });
    const start = await startWritebackDrain(client.workflow, { tenantId: "acme", connectionId: "sf-1" }, "gtm-sync");
    expect(start).toEqual({ workflowId: "writeback:acme:sf-1", outcome: "started", runId: connection.running.get("writeback:acme:sf-1") });

    const request = connection.calls.find((c) => c.method === "startWorkflowExecution")?.request as unknown as StartRequest;
    expect(request.namespace).toBe("gtm");
    expect(request.workflowId).toBe("writeback:acme:sf-1");
    expect(request.workflowType.name).toBe("drainWriteback");
    expect(request.taskQueue.name).toBe("gtm-sync");
    expect(request.input.payloads.map(decode)).toEqual([{ tenantId: "acme", connectionId: "sf-1" }]);
    expect(request.workflowIdConflictPolicy).toBe(1); // WORKFLOW_ID_CONFLICT_POLICY_FAIL: a running drain is not doubled
  });

  it("a drain still running is reported, not doubled; once it completed the next start runs a new one", async () => {
    const connection = createFakeConnection();
    const client = new Client({ connection, namespace: "gtm" });
    const target = { tenantId: "acme", connectionId: "sf-1" };
    const first = await startWritebackDrain(client.workflow, target, "gtm-sync");
    expect(await startWritebackDrain(client.workflow, target, "gtm-sync")).toEqual({ workflowId: "writeback:acme:sf-1", outcome: "already-running" });
    expect(connection.running.size).toBe(1);

    connection.running.delete("writeback:acme:sf-1");
    const again = await startWritebackDrain(client.workflow, target, "gtm-sync");
    expect(again.outcome).toBe("started");
    expect(again.runId).not.toBe(first.runId);
  });

  it("startWritebackDrains uses one connection for every target and closes it", async () => {
    const connection = createFakeConnection();
    let closed = 0;
    const starts = await startWritebackDrains(
      { address: "temporal.internal:7233", namespace: "gtm", taskQueue: "gtm-sync", tls: false },
      [
        { tenantId: "acme", connectionId: "sf-1" },
        { tenantId: "acme", connectionId: "sf-2" },
      ],
      async () => ({ ...connection, close: async () => void (closed += 1) }),
    );
    expect(starts.map((s) => [s.workflowId, s.outcome])).toEqual([
      ["writeback:acme:sf-1", "started"],
      ["writeback:acme:sf-2", "started"],
    ]);
    expect(closed).toBe(1);
  });
});

describe("temporalClientConfig", () => {
  it("reads the worker's variables with their defaults; an API key implies TLS unless TEMPORAL_TLS says otherwise", () => {
    expect(temporalClientConfig({ TEMPORAL_ADDRESS: "temporal.internal:7233" })).toEqual({
      address: "temporal.internal:7233",
      namespace: "default",
      taskQueue: "gtm-sync",
      tls: false,
    });
    const cloud = temporalClientConfig({ TEMPORAL_ADDRESS: "ns.acct.tmprl.cloud:7233", TEMPORAL_NAMESPACE: "ns.acct", TEMPORAL_API_KEY: "k-123", TASK_QUEUE: "q" });
    expect(cloud).toMatchObject({ namespace: "ns.acct", taskQueue: "q", tls: true, apiKey: "k-123" });
    expect(temporalClientConfig({ TEMPORAL_ADDRESS: "localhost:7233", TEMPORAL_API_KEY: "k", TEMPORAL_TLS: "false" }).tls).toBe(false);
  });

  it("refuses a missing or malformed address, naming the variable and never echoing a value", () => {
    expect(() => temporalClientConfig({})).toThrow(TemporalClientConfigError);
    expect(() => temporalClientConfig({})).toThrow(/TEMPORAL_ADDRESS: is required/);
    let message = "";
    try {
      temporalClientConfig({ TEMPORAL_ADDRESS: "not a host", TEMPORAL_API_KEY: "secret-key-value", TEMPORAL_TLS: "maybe" });
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/TEMPORAL_ADDRESS/);
    expect(message).toMatch(/TEMPORAL_TLS/);
    expect(message).not.toContain("secret-key-value");
    expect(message).not.toContain("not a host");
  });
});

/**
 * Client side: start a connection's `drainWriteback` on Temporal now (`worker writeback drain --temporal`), instead
 * of waiting for the next succeeded sync to start it (./trigger.ts). Same stable id, so a drain already running is
 * reported and left to do the work, never doubled.
 */
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, type WorkflowClient } from "@temporalio/client";
import { connectTemporal, type ConnectTemporal, type TemporalClientConfig } from "../temporal/client.js";
import { writebackWorkflowId } from "./ids.js";
import type { WritebackTarget } from "./types.js";
import type { drainWriteback } from "./workflow.js";

export const DRAIN_WORKFLOW_TYPE = "drainWriteback";

export interface DrainStart {
  workflowId: string;
  outcome: "started" | "already-running";
  /** The run started (absent when one was already running). */
  runId?: string;
}

/** Starts the drain unless one is running under the connection's id (the server refuses a second: FAIL). */
export async function startWritebackDrain(
  workflows: Pick<WorkflowClient, "start">,
  target: WritebackTarget,
  taskQueue: string,
): Promise<DrainStart> {
  const workflowId = writebackWorkflowId(target.tenantId, target.connectionId);
  try {
    const handle = await workflows.start<typeof drainWriteback>(DRAIN_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [{ tenantId: target.tenantId, connectionId: target.connectionId }],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
    });
    return { workflowId, outcome: "started", runId: handle.firstExecutionRunId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: "already-running" };
    throw error;
  }
}

/** Starts (or finds running) the drain of each target, one connection for all of them. */
export async function startWritebackDrains(
  config: TemporalClientConfig,
  targets: readonly WritebackTarget[],
  connect: ConnectTemporal = connectTemporal,
): Promise<DrainStart[]> {
  const connection = await connect(config);
  try {
    const client = new Client({ connection, namespace: config.namespace });
    const started: DrainStart[] = [];
    for (const target of targets) started.push(await startWritebackDrain(client.workflow, target, config.taskQueue));
    return started;
  } finally {
    await connection.close();
  }
}

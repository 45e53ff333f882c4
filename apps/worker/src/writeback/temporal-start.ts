/**
 * Client side: start a connection's `drainWriteback` on Temporal now (`worker writeback drain --temporal`), instead
 * of waiting for the next succeeded sync to start it (./trigger.ts). Same stable id, so a drain already running is
 * reported and left to do the work, never doubled.
 */
import {
  Client,
  Connection,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  type ConnectionLike,
  type WorkflowClient,
} from "@temporalio/client";
import { WorkerEnvSchema } from "../temporal/worker-options.js";
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

/** What a client needs from the worker's environment: the same variables, checked by the same rules. */
const ClientEnvSchema = WorkerEnvSchema.pick({
  TEMPORAL_ADDRESS: true,
  TEMPORAL_NAMESPACE: true,
  TEMPORAL_API_KEY: true,
  TEMPORAL_TLS: true,
  TASK_QUEUE: true,
});

/** A bad or missing Temporal variable; names the variable, never echoes its value. */
export class TemporalClientConfigError extends Error {
  override readonly name = "TemporalClientConfigError";
}

export interface TemporalClientConfig {
  address: string;
  namespace: string;
  taskQueue: string;
  tls: boolean;
  apiKey?: string;
}

export function temporalClientConfig(env: Record<string, string | undefined>): TemporalClientConfig {
  const parsed = ClientEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new TemporalClientConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  }
  const e = parsed.data;
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TASK_QUEUE,
    tls: e.TEMPORAL_TLS === undefined ? e.TEMPORAL_API_KEY !== undefined : e.TEMPORAL_TLS === "true",
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
}

export type ConnectTemporal = (config: TemporalClientConfig) => Promise<ConnectionLike>;

export const connectTemporal: ConnectTemporal = (config) =>
  Connection.connect({ address: config.address, ...(config.tls ? { tls: true } : {}), ...(config.apiKey ? { apiKey: config.apiKey } : {}) });

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

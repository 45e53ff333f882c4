/**
 * A Temporal client's connection, configured from the same variables as `worker start` and checked by the same
 * rules (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS, TASK_QUEUE): for the CLI commands that
 * talk to Temporal as a client (`schedules sync`, `writeback drain --temporal`).
 */
import { Connection, type ConnectionLike } from "@temporalio/client";
import { WorkerEnvSchema } from "./worker-options.js";

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

/**
 * Temporal worker configuration from the environment, as a pure function so it is unit-tested without a server.
 * Everything a production worker needs is validated up front: a typo fails the boot with a clear message instead
 * of a worker polling the wrong queue.
 */
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { NativeConnectionOptions, WorkerOptions } from "@temporalio/worker";
import { z } from "zod";

/** Where `scripts/build-workflow-bundle.ts` writes the prebuilt bundle. */
export const DEFAULT_WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL("../../dist/workflow-bundle.js", import.meta.url));
export const DEFAULT_TASK_QUEUE = "gtm-sync";

const durationPattern = /^\d+(\.\d+)?\s*(ms|s|m|h)$/;
type DurationString = `${number}${"ms" | "s" | "m" | "h"}`;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** "is required" instead of zod's "expected string, received undefined". */
const requiredString = () => z.string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") });

export const WorkerEnvSchema = z.object({
  TEMPORAL_ADDRESS: requiredString()
    .trim()
    .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/, "expected host:port, e.g. temporal.internal:7233"),
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default("default"),
  /** Set for Temporal Cloud (API-key auth implies TLS). */
  TEMPORAL_API_KEY: z.string().trim().min(1).optional(),
  TEMPORAL_TLS: z.enum(["true", "false"]).optional(),
  TASK_QUEUE: z.string().trim().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_' and '-' only").default(DEFAULT_TASK_QUEUE),
  DATABASE_URL: requiredString()
    .trim()
    .regex(/^postgres(ql)?:\/\//, "a Temporal worker needs a shared PostgreSQL (postgres://...); PGlite is single-process"),
  CONNECTOR_ENCRYPTION_KEY: requiredString().trim().regex(/^[0-9a-fA-F]{64}$/, "expected 64 hex characters (32 bytes)"),
  WORKFLOW_BUNDLE_PATH: z.string().trim().min(1).optional(),
  /** How long in-flight pages get to finish on SIGTERM; keep it below the orchestrator's kill grace. */
  SHUTDOWN_GRACE_TIME: z.string().trim().regex(durationPattern, "e.g. 30s, 2m").default("30s"),
  MAX_CONCURRENT_ACTIVITIES: positiveInt(20),
  MAX_CACHED_WORKFLOWS: positiveInt(200),
  /** Server-enforced limit for the whole queue: every worker on the queue must use the same value. */
  MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND: z.coerce.number().positive().optional(),
  WORKER_IDENTITY: z.string().trim().min(1).optional(),
});

export type WorkerEnv = z.infer<typeof WorkerEnvSchema>;

export interface WorkerConfig {
  connection: NativeConnectionOptions;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  encryptionKey: string;
  /** Everything `Worker.create` needs except `connection` and `activities`, which the bootstrap supplies. */
  worker: Omit<WorkerOptions, "connection" | "activities"> & { taskQueue: string; workflowBundle: { codePath: string } };
}

export class WorkerConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid worker configuration:\n  - ${issues.join("\n  - ")}`);
    this.name = "WorkerConfigError";
  }
}

/** Validates `env` (typically `process.env`) and builds the connection and worker options. Pure: no I/O. */
export function buildWorkerOptions(env: Record<string, string | undefined>): WorkerConfig {
  const parsed = WorkerEnvSchema.safeParse(env);
  if (!parsed.success) {
    // Messages name the variable, never echo its value: a key or a URL with a password must not reach a log.
    throw new WorkerConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "env"}: ${issue.message}`));
  }
  const e = parsed.data;
  const tls = e.TEMPORAL_TLS === undefined ? e.TEMPORAL_API_KEY !== undefined : e.TEMPORAL_TLS === "true";
  const connection: NativeConnectionOptions = {
    address: e.TEMPORAL_ADDRESS,
    ...(tls ? { tls: true } : {}),
    ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
  };
  return {
    connection,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TASK_QUEUE,
    databaseUrl: e.DATABASE_URL,
    encryptionKey: e.CONNECTOR_ENCRYPTION_KEY.toLowerCase(),
    worker: {
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TASK_QUEUE,
      identity: e.WORKER_IDENTITY ?? `gtm-worker@${hostname()}:${process.pid}`,
      workflowBundle: { codePath: e.WORKFLOW_BUNDLE_PATH ?? DEFAULT_WORKFLOW_BUNDLE_PATH },
      shutdownGraceTime: e.SHUTDOWN_GRACE_TIME.replace(/\s+/g, "") as DurationString,
      maxConcurrentActivityTaskExecutions: e.MAX_CONCURRENT_ACTIVITIES,
      maxCachedWorkflows: e.MAX_CACHED_WORKFLOWS,
      ...(e.MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND === undefined
        ? {}
        : { maxTaskQueueActivitiesPerSecond: e.MAX_TASK_QUEUE_ACTIVITIES_PER_SECOND }),
    },
  };
}

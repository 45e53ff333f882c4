/**
 * The production Temporal worker: a NativeConnection, the prebuilt workflow bundle and the shared activities.
 *
 * Shutdown: the SDK Runtime catches SIGINT/SIGTERM/SIGQUIT/SIGUSR2 and asks every worker to stop polling. In-flight
 * pages get `shutdownGraceTime` to finish (they commit atomically, so a page is either in or out); after that they
 * are cancelled, their attempt fails and the retry resumes from the committed cursor on another worker.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type LogLevel,
  type WorkerOptions,
} from "@temporalio/worker";
import type { SyncActivities } from "../activities/types.js";
import type { WorkerConfig } from "./worker-options.js";

const WORKFLOWS_SOURCE = fileURLToPath(new URL("./workflows.ts", import.meta.url));

export interface RunTemporalWorkerOptions {
  config: WorkerConfig;
  /** Called once Temporal is reachable: the database is not touched (or migrated) before that. */
  activities: () => Promise<SyncActivities>;
  /** Bundle the workflow source at boot when the prebuilt bundle is missing (development only). */
  allowSourceBundle?: boolean;
  logLevel?: LogLevel;
  /** Reports the worker's lifecycle (connected, running, stopped) to the caller, e.g. the CLI. */
  onState?: (state: string) => void;
}

/** The workflow code option: the prebuilt bundle in production, the source in development when allowed. */
export function resolveWorkflowCode(
  config: WorkerConfig,
  allowSourceBundle: boolean,
): Pick<WorkerOptions, "workflowBundle" | "workflowsPath"> {
  const { codePath } = config.worker.workflowBundle;
  if (existsSync(codePath)) return { workflowBundle: { codePath } };
  if (allowSourceBundle) return { workflowsPath: WORKFLOWS_SOURCE };
  throw new Error(
    `Workflow bundle not found at ${codePath}. Build it with \`pnpm --filter @gtm-clarity/worker build:workflows\` ` +
      "(or pass --dev to bundle from source at boot).",
  );
}

/** Connects, runs until a shutdown signal, drains, and closes the connection. */
export async function runTemporalWorker(options: RunTemporalWorkerOptions): Promise<void> {
  const { config } = options;
  Runtime.install({ logger: new DefaultLogger(options.logLevel ?? "INFO") });
  const { workflowBundle: _prebuilt, ...workerOptions } = config.worker;
  const connection = await NativeConnection.connect(config.connection);
  options.onState?.(`connected to ${String(config.connection.address)} (namespace ${config.namespace})`);
  try {
    const worker = await Worker.create({
      ...workerOptions,
      ...resolveWorkflowCode(config, options.allowSourceBundle ?? false),
      // Past the grace time, give cancelled activities a moment to confirm before giving up on them.
      shutdownForceTime: "60s",
      connection,
      activities: { ...(await options.activities()) },
    });
    options.onState?.(`polling task queue ${config.taskQueue} as ${String(config.worker.identity)}`);
    await worker.run();
    options.onState?.("stopped");
  } finally {
    await connection.close();
  }
}

/**
 * "Sync now". Embedded default: the worker's own sync loop and activities, in this process (PGlite admits one
 * process, so the web app is where the runner lives). With TEMPORAL_ADDRESS: a `syncConnection` workflow on the
 * worker's task queue, as the worker's schedules start it.
 */
import type { Logger } from "@gtm-clarity/core";
import { runSyncLoop, type SyncLoopResult } from "@gtm-clarity/worker/runner";
// The workflow type the worker registers and its schedules start.
import { SYNC_WORKFLOW_TYPE } from "@gtm-clarity/worker/scheduler";

export interface SyncTarget {
  tenantId: string;
  connectionId: string;
}

export type SyncStart = "started" | "already_running";

export interface SyncLauncher {
  readonly mode: "in-process" | "temporal";
  start(target: SyncTarget): Promise<SyncStart>;
  /** Whether a sync of this connection started here is still going (in-process only; Temporal knows its own). */
  running(target: SyncTarget): boolean;
  /** Resolves when every in-process sync started so far has finished (tests, shutdown). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

type SyncActivities = Parameters<typeof runSyncLoop>[0];

const key = (target: SyncTarget) => `${target.tenantId}\u0000${target.connectionId}`;

export function inProcessLauncher(activities: SyncActivities, logger: Logger): SyncLauncher {
  const inFlight = new Map<string, Promise<SyncLoopResult>>();
  const stop = new AbortController();
  return {
    mode: "in-process",
    start(target) {
      const id = key(target);
      if (inFlight.has(id)) return Promise.resolve("already_running");
      const run = runSyncLoop(activities, target, { trigger: "manual", stop: stop.signal })
        .catch((error: unknown): SyncLoopResult => {
          // runSyncLoop records failures on the run itself; anything thrown past it is a bug worth a log line.
          logger.error("sync loop threw", { connectionId: target.connectionId, error: String(error) });
          throw error;
        })
        .finally(() => inFlight.delete(id));
      inFlight.set(id, run);
      run.catch(() => undefined);
      return Promise.resolve("started");
    },
    running: (target) => inFlight.has(key(target)),
    async idle() {
      await Promise.allSettled([...inFlight.values()]);
    },
    async close() {
      stop.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
}

export interface TemporalOptions {
  address: string;
  namespace: string;
  taskQueue: string;
}

export async function temporalLauncher(options: TemporalOptions): Promise<SyncLauncher> {
  const { Client, Connection, WorkflowExecutionAlreadyStartedError } = await import("@temporalio/client");
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection, namespace: options.namespace });
  return {
    mode: "temporal",
    async start(target) {
      try {
        await client.workflow.start(SYNC_WORKFLOW_TYPE, {
          taskQueue: options.taskQueue,
          // One manual sync per connection at a time: a second press while it runs is refused by the server.
          workflowId: `manual:${target.tenantId}:${target.connectionId}`,
          args: [{ tenantId: target.tenantId, connectionId: target.connectionId, trigger: "manual" }],
        });
        return "started";
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return "already_running";
        throw error;
      }
    },
    running: () => false,
    idle: () => Promise.resolve(),
    close: () => connection.close(),
  };
}

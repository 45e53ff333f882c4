/**
 * The embedded runner: syncs many connections in-process, at most `concurrency` at a time, with live progress.
 * Each connection runs the same loop and activities as the Temporal workflow (see ./sync-loop.ts).
 */
import type { SyncActivities, SyncTarget } from "../activities/types.js";
import { drainAfterSync } from "../writeback/after-sync.js";
import type { WritebackDrainer } from "../writeback/activities.js";
import { ProgressDisplay } from "./progress.js";
import { runSyncLoop, type RetryPolicy, type SyncLoopOptions, type SyncLoopResult } from "./sync-loop.js";

export interface RunnerTarget extends SyncTarget {
  /** Shown in progress lines; defaults to the connection id. */
  label?: string;
}

export interface RunSyncsOptions {
  activities: SyncActivities;
  targets: readonly RunnerTarget[];
  /** Connections synced in parallel. Default 4. */
  concurrency?: number;
  fullSync?: boolean;
  trigger?: SyncLoopOptions["trigger"];
  progress?: ProgressDisplay;
  stop?: AbortSignal;
  abort?: AbortSignal;
  retry?: Partial<RetryPolicy>;
  /** Drains each connection's writeback outbox after its sync succeeds (connectors that write back only). */
  writeback?: WritebackDrainer;
  /** Called after every committed page (the crash test records cursors through it). */
  onPage?: (target: RunnerTarget, page: { cursor: string | null; records: number }) => void;
}

export async function runSyncs(options: RunSyncsOptions): Promise<SyncLoopResult[]> {
  const progress = options.progress ?? new ProgressDisplay({ silent: true });
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const results: SyncLoopResult[] = new Array<SyncLoopResult>(options.targets.length);
  progress.reset();
  for (const target of options.targets) progress.update(target.connectionId, { label: target.label ?? target.connectionId });

  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      const target = options.targets[index];
      if (target === undefined) return;
      const key = target.connectionId;
      if (options.stop?.aborted || options.abort?.aborted) {
        results[index] = {
          tenantId: target.tenantId,
          connectionId: target.connectionId,
          status: "cancelled",
          runId: null,
          connectorId: null,
          connectorVersion: null,
          counters: { pages: 0, records: 0, quarantined: 0, documents: 0 },
          cursor: null,
          durationMs: 0,
        };
        progress.update(key, { state: "cancelled" });
        continue;
      }
      progress.update(key, { state: "syncing", startedAt: Date.now() });
      const result = await runSyncLoop(options.activities, { tenantId: target.tenantId, connectionId: target.connectionId }, {
        ...(options.fullSync === undefined ? {} : { fullSync: options.fullSync }),
        ...(options.trigger === undefined ? {} : { trigger: options.trigger }),
        ...(options.stop ? { stop: options.stop } : {}),
        ...(options.abort ? { abort: options.abort } : {}),
        ...(options.retry ? { retry: options.retry } : {}),
        onPage: (page, counters) => {
          progress.update(key, { state: "syncing", ...counters });
          options.onPage?.(target, { cursor: page.cursor, records: page.records });
        },
        onRetry: ({ attempt, delayMs, error }) => {
          progress.update(key, { state: "retrying" });
          progress.log(
            `${target.label ?? key}: ${error.type} (${error.message}); retry ${attempt + 1} in ${(delayMs / 1000).toFixed(1)}s`,
          );
        },
      });
      results[index] = result;
      if (options.writeback && result.status === "succeeded") {
        await drainAfterSync(options.writeback, target, result.connectorId, progress, options.abort);
      }
      progress.update(key, { state: result.status === "succeeded" ? "done" : result.status, ...result.counters });
      if (result.status === "failed" && result.error) {
        progress.log(`${target.label ?? key}: failed: ${result.error.type}: ${result.error.message}`);
      }
    }
  };

  progress.start();
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, options.targets.length) }, worker));
  } finally {
    progress.stop();
  }
  return results;
}

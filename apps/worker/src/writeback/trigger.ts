/**
 * Workflow code: after a succeeded sync, `syncConnection` starts the connection's `drainWriteback` (the Temporal
 * twin of the in-process runner's ./after-sync.ts). Bundled into the workflow sandbox, so it imports only
 * `@temporalio/workflow` (and the error class it rejects with, from `@temporalio/common`), types and pure modules.
 *
 * - One cheap activity (`writebackPending`, a store read) first: a connector without writeback, an inactive
 *   connection or an empty outbox starts nothing, so most syncs add one activity and no workflow.
 * - The drain is a child with the connection's stable id (`writeback:{tenant}:{connection}`) and parent-close
 *   ABANDON: the sync completes as soon as the drain has started, and the drain outlives it. A drain already
 *   running under that id is left to do the work (the server refuses a second start; nothing is doubled).
 * - Like the runner, a drain that cannot be started never fails the sync it follows: the changes stay queued for
 *   the next sync's trigger or `worker writeback drain`.
 */
import { WorkflowExecutionAlreadyStartedError } from "@temporalio/common";
import { isCancellation, log, ParentClosePolicy, proxyActivities, startChild } from "@temporalio/workflow";
import { writebackWorkflowId } from "./ids.js";
import type { WritebackActivities, WritebackTarget } from "./types.js";
import type { drainWriteback } from "./workflow.js";

/** A store read: short, a few quick retries; past them the sync still succeeds and the next one checks again. */
const check = proxyActivities<Pick<WritebackActivities, "writebackPending">>({
  startToCloseTimeout: "30 seconds",
  retry: { initialInterval: "1 second", backoffCoefficient: 2, maximumInterval: "10 seconds", maximumAttempts: 5 },
});

/** What the sync's trigger did, reported in the `syncConnection` result. */
export type WritebackTrigger =
  /** The connector cannot write back, or the connection is not active: nothing to drain. */
  | "unsupported"
  /** Its outbox holds nothing queued or sent. */
  | "nothing-pending"
  /** `drainWriteback` was started as an abandoned child. */
  | "started"
  /** A drain for the connection was already running: it does the work. */
  | "already-running"
  /** The check or the start failed (logged); the changes stay queued. */
  | "failed";

export async function startDrainAfterSync(target: WritebackTarget): Promise<WritebackTrigger> {
  try {
    const { supported, pending } = await check.writebackPending({ tenantId: target.tenantId, connectionId: target.connectionId });
    if (!supported) return "unsupported";
    if (pending === 0) return "nothing-pending";
    await startChild<typeof drainWriteback>("drainWriteback", {
      workflowId: writebackWorkflowId(target.tenantId, target.connectionId),
      args: [{ tenantId: target.tenantId, connectionId: target.connectionId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    log.info("writeback drain started", { pending });
    return "started";
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return "already-running";
    if (isCancellation(error)) throw error;
    log.warn("writeback drain not started", { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    return "failed";
  }
}

/**
 * The abandoned-run scan at worker start: runs still marked running whose process died are closed as `abandoned`,
 * ended at their last heartbeat, in every tenant (as the store's maintenance role) and however many there are.
 * A live run stamps its heartbeat with every committed page and at least once a minute while a page is fetched
 * (./../activities/sync-page.ts), so a run quiet for STALE_RUN_MS has nobody left running it. Each sync start also
 * closes its own connection's other running runs (startRun), whatever their age.
 */
import type { Logger } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";

/** Far above the longest quiet spell of a live run (a minute), below any schedule interval worth having. */
export const STALE_RUN_MS = 15 * 60_000;

export async function closeStaleRuns(store: Pick<Store, "maintenance">, logger: Logger, staleAfterMs = STALE_RUN_MS): Promise<number> {
  const closed = await store.maintenance.abandonStaleRuns({ staleAfterMs });
  for (const run of closed) {
    logger.warn("closed an abandoned run", {
      tenantId: run.tenantId,
      connectionId: run.connectionId,
      runId: run.id,
      lastHeartbeat: run.finishedAt.toISOString(),
    });
  }
  return closed.length;
}

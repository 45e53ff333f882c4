/**
 * One page of a sync, with no Temporal in sight: read the stored cursor, fetch the page after it, commit the
 * page's records together with its next cursor in one transaction. The stored cursor is the truth: an attempt that
 * died after its commit is never re-applied (its last heartbeat says so), and a crash anywhere resumes exactly at the
 * last committed page. Temporal (or the in-process runner) supplies heartbeats and cancellation through `PageRuntime`.
 */
import type { Logger } from "@gtm-clarity/core";
import type { ConnectionSource } from "./connection-source.js";
import { assertWithinPageLimit } from "./paging.js";
import type { SyncStore } from "./store-port.js";
import type { SyncPageInput, SyncPageResult } from "./types.js";

/** What a page needs from whoever runs it: heartbeats, cancellation, and the last heartbeat of a failed attempt. */
export interface PageRuntime {
  heartbeat(details?: unknown): void;
  readonly signal: AbortSignal;
  readonly heartbeatDetails: unknown;
}

/** What a page's last heartbeat says; a retried attempt reads it back from `heartbeatDetails`. */
export type PageHeartbeat =
  | { phase: "fetching"; runId: string; page: number; cursor: string | null }
  | { phase: "committed"; runId: string; page: number; result: SyncPageResult };

/** The page was fetched but the caller was cancelled meanwhile: nothing was committed. */
export class PageCancelledError extends Error {
  override readonly name = "PageCancelledError";
}

export interface SyncPageDeps {
  store: SyncStore;
  connections: ConnectionSource;
  logger: Logger;
  heartbeatIntervalMs: number;
  maxPagesPerSync: number;
}

function isCommittedHeartbeat(value: unknown, input: SyncPageInput): value is Extract<PageHeartbeat, { phase: "committed" }> {
  if (typeof value !== "object" || value === null) return false;
  const hb = value as Partial<Extract<PageHeartbeat, { phase: "committed" }>>;
  return hb.phase === "committed" && hb.runId === input.runId && hb.page === input.page && typeof hb.result === "object";
}

export async function syncOnePage(deps: SyncPageDeps, input: SyncPageInput, runtime: PageRuntime): Promise<SyncPageResult> {
  const { store, connections, logger } = deps;
  const ref = { tenantId: input.tenantId, connectionId: input.connectionId };
  let timer: NodeJS.Timeout | undefined;
  try {
    const stored = await store.getCursor(ref);
    // A previous attempt committed this page and died before reporting it: report it now, fetch nothing.
    if (isCommittedHeartbeat(runtime.heartbeatDetails, input) && runtime.heartbeatDetails.result.cursor === stored) {
      logger.info("page already committed by a previous attempt", { ...ref, runId: input.runId, page: input.page });
      return runtime.heartbeatDetails.result;
    }
    if (stored !== input.cursor) {
      logger.warn("resuming from the committed cursor, not the one the caller passed", { ...ref, runId: input.runId, page: input.page });
    }
    const connection = await connections.forPage(ref, input.runId);
    const { connector, settings } = connection;
    assertWithinPageLimit(connector.id, input, deps.maxPagesPerSync);

    const fetching: PageHeartbeat = { phase: "fetching", runId: input.runId, page: input.page, cursor: stored };
    runtime.heartbeat(fetching);
    // Keep heartbeating while the source is slow (rate-limit waits): the heartbeat timeout only fires on a dead
    // worker, and cancellation is delivered through heartbeats.
    timer = setInterval(() => runtime.heartbeat(fetching), deps.heartbeatIntervalMs);
    timer.unref();

    // A rejected token is refreshed (once, under the connection's lock) and the page fetched once more.
    const page = await connections.withAuthRetry(ref, input.runId, connection, (credentials) =>
      connector.sync(credentials, stored, { fullSync: input.fullSync, signal: runtime.signal, logger, settings }),
    );
    clearInterval(timer);
    timer = undefined;
    if (runtime.signal.aborted) throw new PageCancelledError(String(runtime.signal.reason ?? "cancelled"));
    const committed = await store.commitPage({
      ...ref,
      runId: input.runId,
      records: page.records,
      quarantined: page.quarantined ?? [],
      documents: page.documents ?? [],
      cursor: page.cursor,
      // Arms the store's paging loop guard: a cursor this run already committed (A -> B -> A) fails the page.
      hasMore: page.hasMore,
    });
    const result: SyncPageResult = {
      cursor: page.cursor,
      hasMore: page.hasMore,
      records: page.records.length,
      quarantined: committed.quarantined,
      documents: page.documents?.length ?? 0,
    };
    const done: PageHeartbeat = { phase: "committed", runId: input.runId, page: input.page, result };
    runtime.heartbeat(done);
    return result;
  } catch (error) {
    connections.forget(input.runId); // a failed page reloads the connection and credentials on its retry
    throw error;
  } finally {
    if (timer) clearInterval(timer);
  }
}

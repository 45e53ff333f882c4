/**
 * Pages of a sync, with no Temporal in sight: read the stored cursor once, then fetch page after page, each page's
 * records committed together with its next cursor in one transaction. Fetches run ahead of the commits by a bounded
 * number of pages (./prefetch.ts), in a fetch thread when the app gives one (../fetching), which is what makes a sync
 * run at the speed of its slower half instead of the sum of both.
 *
 * The stored cursor is the truth: a page fetched ahead was read from a cursor that is not committed yet, but it is
 * only committed after that cursor is, and a failed commit (or the call's end) drops it. An attempt that died after a commit is never
 * re-applied (its last heartbeat says how far it got), and a crash anywhere resumes exactly at the last committed
 * page. Temporal (or the in-process runner) supplies heartbeats and cancellation through `PageRuntime`.
 */
import type { Logger } from "@gtm-clarity/core";
import type { FetchedPage, PageFetcher } from "../fetching/page-fetcher.js";
import type { ConnectionSource } from "./connection-source.js";
import { addPageToTotal, emptyTotal, pageOf } from "../sync-policy.js";
import { assertWithinPageLimit } from "./paging.js";
import { prefetch, type Prefetch } from "./prefetch.js";
import type { SyncStore } from "./store-port.js";
import type { SyncPageInput, SyncPageResult, SyncPagesInput, SyncPagesResult } from "./types.js";

/** What pages need from whoever runs them: heartbeats, cancellation, and the last heartbeat of a failed attempt. */
export interface PageRuntime {
  heartbeat(details?: unknown): void;
  readonly signal: AbortSignal;
  readonly heartbeatDetails: unknown;
  /** Graceful stop (in-process runner): commit the page in hand, start no other, return what was done. */
  readonly stop?: AbortSignal | undefined;
}

/**
 * What the last heartbeat says; a retried attempt reads it back from `heartbeatDetails`. `page` and `result` are
 * the last committed page, `total` everything this call committed from `firstPage` on.
 */
export type PageHeartbeat =
  | { phase: "fetching"; runId: string; page: number; cursor: string | null }
  | { phase: "committed"; runId: string; page: number; result: SyncPageResult; firstPage: number; total: SyncPagesResult };

/** The page was fetched but the caller was cancelled meanwhile: nothing more was committed. */
export class PageCancelledError extends Error {
  override readonly name = "PageCancelledError";
}

export interface SyncPageDeps {
  store: SyncStore;
  connections: ConnectionSource;
  /** Runs the connector's `sync` for a page: here, or in a fetch thread (../fetching). */
  fetcher: PageFetcher;
  logger: Logger;
  heartbeatIntervalMs: number;
  maxPagesPerSync: number;
  /** Fetched pages that may wait for their commit (./prefetch.ts); at least 1. */
  prefetchDepth: number;
  /** A call stops starting pages after this long, so a workflow records progress at least this often. */
  maxCallMs: number;
  now: () => number;
}

type CommittedHeartbeat = Extract<PageHeartbeat, { phase: "committed" }>;

function committedHeartbeat(value: unknown, input: SyncPageInput): CommittedHeartbeat | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const hb = value as Partial<CommittedHeartbeat>;
  const matches = hb.phase === "committed" && hb.runId === input.runId && hb.firstPage === input.page && typeof hb.total === "object";
  return matches ? (hb as CommittedHeartbeat) : undefined;
}

/** How often, at most, a long fetch also stamps the run's heartbeat in the store (page commits stamp it anyway). */
const STORE_HEARTBEAT_MS = 60_000;

export async function syncPages(deps: SyncPageDeps, input: SyncPagesInput, runtime: PageRuntime): Promise<SyncPagesResult> {
  const { store, connections, logger, now } = deps;
  const ref = { tenantId: input.tenantId, connectionId: input.connectionId };
  const maxPages = Math.max(1, input.maxPages);
  // Aborts fetches nobody will commit (a failed commit, a stop, the call's end); the runtime's signal aborts all.
  const aborter = new AbortController();
  const signal = AbortSignal.any([runtime.signal, aborter.signal]);
  let timer: NodeJS.Timeout | undefined;
  let ahead: Prefetch<FetchedPage> | undefined;
  try {
    const stored = await store.getCursor(ref);
    let total = emptyTotal(stored);
    // A previous attempt committed pages and died before reporting them: carry on after them, re-fetch nothing.
    const resumed = committedHeartbeat(runtime.heartbeatDetails, input);
    if (resumed && resumed.total.cursor === stored) {
      logger.info("pages already committed by a previous attempt", { ...ref, runId: input.runId, page: input.page, pages: resumed.total.pages });
      total = resumed.total;
      if (!total.hasMore || total.pages >= maxPages) return total;
    } else if (stored !== input.cursor) {
      logger.warn("resuming from the committed cursor, not the one the caller passed", { ...ref, runId: input.runId, page: input.page });
    }
    const deadline = now() + deps.maxCallMs;

    let beat: PageHeartbeat = { phase: "fetching", runId: input.runId, page: input.page + total.pages, cursor: total.cursor };
    runtime.heartbeat(beat);
    // Keep heartbeating while the source is slow (rate-limit waits): the heartbeat timeout only fires on a dead
    // worker, and cancellation is delivered through heartbeats. The store's run heartbeat is stamped less often.
    let storeBeatAt = now();
    timer = setInterval(() => {
      runtime.heartbeat(beat);
      if (now() - storeBeatAt >= STORE_HEARTBEAT_MS) {
        storeBeatAt = now();
        store.heartbeatRun({ tenantId: input.tenantId, runId: input.runId }).catch((error: unknown) => {
          logger.warn("could not stamp the run's heartbeat", { ...ref, runId: input.runId, error: error instanceof Error ? error.message : String(error) });
        });
      }
    }, deps.heartbeatIntervalMs);
    timer.unref();

    // A fetch thread may fetch the pages after the one asked for before they are asked for (it still answers each
    // request in turn): as many as this call (and the run's page cap) still allow, up to the prefetch depth, and until
    // the call's deadline.
    const fetchPage = async (cursor: string | null, page: number, after: number): Promise<FetchedPage> => {
      const connection = await connections.forPage(ref, input.runId);
      assertWithinPageLimit(connection.connector.id, { runId: input.runId, page }, deps.maxPagesPerSync);
      // A rejected token is refreshed (once, under the connection's lock) and the page fetched once more.
      return connections.withAuthRetry(ref, input.runId, connection, (credentials) =>
        deps.fetcher.fetch(connection.connector, credentials, cursor, {
          fullSync: input.fullSync,
          signal,
          logger,
          settings: connection.settings,
          dpaAcceptedAt: connection.dpaAcceptedAt,
          limits: store.limits,
          runAhead: { pages: Math.max(0, Math.min(deps.prefetchDepth, after, deps.maxPagesPerSync - page)), forMs: Math.max(0, deadline - now()) },
        }),
      );
    };

    let page = input.page + total.pages;
    const committedBefore = total.pages;
    // Fetches run ahead of the commits (up to `prefetchDepth` pages), each from the cursor of the page before it.
    ahead = prefetch<FetchedPage>(total.cursor, {
      depth: deps.prefetchDepth,
      fetch: (cursor, index) => fetchPage(cursor, page + index, maxPages - committedBefore - index - 1),
      more: (fetched, count) => fetched.hasMore && committedBefore + count < maxPages && now() < deadline && !runtime.stop?.aborted,
      cursorOf: (fetched) => fetched.cursor,
    });
    for (;;) {
      // A page after one this call committed may fail too: the error is thrown like any other, and the retry
      // resumes after the committed pages (the last heartbeat says which), with the caller's backoff and the
      // source's Retry-After honoured.
      const fetched = await ahead.next();
      if (fetched === undefined) break;
      if (runtime.signal.aborted) throw new PageCancelledError(String(runtime.signal.reason ?? "cancelled"));

      let committed: { quarantined: number };
      try {
        committed = await store.commitPage({
          ...ref,
          runId: input.runId,
          prepared: fetched.prepared,
          cursor: fetched.cursor,
          // Arms the store's paging loop guard: a cursor this run already committed (A -> B -> A) fails the page.
          hasMore: fetched.hasMore,
        });
      } catch (error) {
        aborter.abort("the page before it did not commit");
        throw error;
      }
      const result: SyncPageResult = {
        cursor: fetched.cursor,
        hasMore: fetched.hasMore,
        records: fetched.records,
        quarantined: committed.quarantined,
        documents: fetched.documents,
        ...(fetched.stats.counts && Object.keys(fetched.stats.counts).length > 0 ? { counts: fetched.stats.counts } : {}),
        ...(fetched.stats.notices && fetched.stats.notices.length > 0 ? { notices: fetched.stats.notices } : {}),
      };
      total = addPageToTotal(total, result);
      beat = { phase: "committed", runId: input.runId, page, result, firstPage: input.page, total };
      runtime.heartbeat(beat);
      if (fetched.hasMore && runtime.stop?.aborted) return total; // the pages fetched ahead are dropped below
      page += 1;
    }
    return total;
  } catch (error) {
    connections.forget(input.runId); // a failed call reloads the connection and credentials on its retry
    throw error;
  } finally {
    // Pages fetched ahead and not committed are dropped, a fetch still in flight aborted: the stored cursor is
    // where the next call starts.
    ahead?.stop();
    aborter.abort("the call ended");
    if (timer) clearInterval(timer);
  }
}

/** One page (the `syncPage` activity of workflows started before pipelining): `syncPages` limited to one. */
export async function syncOnePage(deps: SyncPageDeps, input: SyncPageInput, runtime: PageRuntime): Promise<SyncPageResult> {
  const total = await syncPages(deps, { ...input, maxPages: 1 }, runtime);
  return pageOf(total);
}

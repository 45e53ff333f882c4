/**
 * Who runs a connector's `sync` for one page. In this thread (the default, and what tests with hand-made connectors
 * use), or in a worker thread (./thread-fetcher.ts): there the page's HTTP, JSON parsing, validation and transform
 * run beside the commit of the page before, instead of taking turns with it on one thread.
 *
 * Wherever the page is fetched it is also prepared for the store there (`prepareCommit`: dedupe, canonical
 * validation, serialisation), so a fetch thread hands the main thread a page it only has to write: strings cross
 * between threads for a fraction of what the records' object graphs cost, and the commit does no CPU work of its own.
 */
import type { CanonicalRecord, Connector, Credentials, Logger, SyncResult, SyncStats } from "@gtm-clarity/core";
import { prepareCommit, type PreparedCommit, type StoreLimits } from "@gtm-clarity/store/prepare";

export interface PageFetchOptions {
  fullSync: boolean;
  settings: Record<string, unknown>;
  dpaAcceptedAt: Date | null;
  signal: AbortSignal;
  logger: Logger;
  /** The limits of the store that commits the page (`store.limits`): the page is prepared under them. */
  limits: StoreLimits;
  /**
   * Pages after this one a fetcher may fetch before they are asked for (it still answers each request in turn), and
   * for how long from now. A fetch thread does (./run-ahead.ts); fetching here ignores it. Default: none.
   */
  runAhead?: RunAheadAllowance;
}

export interface RunAheadAllowance {
  pages: number;
  forMs: number;
}

/** One page of a connector, ready for `commitPrepared`. */
export interface FetchedPage {
  cursor: string | null;
  hasMore: boolean;
  stats: SyncStats;
  /** Records and documents as the connector returned them, before dedupe and validation. */
  records: number;
  documents: number;
  prepared: PreparedCommit;
}

/** The connector's page, prepared for the store. */
export function fetchedPage(result: SyncResult<CanonicalRecord>, limits: StoreLimits): FetchedPage {
  return {
    cursor: result.cursor,
    hasMore: result.hasMore,
    stats: result.stats,
    records: result.records.length,
    documents: result.documents?.length ?? 0,
    prepared: prepareCommit({ records: result.records, documents: result.documents ?? [], quarantined: result.quarantined ?? [] }, limits),
  };
}

export interface PageFetcher {
  /** `connector.sync(credentials, cursor, options)`, prepared for the store, wherever this fetcher runs it; errors keep their core class. */
  fetch(connector: Connector<CanonicalRecord>, credentials: Credentials, cursor: string | null, options: PageFetchOptions): Promise<FetchedPage>;
  /** Starts what the fetcher needs (threads, with their connectors loaded) before the first page asks for it. */
  warm(): Promise<void>;
  /** Stops what the fetcher started (threads); fetches still in flight fail. */
  close(): Promise<void>;
}

export const inThreadFetcher: PageFetcher = {
  fetch: async (connector, credentials, cursor, options) => fetchedPage(await connector.sync(credentials, cursor, options), options.limits),
  warm: async () => undefined,
  close: async () => undefined,
};

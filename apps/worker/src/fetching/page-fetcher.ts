/**
 * Who runs a connector's `sync` for one page. In this thread (the default, and what tests with hand-made connectors
 * use), or in a worker thread (./thread-fetcher.ts): there the page's HTTP, JSON parsing, validation and transform
 * run beside the commit of the page before, instead of taking turns with it on one thread.
 */
import type { CanonicalRecord, Connector, Credentials, Logger, SyncResult } from "@gtm-clarity/core";

export interface PageFetchOptions {
  fullSync: boolean;
  settings: Record<string, unknown>;
  dpaAcceptedAt: Date | null;
  signal: AbortSignal;
  logger: Logger;
}

export interface PageFetcher {
  /** `connector.sync(credentials, cursor, options)`, wherever this fetcher runs it; errors keep their core class. */
  fetch(
    connector: Connector<CanonicalRecord>,
    credentials: Credentials,
    cursor: string | null,
    options: PageFetchOptions,
  ): Promise<SyncResult<CanonicalRecord>>;
  /** Starts what the fetcher needs (threads, with their connectors loaded) before the first page asks for it. */
  warm(): Promise<void>;
  /** Stops what the fetcher started (threads); fetches still in flight fail. */
  close(): Promise<void>;
}

export const inThreadFetcher: PageFetcher = {
  fetch: (connector, credentials, cursor, options) => connector.sync(credentials, cursor, options),
  warm: async () => undefined,
  close: async () => undefined,
};

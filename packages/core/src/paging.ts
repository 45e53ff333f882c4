/**
 * Paging as a strategy plus one loop. Every vendor says "there is more" its own way (Fathom's `next_cursor`, an
 * offset, Salesforce's `nextRecordsUrl` with `done`, Graph's `@odata.nextLink`/`@odata.deltaLink`, Customer.io's
 * `next`), and every hand-written loop over them has to get the same things right: where the end is, following an
 * empty page that still links on, and stopping a vendor that hands back a position it already gave. A connector
 * names its strategy (paging-strategies.ts) and either
 *
 *   - iterates `paginate(...)` when one `sync` call reads several pages itself (an inner loop with the in-memory
 *     loop guard), or
 *   - calls `nextPosition(...)` once when its `sync` returns one page and the worker loops (the worker's durable
 *     guard then watches the cursors it commits).
 */
import { createPagingGuard } from "./paging-guard.js";

/** Where paging goes after one page: on to `next`, or the end (with Graph's delta link when the page had one). */
export type PageStep<P> =
  | { readonly next: P; readonly done: false }
  | { readonly next: null; readonly done: true; readonly deltaLink?: string };

export interface PagingStrategy<Page, P> {
  /** The step after `page`, which was fetched at `current` (null: the first page of the run). */
  step(page: Page, current: P | null): PageStep<P>;
  /** The string a position is remembered by in the loop guard; null for the start. */
  key(position: P | null): string | null;
}

/** For connectors whose `sync` returns one page: where the next call starts, or that this page was the last. */
export function nextPosition<Page, P>(strategy: PagingStrategy<Page, P>, page: Page, current: P | null): PageStep<P> {
  return strategy.step(page, current);
}

export interface PaginateOptions<Page, P> {
  /** Named in the PagingLoopError, so an operator knows which connector loops. */
  connectorId: string;
  strategy: PagingStrategy<Page, P>;
  /** Fetches the page at `position` (null: the first page). */
  fetchPage(position: P | null, signal: AbortSignal | undefined): Promise<Page>;
  /** Resume from this position (a cursor committed earlier); default the first page. */
  start?: P | null;
  signal?: AbortSignal;
  /** Cap on pages for this loop; default the paging guard's DEFAULT_MAX_PAGES_PER_SYNC. */
  maxPages?: number;
}

/** One page as `paginate` yields it: the vendor's page, where it was fetched, and where paging goes next. */
export type PaginatedPage<Page, P> = PageStep<P> & { readonly page: Page; readonly position: P | null };

/**
 * Yields every page from `start` to the end. A page that returns a position already seen in this loop (A -> A,
 * A -> B -> A, or back to `start`) throws PagingLoopError before it is yielded, so the caller never processes the
 * page that loops; the same happens past `maxPages`.
 */
export async function* paginate<Page, P>(
  options: PaginateOptions<Page, P>,
): AsyncGenerator<PaginatedPage<Page, P>, void, undefined> {
  const { strategy, signal } = options;
  let position: P | null = options.start ?? null;
  const guard = createPagingGuard({
    connectorId: options.connectorId,
    startCursor: strategy.key(position),
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
  });
  for (;;) {
    signal?.throwIfAborted();
    const page = await options.fetchPage(position, signal);
    const step = strategy.step(page, position);
    guard.observe(strategy.key(step.next), !step.done);
    yield { ...step, page, position };
    if (step.done) return;
    position = step.next;
  }
}

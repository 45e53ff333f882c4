/**
 * The paging loop guard. Comparing a cursor only with the previous one misses a vendor that answers A -> B -> A;
 * the guard remembers every cursor of a sync run (as sha256 hashes, so the set stays small whatever the cursors
 * hold) and caps the number of pages, and stops the run with a non-retryable PagingLoopError naming the connector.
 *
 * This is the in-memory form, for a connector's own inner loops. A worker that spreads one run over many page
 * activities keeps the same set durably instead (the store's per-run cursor table), hashed the same way.
 */
import { createHash } from "node:crypto";
import { PagingLoopError } from "./errors.js";

/** Pages one sync run may take before it is treated as a loop. Generous: real syncs stay far below it. */
export const DEFAULT_MAX_PAGES_PER_SYNC = 100_000;

/**
 * sha256 hex of a cursor, the form cursors are remembered in. `null` (the start of a stream) and the empty string
 * are different cursors and hash differently. The store computes the same value in SQL:
 * `encode(sha256(convert_to(coalesce('c:' || cursor, 'null'), 'UTF8')), 'hex')`.
 */
export function pagingCursorHash(cursor: string | null): string {
  return createHash("sha256")
    .update(cursor === null ? "null" : `c:${cursor}`, "utf8")
    .digest("hex");
}

export interface PagingGuardOptions {
  /** Named in the error, so an operator knows which connector loops. */
  connectorId: string;
  /** Default DEFAULT_MAX_PAGES_PER_SYNC. */
  maxPages?: number;
  /** The cursor the run started from (null for the beginning): returning to it is a loop too. */
  startCursor?: string | null;
}

export interface PagingGuard {
  /**
   * Records one page's next cursor. Throws PagingLoopError when the page goes past `maxPages`, or when `hasMore`
   * is true and the cursor was already seen in this run (the next call would repeat an earlier one). A repeated
   * cursor with `hasMore: false` is fine: an incremental sync with nothing new ends where it started.
   */
  observe(cursor: string | null, hasMore?: boolean): void;
  /** Pages observed so far. */
  readonly pages: number;
}

export function createPagingGuard(options: PagingGuardOptions): PagingGuard {
  const { connectorId } = options;
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES_PER_SYNC;
  if (!Number.isInteger(maxPages) || maxPages < 1) {
    throw new RangeError(`maxPages must be a positive integer, got ${String(maxPages)}`);
  }
  /** Cursor hash -> the page that returned it (0: where the run started). */
  const seen = new Map<string, number>();
  if (options.startCursor !== undefined) seen.set(pagingCursorHash(options.startCursor), 0);
  let pages = 0;

  return {
    get pages() {
      return pages;
    },
    observe(cursor, hasMore = true) {
      pages += 1;
      if (pages > maxPages) {
        throw new PagingLoopError(
          connectorId,
          `connector "${connectorId}" went past ${maxPages} pages in one sync run; treating it as a paging loop`,
          { details: { connectorId, page: pages, maxPages, reason: "max_pages" } },
        );
      }
      const hash = pagingCursorHash(cursor);
      const first = seen.get(hash);
      if (first !== undefined && hasMore) {
        throw new PagingLoopError(
          connectorId,
          `connector "${connectorId}" is paging in a loop: page ${pages} returned the cursor ` +
            `${first === 0 ? "the run started from" : `of page ${first}`} again and said there is more`,
          { details: { connectorId, page: pages, firstSeenPage: first, reason: "repeated_cursor" } },
        );
      }
      if (first === undefined) seen.set(hash, pages);
    },
  };
}

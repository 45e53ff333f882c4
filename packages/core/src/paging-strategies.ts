/**
 * The four ways our vendors page, as strategies for `paginate` and `nextPosition` (paging.ts). Each takes accessors
 * into the connector's own zod-parsed page type, so the vendor's field names stay in the connector:
 *
 *   cursorPaging((page) => page.next_cursor)                                   // Fathom; Customer.io: page.next
 *   offsetPaging({ limit: 300, count: (page) => page.items.length })          // Delivr
 *   nextLinkPaging({ next: (page) => page.nextRecordsUrl, done: (page) => page.done })          // Salesforce
 *   deltaPaging({ nextLink: (p) => p["@odata.nextLink"], deltaLink: (p) => p["@odata.deltaLink"] })  // Graph
 *
 * A page that contradicts itself (Salesforce's `done: false` without a link, a Graph page with neither link) is a
 * SchemaError: stopping there would silently lose the rest, and there is nothing to follow.
 */
import { ConfigError, SchemaError } from "./errors.js";
import type { PageStep, PagingStrategy } from "./paging.js";

type Link = string | null | undefined;

const END: PageStep<never> = { next: null, done: true };

function present(value: Link): value is string {
  return typeof value === "string" && value !== "";
}

/**
 * An opaque cursor read from each page and sent back for the next (Fathom's `next_cursor` as `cursor=`,
 * Customer.io's `next` as `start=`). Null, absent or the empty string ends the run.
 */
export function cursorPaging<Page>(nextCursor: (page: Page) => Link): PagingStrategy<Page, string> {
  return {
    step: (page) => {
      const next = nextCursor(page);
      return present(next) ? { next, done: false } : END;
    },
    key: (position) => position,
  };
}

export interface OffsetPagingOptions<Page> {
  /** The page size asked for (Delivr's `limit`, default 300 there). */
  limit: number;
  /** Items on this page. */
  count(page: Page): number;
  /** Items in the whole result, when the vendor says. */
  total?(page: Page): number | null | undefined;
}

/**
 * `offset` + `limit` (Delivr). The position is the offset of the next page, starting at 0. The end is a short
 * page (fewer items than `limit`, an empty one included) or, when the vendor reports a total, the offset reaching it:
 * a vendor without totals costs one empty page at the end when the last page happens to be full.
 */
export function offsetPaging<Page>(options: OffsetPagingOptions<Page>): PagingStrategy<Page, number> {
  const { limit } = options;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ConfigError(`offset paging needs a positive integer limit, got ${String(limit)}`);
  }
  return {
    step: (page, current) => {
      const count = options.count(page);
      const next = (current ?? 0) + count;
      const total = options.total?.(page);
      const reachedTotal = typeof total === "number" && next >= total;
      return count < limit || reachedTotal ? END : { next, done: false };
    },
    key: (position) => (position === null ? null : String(position)),
  };
}

export interface NextLinkPagingOptions<Page> {
  /** The link to the next page (Salesforce's `nextRecordsUrl`, a path relative to the instance URL). */
  next(page: Page): Link;
  /** The vendor's own end flag (Salesforce's `done`); without it, a missing link is the end. */
  done?(page: Page): boolean;
}

/** A link to the next page, followed as given, until the page says it is the last (Salesforce's REST query). */
export function nextLinkPaging<Page>(options: NextLinkPagingOptions<Page>): PagingStrategy<Page, string> {
  return {
    step: (page) => {
      const next = options.next(page);
      if (options.done?.(page) === true) return END;
      if (present(next)) return { next, done: false };
      if (options.done !== undefined) {
        throw new SchemaError("a page says it is not the last but carries no link to the next one", [
          { path: "nextRecordsUrl", message: "missing while done is false" },
        ]);
      }
      return END;
    },
    key: (position) => position,
  };
}

export interface DeltaPagingOptions<Page> {
  /** `@odata.nextLink`: more pages in this round, even when this page is empty. */
  nextLink(page: Page): Link;
  /** `@odata.deltaLink`: the round is complete; the link starts the next round. */
  deltaLink(page: Page): Link;
}

/**
 * Microsoft Graph delta queries: follow `@odata.nextLink` (empty pages included) until a page carries
 * `@odata.deltaLink` instead, which ends the round and is handed back as `deltaLink` for the next one.
 */
export function deltaPaging<Page>(options: DeltaPagingOptions<Page>): PagingStrategy<Page, string> {
  return {
    step: (page) => {
      const next = options.nextLink(page);
      if (present(next)) return { next, done: false };
      const deltaLink = options.deltaLink(page);
      if (present(deltaLink)) return { next: null, done: true, deltaLink };
      throw new SchemaError("a delta page carries neither a next link nor a delta link", [
        { path: "@odata.nextLink", message: "one of @odata.nextLink and @odata.deltaLink is required" },
      ]);
    },
    key: (position) => position,
  };
}

/**
 * Reads the Salesforce API page by page through core's HTTP client: pacing under the rate-limit policy (client.ts),
 * Retry-After and RateLimit-* on a 429, backoff on 5xx, AuthError on 401, SchemaError on a body that is not a page.
 * Items stay `unknown` here; the transform validates them one by one, so one malformed record cannot sink its page.
 */
import { cursorPaging, nextPosition, SchemaError, type HttpClient } from "@gtm-clarity/core";
import { SalesforcePageSchema, type SalesforcePage } from "../api-schema.js";
import { streamOf, type StreamKind } from "../streams.js";

/** The largest page the API serves. It may send fewer; `next_cursor` says whether more follow. */
export const PAGE_SIZE = 100;

export interface StreamQuery {
  /** ISO-8601: only records updated at or after it. Null or absent: everything. */
  updatedSince?: string | null;
  pageSize?: number;
}

export interface StreamPage {
  kind: StreamKind;
  items: unknown[];
  /** Where the next page starts; null after the last page. */
  nextCursor: string | null;
}

/** Where the API keeps its next position: `next_cursor`, null (or empty) on the last page. */
export const salesforcePaging = cursorPaging<SalesforcePage>((page) => page.next_cursor);

/** One page of one stream. Throws SchemaError when the body is not a page, or when paging would loop. */
export async function fetchPage(
  client: HttpClient,
  kind: StreamKind,
  query: StreamQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<StreamPage> {
  const page = await client.getJson(streamOf(kind).path, SalesforcePageSchema, {
    searchParams: {
      limit: query.pageSize ?? PAGE_SIZE,
      updated_since: query.updatedSince ?? undefined,
      cursor: cursor ?? undefined,
    },
    ...(signal === undefined ? {} : { signal }),
  });
  const step = nextPosition(salesforcePaging, page, cursor);
  if (step.next !== null && step.next === cursor) {
    throw new SchemaError("Salesforce returned the cursor it was given as next_cursor: paging would loop", [
      { path: "next_cursor", message: "repeats the request's cursor" },
    ]);
  }
  return { kind, items: page.data, nextCursor: step.next };
}

/**
 * Every page of one stream from `startCursor` (or the first) to the end, lazily: the caller can stop after any page
 * and resume later from that page's `nextCursor`. `sync` reads one page per call; backfills and the benchmark
 * read whole streams.
 */
export async function* pullStream(
  client: HttpClient,
  kind: StreamKind,
  query: StreamQuery = {},
  options: { startCursor?: string | null; signal?: AbortSignal } = {},
): AsyncGenerator<StreamPage, void, undefined> {
  let cursor = options.startCursor ?? null;
  for (;;) {
    const page = await fetchPage(client, kind, query, cursor, options.signal);
    yield page;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

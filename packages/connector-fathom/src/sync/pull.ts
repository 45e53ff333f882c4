/**
 * Reads `GET /meetings` page by page through core's HTTP client (pacing from RateLimit-* headers, backoff on 429
 * and 5xx, AuthError on 401, SchemaError on a body that is not a meetings page).
 *
 * Fathom has no page-size parameter: pages hold what the server decides (10), and `next_cursor` is passed back as
 * `cursor` with the same filters until it is null. Items stay `unknown` here; the transform validates them one by
 * one so a single malformed meeting cannot sink its page.
 */
import { cursorPaging, paginate, SchemaError, type HttpClient, type RequestOptions } from "@gtm-clarity/core";
import { MeetingsPageSchema } from "../api-schema.js";

export interface MeetingsQuery {
  /** ISO-8601; only meetings created after it. Null/undefined: everything. */
  createdAfter?: string | null;
  includeTranscript?: boolean;
  includeSummary?: boolean;
  includeActionItems?: boolean;
  includeCrmMatches?: boolean;
}

export interface MeetingsPage {
  items: unknown[];
  nextCursor: string | null;
  /** Fathom's echoed page size. */
  limit: number | null;
}

export const MEETINGS_PATH = "/meetings";

/** Fathom's `next_cursor`, passed back as `cursor` until it is null. */
export const MEETINGS_PAGING = cursorPaging<MeetingsPage>((page) => page.nextCursor);

type SearchParams = NonNullable<RequestOptions["searchParams"]>;

export function meetingsSearchParams(query: MeetingsQuery, cursor?: string | null): SearchParams {
  // Flags are sent only when true: false is Fathom's default, and a shorter URL is a cheaper log line.
  const flag = (value: boolean | undefined) => (value ? true : undefined);
  return {
    created_after: query.createdAfter ?? undefined,
    include_transcript: flag(query.includeTranscript),
    include_summary: flag(query.includeSummary),
    include_action_items: flag(query.includeActionItems),
    include_crm_matches: flag(query.includeCrmMatches),
    cursor: cursor ?? undefined,
  };
}

/** One page. Throws SchemaError when the page as a whole is not an object with an `items` array. */
export async function fetchMeetingsPage(
  client: HttpClient,
  query: MeetingsQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<MeetingsPage> {
  const page = await client.getJson(MEETINGS_PATH, MeetingsPageSchema, {
    searchParams: meetingsSearchParams(query, cursor),
    ...(signal === undefined ? {} : { signal }),
  });
  // Null, "" or no next_cursor at all: this is the last page.
  const nextCursor = page.next_cursor ? page.next_cursor : null;
  if (nextCursor !== null && nextCursor === cursor) {
    throw new SchemaError("Fathom returned the cursor it was given as next_cursor: paging would loop", [
      { path: "next_cursor", message: "repeats the request's cursor" },
    ]);
  }
  return { items: page.items, nextCursor, limit: page.limit ?? null };
}

/**
 * Every page from `startCursor` (or the first) to the end, lazily: the caller can stop after any page and resume
 * later from that page's `nextCursor`. A position that comes back is a PagingLoopError.
 */
export async function* pullMeetings(
  client: HttpClient,
  query: MeetingsQuery,
  options: { startCursor?: string | null; signal?: AbortSignal } = {},
): AsyncGenerator<MeetingsPage, void, undefined> {
  const pages = paginate({
    connectorId: "fathom",
    strategy: MEETINGS_PAGING,
    fetchPage: (cursor, signal) => fetchMeetingsPage(client, query, cursor, signal),
    start: options.startCursor ?? null,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  for await (const { page } of pages) yield page;
}

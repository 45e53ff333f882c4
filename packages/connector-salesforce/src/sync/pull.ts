/**
 * Reads Salesforce through core's HTTP client: `queryAll` (deleted records in the Recycle Bin and archived
 * activities included, which `query` hides) with `Sforce-Query-Options: batchSize=2000`, then each page's
 * `nextRecordsUrl` as given, with no parameters, until `done`. Records stay `unknown` here; the quality pipeline
 * validates them one by one, so one malformed record cannot sink its page.
 */
import {
  isConnectorError,
  nextLinkPaging,
  nextPosition,
  PagingLoopError,
  type HttpClient,
  type WatermarkMark,
} from "@gtm-clarity/core";
import { QueryPageSchema, type QueryPage } from "../api-schema.js";
import type { SObjectName } from "../objects/index.js";
import { buildContactEmailQuery, buildIncrementalQuery, soqlString } from "../soql.js";

/** The most Salesforce serves per page (min 200, max 2,000); it may send fewer for wide rows. */
export const BATCH_SIZE = 2000;
export const QUERY_OPTIONS = { "Sforce-Query-Options": `batchSize=${BATCH_SIZE}` } as const;
/** Longest encoded `q` of a Contact lookup: the whole URL stays under Salesforce's 16,384-byte URI limit. */
export const MAX_LOOKUP_QUERY_CHARS = 14_000;

export const salesforcePaging = nextLinkPaging<QueryPage>({
  next: (page) => page.nextRecordsUrl,
  done: (page) => page.done,
});

export interface ObjectPage {
  records: unknown[];
  /** The next page's locator; null after the last page. */
  next: string | null;
  totalSize: number;
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

/** The first page of a run: a `queryAll` from the mark (null: everything). */
export function startQuery(client: HttpClient, object: SObjectName, from: WatermarkMark | null, signal?: AbortSignal) {
  return readPage(client, "queryAll", { q: buildIncrementalQuery(object, from) }, null, signal);
}

/** A later page of a run, by its `nextRecordsUrl`. */
export function continueQuery(client: HttpClient, locator: string, signal?: AbortSignal) {
  return readPage(client, locator, undefined, locator, signal);
}

async function readPage(
  client: HttpClient,
  path: string,
  searchParams: Record<string, string> | undefined,
  current: string | null,
  signal: AbortSignal | undefined,
): Promise<ObjectPage> {
  const page = await client.getJson(path, QueryPageSchema, {
    headers: QUERY_OPTIONS,
    ...(searchParams === undefined ? {} : { searchParams }),
    ...signalOption(signal),
  });
  const step = nextPosition(salesforcePaging, page, current);
  if (step.next !== null && step.next === current) {
    throw new PagingLoopError("salesforce", `nextRecordsUrl repeats the locator it was fetched from: paging would loop`);
  }
  return { records: page.records, next: step.next, totalSize: page.totalSize };
}

/** Whether an error is Salesforce saying a query locator expired (idle too long) or never existed. */
export function isExpiredLocator(error: unknown): boolean {
  return isConnectorError(error) && error.vendorCode === "INVALID_QUERY_LOCATOR";
}

/** The emails in as few lookups as fit the URI limit (each query's encoded length at most MAX_LOOKUP_QUERY_CHARS). */
export function emailChunks(emails: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let length = encodeURIComponent(buildContactEmailQuery([])).length;
  for (const email of emails) {
    const cost = encodeURIComponent(`${soqlString(email)}, `).length;
    if (current.length > 0 && length + cost > MAX_LOOKUP_QUERY_CHARS) {
      chunks.push(current);
      current = [];
      length = encodeURIComponent(buildContactEmailQuery([])).length;
    }
    current.push(email);
    length += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Contact Ids by normalised email, for the emails given; several Contacts with one email: the lowest Id. */
export async function contactsByEmail(
  client: HttpClient,
  emails: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of emailChunks([...new Set(emails)])) {
    let page: ObjectPage | null = await readPage(client, "query", { q: buildContactEmailQuery(chunk) }, null, signal);
    while (page !== null) {
      for (const raw of page.records) {
        const contact = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
        const { Id: id, Email: email } = contact;
        if (typeof id === "string" && typeof email === "string" && !found.has(email.trim().toLowerCase())) {
          found.set(email.trim().toLowerCase(), id);
        }
      }
      page = page.next === null ? null : await continueQuery(client, page.next, signal);
    }
  }
  return found;
}

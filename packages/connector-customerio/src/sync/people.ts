/**
 * People: `POST /v1/customers` searches (identifiers only, `limit` ≤ 1000, `start`/`next`), then
 * `POST /v1/customers/attributes` reads up to 100 people per call. People with a workspace `id` are asked for by id;
 * those without one (email-first workspaces) by `cio_id` (`id_type=cio_id`), the one identifier every person has.
 * Both calls are reads sent as POST, so they are marked idempotent: safe to retry after a network failure.
 */
import { SchemaError, type HttpClient } from "@gtm-clarity/core";
import { CustomerAttributesPageSchema, CustomerIdentifiersSchema, CustomerSearchPageSchema } from "../api-schema.js";

export const SEARCH_PATH = "/v1/customers";
export const ATTRIBUTES_PATH = "/v1/customers/attributes";
export const SEARCH_PAGE_SIZE = 1000;
export const ATTRIBUTES_BATCH = 100;

/** Everyone: those with an email and those without (the API needs a filter; this one excludes nobody). */
export const EVERYONE_FILTER = {
  or: [
    { attribute: { field: "email", operator: "exists" } },
    { not: { attribute: { field: "email", operator: "exists" } } },
  ],
} as const;

export function peopleFilter(segmentId: number | undefined): object {
  return segmentId === undefined ? EVERYONE_FILTER : { segment: { id: segmentId } };
}

export interface PeoplePage {
  /** Customers with attributes, and identifiers the search returned that cannot be looked up (quarantined). */
  customers: unknown[];
  unreadable: unknown[];
  next: string | null;
}

interface Lookup {
  idType: "id" | "cio_id";
  ids: string[];
}

function lookups(identifiers: readonly unknown[]): { lookups: Lookup[]; unreadable: unknown[] } {
  const byId: string[] = [];
  const byCioId: string[] = [];
  const unreadable: unknown[] = [];
  for (const raw of identifiers) {
    const parsed = CustomerIdentifiersSchema.safeParse(raw);
    const id = parsed.success ? parsed.data.id?.trim() : undefined;
    const cioId = parsed.success ? parsed.data.cio_id?.trim() : undefined;
    if (id) byId.push(id);
    else if (cioId) byCioId.push(cioId);
    else unreadable.push(raw);
  }
  const batches = (idType: Lookup["idType"], ids: string[]): Lookup[] =>
    Array.from({ length: Math.ceil(ids.length / ATTRIBUTES_BATCH) }, (_, index) => ({
      idType,
      ids: ids.slice(index * ATTRIBUTES_BATCH, (index + 1) * ATTRIBUTES_BATCH),
    }));
  return { lookups: [...batches("id", byId), ...batches("cio_id", byCioId)], unreadable };
}

export async function fetchPeoplePage(
  client: HttpClient,
  start: string | null,
  options: { segmentId?: number | undefined; limit?: number; signal?: AbortSignal } = {},
): Promise<PeoplePage> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const search = await client.requestJson("POST", SEARCH_PATH, CustomerSearchPageSchema, {
    searchParams: { limit: options.limit ?? SEARCH_PAGE_SIZE, start: start ?? undefined },
    json: { filter: peopleFilter(options.segmentId) },
    idempotent: true,
    ...signal,
  });
  if (search.next !== null && search.next === start) {
    throw new SchemaError("Customer.io returned the start token it was given as next: paging would loop", [
      { path: "next", message: "repeats the request's start" },
    ]);
  }
  const plan = lookups(search.identifiers);
  // All batches at once: the client's pacer spaces them to the workspace's 10 requests per second, and the page's
  // order is kept (Promise.all answers in the order asked).
  const pages = await Promise.all(
    plan.lookups.map((lookup) =>
      client.requestJson("POST", ATTRIBUTES_PATH, CustomerAttributesPageSchema, {
        searchParams: lookup.idType === "id" ? {} : { id_type: lookup.idType },
        json: { ids: lookup.ids },
        idempotent: true,
        ...signal,
      }),
    ),
  );
  const customers = pages.flatMap((page) => page.customers);
  return { customers, unreadable: plan.unreadable, next: search.next };
}

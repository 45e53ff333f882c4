import { describe, expect, it } from "vitest";
import { ConfigError, isPagingLoopError, PagingLoopError, SchemaError } from "./errors.js";
import { nextPosition, paginate, type PaginatedPage, type PagingStrategy } from "./paging.js";
import { cursorPaging, deltaPaging, nextLinkPaging, offsetPaging } from "./paging-strategies.js";
import { rejection } from "./test-support.js";

/** Pages keyed by the position they are served at ("" for the first page). */
function fakeVendor<Page>(pages: Record<string, Page>) {
  const fetched: (string | null)[] = [];
  return {
    fetched,
    fetchPage: (position: string | number | null): Promise<Page> => {
      const key = position === null ? null : String(position);
      fetched.push(key);
      const page = pages[key ?? ""];
      if (page === undefined) return Promise.reject(new Error(`no page at ${String(key)}`));
      return Promise.resolve(page);
    },
  };
}

async function collect<Page, P>(pages: AsyncIterable<PaginatedPage<Page, P>>): Promise<PaginatedPage<Page, P>[]> {
  const out: PaginatedPage<Page, P>[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

interface FathomPage {
  items: string[];
  next_cursor: string | null;
}
const fathom = cursorPaging<FathomPage>((page) => page.next_cursor);

describe("cursorPaging (Fathom next_cursor, Customer.io next)", () => {
  it("sends each next_cursor back until it is null", async () => {
    const vendor = fakeVendor<FathomPage>({
      "": { items: ["m1", "m2"], next_cursor: "c2" },
      c2: { items: ["m3"], next_cursor: "c3" },
      c3: { items: ["m4"], next_cursor: null },
    });
    const pages = await collect(paginate({ connectorId: "fathom", strategy: fathom, fetchPage: vendor.fetchPage }));
    expect(pages.flatMap((p) => p.page.items)).toEqual(["m1", "m2", "m3", "m4"]);
    expect(vendor.fetched).toEqual([null, "c2", "c3"]);
    expect(pages.map((p) => [p.position, p.next, p.done])).toEqual([
      [null, "c2", false],
      ["c2", "c3", false],
      ["c3", null, true],
    ]);
  });

  it("treats Customer.io's empty-string or missing next as the end", () => {
    const customerIo = cursorPaging<{ next?: string }>((page) => page.next);
    expect(nextPosition(customerIo, { next: "" }, "abc")).toEqual({ next: null, done: true });
    expect(nextPosition(customerIo, {}, "abc")).toEqual({ next: null, done: true });
    expect(nextPosition(customerIo, { next: "MTA=" }, null)).toEqual({ next: "MTA=", done: false });
  });

  it("stops a cursor that repeats itself with a PagingLoopError naming the connector, before yielding it", async () => {
    const vendor = fakeVendor<FathomPage>({
      "": { items: ["m1"], next_cursor: "A" },
      A: { items: ["m2"], next_cursor: "A" },
    });
    const seen: string[] = [];
    const error = await rejection(
      (async () => {
        for await (const p of paginate({ connectorId: "fathom", strategy: fathom, fetchPage: vendor.fetchPage })) {
          seen.push(...p.page.items);
        }
      })(),
    );
    expect(error).toBeInstanceOf(PagingLoopError);
    expect(error).toMatchObject({ connectorId: "fathom", retryable: false });
    expect(seen).toEqual(["m1"]);
  });

  it("stops an A -> B -> A cycle on the third page", async () => {
    const vendor = fakeVendor<FathomPage>({
      "": { items: [], next_cursor: "A" },
      A: { items: [], next_cursor: "B" },
      B: { items: [], next_cursor: "A" },
    });
    const error = await rejection(
      collect(paginate({ connectorId: "loopy", strategy: fathom, fetchPage: vendor.fetchPage })),
    );
    expect(isPagingLoopError(error)).toBe(true);
    expect(error).toMatchObject({ details: { page: 3, firstSeenPage: 1 } });
    expect(vendor.fetched).toEqual([null, "A", "B"]);
  });

  it("resumes from a start position and treats returning to it as a loop", async () => {
    const vendor = fakeVendor<FathomPage>({
      S: { items: ["m5"], next_cursor: "T" },
      T: { items: ["m6"], next_cursor: "S" },
    });
    const error = await rejection(
      collect(paginate({ connectorId: "fathom", strategy: fathom, fetchPage: vendor.fetchPage, start: "S" })),
    );
    expect(error).toMatchObject({ details: { firstSeenPage: 0 } });
    expect(vendor.fetched).toEqual(["S", "T"]);
  });

  it("caps the pages of one loop", async () => {
    let n = 0;
    const endless: PagingStrategy<number, string> = { step: (page) => ({ next: `p${page}`, done: false }), key: (p) => p };
    const error = await rejection(
      collect(paginate({ connectorId: "c", strategy: endless, maxPages: 3, fetchPage: () => Promise.resolve((n += 1)) })),
    );
    expect(error).toMatchObject({ details: { reason: "max_pages", maxPages: 3 } });
  });

  it("stops at an aborted signal without fetching again", async () => {
    const controller = new AbortController();
    const vendor = fakeVendor<FathomPage>({ "": { items: ["m1"], next_cursor: "c2" } });
    const error = await rejection(
      (async () => {
        for await (const _page of paginate({
          connectorId: "fathom",
          strategy: fathom,
          fetchPage: vendor.fetchPage,
          signal: controller.signal,
        })) {
          controller.abort(new Error("shutting down"));
        }
      })(),
    );
    expect((error as Error).message).toBe("shutting down");
    expect(vendor.fetched).toEqual([null]);
  });
});

interface DelivrPage {
  events: number[];
  total?: number;
}
const delivrEvents = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

describe("offsetPaging (Delivr offset + limit)", () => {
  it("advances the offset by the items received and stops on a short page", async () => {
    const delivr = offsetPaging<DelivrPage>({ limit: 3, count: (page) => page.events.length });
    const vendor = fakeVendor<DelivrPage>({
      "": { events: delivrEvents(0, 3) },
      "3": { events: delivrEvents(3, 3) },
      "6": { events: delivrEvents(6, 1) },
    });
    const pages = await collect(paginate({ connectorId: "delivr", strategy: delivr, fetchPage: vendor.fetchPage }));
    expect(pages.flatMap((p) => p.page.events)).toEqual(delivrEvents(0, 7));
    expect(vendor.fetched).toEqual([null, "3", "6"]);
  });

  it("ends on an empty page when the last page was full and there is no total", () => {
    const delivr = offsetPaging<DelivrPage>({ limit: 3, count: (page) => page.events.length });
    expect(nextPosition(delivr, { events: delivrEvents(3, 3) }, 3)).toEqual({ next: 6, done: false });
    expect(nextPosition(delivr, { events: [] }, 6)).toEqual({ next: null, done: true });
  });

  it("ends when the offset reaches a reported total, without asking for an empty page", () => {
    const delivr = offsetPaging<DelivrPage>({
      limit: 3,
      count: (page) => page.events.length,
      total: (page) => page.total,
    });
    expect(nextPosition(delivr, { events: delivrEvents(3, 3), total: 6 }, 3)).toEqual({ next: null, done: true });
    expect(nextPosition(delivr, { events: delivrEvents(0, 3), total: 6 }, null)).toEqual({ next: 3, done: false });
  });

  it("refuses a limit that is not a positive integer", () => {
    expect(() => offsetPaging<DelivrPage>({ limit: 0, count: () => 0 })).toThrow(ConfigError);
  });
});

interface SalesforcePage {
  done: boolean;
  totalSize: number;
  nextRecordsUrl?: string;
  records: string[];
}
const salesforce = nextLinkPaging<SalesforcePage>({ next: (page) => page.nextRecordsUrl, done: (page) => page.done });

describe("nextLinkPaging (Salesforce nextRecordsUrl + done)", () => {
  it("follows nextRecordsUrl (a path relative to the instance) until done: true", async () => {
    const vendor = fakeVendor<SalesforcePage>({
      "": { done: false, totalSize: 3, nextRecordsUrl: "/services/data/v66.0/query/01gRO-2000", records: ["a", "b"] },
      "/services/data/v66.0/query/01gRO-2000": { done: true, totalSize: 3, records: ["c"] },
    });
    const pages = await collect(paginate({ connectorId: "salesforce", strategy: salesforce, fetchPage: vendor.fetchPage }));
    expect(pages.flatMap((p) => p.page.records)).toEqual(["a", "b", "c"]);
    expect(pages.at(-1)).toMatchObject({ done: true, next: null });
  });

  it("believes done: true even when a link is still present", () => {
    expect(nextPosition(salesforce, { done: true, totalSize: 1, nextRecordsUrl: "/x", records: [] }, null)).toEqual({
      next: null,
      done: true,
    });
  });

  it("is a SchemaError when a page says done: false but carries no link", () => {
    expect(() => nextPosition(salesforce, { done: false, totalSize: 9, records: [] }, null)).toThrow(SchemaError);
  });

  it("without a done flag, a missing link is the end", () => {
    const links = nextLinkPaging<{ next?: string }>({ next: (page) => page.next });
    expect(nextPosition(links, {}, "/p2")).toEqual({ next: null, done: true });
  });
});

interface GraphPage {
  value: { id: string }[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}
const graph = deltaPaging<GraphPage>({
  nextLink: (page) => page["@odata.nextLink"],
  deltaLink: (page) => page["@odata.deltaLink"],
});
const graphBase = "https://graph.microsoft.com/v1.0/me/mailFolders/inbox/messages/delta";

describe("deltaPaging (Graph @odata.nextLink then @odata.deltaLink)", () => {
  it("follows nextLinks through empty pages and hands back the deltaLink of the last page", async () => {
    const vendor = fakeVendor<GraphPage>({
      "": { value: [{ id: "m1" }], "@odata.nextLink": `${graphBase}?$skiptoken=1` },
      [`${graphBase}?$skiptoken=1`]: { value: [], "@odata.nextLink": `${graphBase}?$skiptoken=2` },
      [`${graphBase}?$skiptoken=2`]: { value: [], "@odata.nextLink": `${graphBase}?$skiptoken=3` },
      [`${graphBase}?$skiptoken=3`]: { value: [{ id: "m2" }], "@odata.deltaLink": `${graphBase}?$deltatoken=D1` },
    });
    const pages = await collect(paginate({ connectorId: "microsoft-365", strategy: graph, fetchPage: vendor.fetchPage }));
    expect(pages).toHaveLength(4);
    expect(pages.flatMap((p) => p.page.value.map((m) => m.id))).toEqual(["m1", "m2"]);
    const last = pages.at(-1);
    expect(last).toMatchObject({ done: true, next: null, deltaLink: `${graphBase}?$deltatoken=D1` });
    expect(pages.slice(0, -1).every((p) => !("deltaLink" in p))).toBe(true);
  });

  it("one step at a time: a deltaLink page ends the round, a page with neither link is a SchemaError", () => {
    expect(nextPosition(graph, { value: [], "@odata.deltaLink": "d" }, "n")).toEqual({
      next: null,
      done: true,
      deltaLink: "d",
    });
    expect(nextPosition(graph, { value: [], "@odata.nextLink": "n2" }, "n")).toEqual({ next: "n2", done: false });
    expect(() => nextPosition(graph, { value: [] }, "n")).toThrow(SchemaError);
  });

  it("stops a nextLink that points back at an earlier page", async () => {
    const vendor = fakeVendor<GraphPage>({
      "": { value: [], "@odata.nextLink": "n1" },
      n1: { value: [], "@odata.nextLink": "n1" },
    });
    const error = await rejection(
      collect(paginate({ connectorId: "microsoft-365", strategy: graph, fetchPage: vendor.fetchPage })),
    );
    expect(error).toMatchObject({ code: "PAGING_LOOP", connectorId: "microsoft-365" });
  });
});

/**
 * Reading Salesforce against the sandbox: `queryAll` with `Sforce-Query-Options: batchSize=2000`, `nextRecordsUrl`
 * followed as given, the (`SystemModstamp`, `Id`) keyset across thousands of records sharing one timestamp,
 * tombstones and archived activities, no body fields ever selected, an expired locator, and a vendor misbehaving.
 */
import { isConnectorError, PagingLoopError, SchemaError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { QueryPageSchema } from "../src/api-schema.js";
import { BODY_FIELDS } from "../src/objects/index.js";
import { makeRecord, sandboxData, sfDateTime, SANDBOX_EPOCH, type SandboxRecord } from "../src/sandbox/index.js";
import { start, syncAll } from "./support.js";

function recordingFetch() {
  const calls: { url: URL; headers: Headers }[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    calls.push({ url: new URL(request.url), headers: request.headers });
    return globalThis.fetch(request);
  };
  return { calls, fetch };
}

describe("queryAll and nextRecordsUrl", () => {
  it("asks for 2,000-record batches and follows nextRecordsUrl with no parameters", async () => {
    const { calls, fetch } = recordingFetch();
    const started = await start({ maxPageSize: 25 }, { objects: ["Contact"] }, { fetch });
    const run = await syncAll(started);
    expect(run.records.length + run.quarantined.length).toBe(started.sandbox.records("Contact").length);
    const [first, ...rest] = calls;
    expect(first?.url.pathname).toBe("/services/data/v66.0/queryAll");
    expect(first?.url.searchParams.get("q")).toMatch(/^SELECT .* FROM Contact ORDER BY SystemModstamp, Id$/);
    expect(rest.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.headers.get("sforce-query-options")).toBe("batchSize=2000");
    for (const call of rest) {
      expect(call.url.pathname).toMatch(/^\/services\/data\/v66\.0\/query\/01g\d+-\d+$/);
      expect(call.url.search).toBe("");
    }
  });

  it("reads the documented first page (done false, a relative nextRecordsUrl, totalSize over all pages)", () => {
    const page = QueryPageSchema.parse({
      totalSize: 3214,
      done: false,
      nextRecordsUrl: "/services/data/v66.0/query/01gRO0000016PIAYA2-500",
      records: [{ attributes: { type: "Contact", url: "/services/data/v66.0/sobjects/Contact/003RO0000016PIAYA2" }, Id: "003RO0000016PIAYA2" }],
    });
    expect(page.nextRecordsUrl).toBe("/services/data/v66.0/query/01gRO0000016PIAYA2-500");
    expect(QueryPageSchema.safeParse({ ...page, nextRecordsUrl: "https://elsewhere.example/x" }).success).toBe(false);
  });

  it("never selects Description or any other body field", async () => {
    const started = await start();
    await syncAll(started);
    const queries = started.sandbox.queries();
    expect(queries.length).toBeGreaterThanOrEqual(6);
    for (const query of queries) {
      const select = /^SELECT (.*?) FROM /.exec(query)?.[1]?.split(", ") ?? [];
      for (const field of BODY_FIELDS) expect(select).not.toContain(field);
    }
  });
});

describe("the watermark", () => {
  /** `count` Contacts all stamped with one instant, as a bulk update leaves them. */
  function bulkUpdated(count: number, from = 0): SandboxRecord[] {
    const stamp = sfDateTime(SANDBOX_EPOCH + 3_600_000);
    return Array.from({ length: count }, (_, index) => ({
      ...makeRecord("Contact", from + index),
      IsDeleted: false,
      SystemModstamp: stamp,
    }));
  }

  it("reads 2,500 records sharing one SystemModstamp once, then only what came after, never the boundary again", async () => {
    const data = { ...sandboxData({ Contact: 0 }), Contact: bulkUpdated(2500) };
    const started = await start({ data, maxPageSize: 400 }, { objects: ["Contact"] });
    const full = await syncAll(started);
    expect(new Set(full.records.map((record) => record.externalId)).size).toBe(2500);
    expect(full.pages).toBe(7);

    // Nothing changed: one query, nothing read.
    const before = started.sandbox.stats()["queries"] ?? 0;
    const idle = await syncAll(started, full.cursor);
    expect(idle.records).toEqual([]);
    expect((started.sandbox.stats()["queries"] ?? 0) - before).toBe(1);

    // More records land on the same instant (the bulk update's tail, committed later): all of them are read.
    for (const record of bulkUpdated(3, 2500)) started.sandbox.put("Contact", record);
    const later = await syncAll(started, full.cursor);
    expect(later.records.map((record) => record.externalId).sort()).toEqual(bulkUpdated(3, 2500).map((r) => r.Id).sort());
    const query = started.sandbox.queries().at(-1) ?? "";
    expect(query).toMatch(/WHERE SystemModstamp >= \S+ AND \(SystemModstamp > \S+ OR Id > '003\w+'\) ORDER BY SystemModstamp, Id$/);
  });

  it("brings deleted records as tombstones and archived activities, which plain query hides", async () => {
    const started = await start({}, { objects: ["Contact", "Task"] });
    const run = await syncAll(started);
    const deleted = run.records.filter((record) => record.isDeleted);
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.every((record) => started.sandbox.records(record.kind === "person" ? "Contact" : "Task").find((row) => row.Id === record.externalId)?.["IsDeleted"] === true)).toBe(true);
    const archived = run.records.filter((record) => record.properties["isArchived"] === true);
    expect(archived.length).toBeGreaterThan(0);
    const visible = await fetch(`${started.sandbox.url}/services/data/v66.0/query?q=${encodeURIComponent("SELECT Id FROM Task")}`, {
      headers: { Authorization: `Bearer ${started.sandbox.credentials.accessToken}` },
    });
    const page = QueryPageSchema.parse(await visible.json());
    expect(page.totalSize).toBe(started.sandbox.records("Task").filter((row) => row["IsDeleted"] !== true && row["IsArchived"] !== true).length);
  });

  it("a full refresh reads everything again from the start", async () => {
    const started = await start({}, { objects: ["Account"] });
    const first = await syncAll(started);
    const again = await syncAll(started, first.cursor, { fullSync: true });
    expect(again.records.length).toBe(first.records.length);
    expect(started.sandbox.queries().at(-1)).toMatch(/FROM Account ORDER BY/);
  });

  it("resumes a run from its last record when the query locator expired", async () => {
    let now = Date.now();
    const started = await start({ maxPageSize: 10, clock: () => now }, { objects: ["Contact"] });
    const { connector, sandbox, settings } = started;
    const first = await connector.sync(sandbox.credentials, null, { settings });
    now += 20 * 60_000; // longer than a locator lives idle
    const rest = await syncAll(started, first.cursor);
    const ids = [...first.records, ...rest.records].map((record) => record.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length + (first.quarantined?.length ?? 0) + rest.quarantined.length).toBe(sandbox.records("Contact").length);
    expect(sandbox.queries().at(-1)).toMatch(/Id > '003/);
  });
});

describe("a misbehaving Salesforce", () => {
  it("retries a 502 HTML page from a proxy", async () => {
    const started = await start({}, { objects: ["Account"] });
    started.sandbox.faults.once({ kind: "html", status: 502 });
    const run = await syncAll(started);
    expect(run.records.length).toBeGreaterThan(0);
  });

  it("a malformed page is a SchemaError; a malformed record is quarantined and its page goes through", async () => {
    const started = await start({ maxPageSize: 10 }, { objects: ["Account"] });
    started.sandbox.faults.once({ kind: "malformed-page" });
    await expect(started.connector.sync(started.sandbox.credentials, null, { settings: started.settings })).rejects.toBeInstanceOf(SchemaError);
    started.sandbox.faults.once({ kind: "malformed-item", position: 2 });
    const page = await started.connector.sync(started.sandbox.credentials, null, { settings: started.settings });
    expect(page.records.length).toBe(9);
    expect(page.quarantined?.[0]?.reasons.map((reason) => reason.path)).toEqual(expect.arrayContaining(["Id", "SystemModstamp"]));
  });

  it("stops with PagingLoopError when nextRecordsUrl repeats the page it came from", async () => {
    const started = await start({ maxPageSize: 10 }, { objects: ["Account"] });
    const first = await started.connector.sync(started.sandbox.credentials, null, { settings: started.settings });
    started.sandbox.faults.once({ kind: "repeat-cursor" });
    // The page that would loop is refused before its records or cursor are handed on.
    await expect(
      started.connector.sync(started.sandbox.credentials, first.cursor, { settings: started.settings }),
    ).rejects.toBeInstanceOf(PagingLoopError);
  });

  it("carries Salesforce's own error code from the array error body", async () => {
    const started = await start({}, { objects: ["Account"] });
    started.sandbox.faults.once({
      kind: "status",
      status: 400,
      body: [{ message: "unexpected token: FROM", errorCode: "MALFORMED_QUERY" }],
    });
    const error: unknown = await started.connector.sync(started.sandbox.credentials, null, { settings: started.settings }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.vendorCode).toBe("MALFORMED_QUERY");
  });
});

import {
  isAuthError,
  isSchemaError,
  type CanonicalActivity,
  type CanonicalRecord,
} from "@gtm-clarity/core";
import { afterEach, describe, expect, it } from "vitest";
import { CustomerioConnector, HISTORY_NOTICE } from "../src/connector.js";
import { startCustomerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";
import { transformActivity } from "../src/transform/activity.js";
import { FAST_RETRY, record, sandboxConnection, syncToEnd } from "./support.js";

const open: CustomerioSandbox[] = [];
async function sandbox(options: Parameters<typeof startCustomerioSandbox>[0] = {}): Promise<CustomerioSandbox> {
  const started = await startCustomerioSandbox({ seed: 3, size: 40, ...options });
  open.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((item) => item.close()));
});

const fast = () => new CustomerioConnector({ retry: FAST_RETRY });
const ids = (records: readonly CanonicalRecord[], kind: CanonicalRecord["kind"]) =>
  records.filter((record) => record.kind === kind).map((record) => record.externalId);

describe("pull: the activity log", () => {
  it("reads 30 days of history, newest first, with Bearer auth and start/next paging of 100", async () => {
    const source = await sandbox();
    const { records, pages } = await syncToEnd(fast(), sandboxConnection(source));
    const served = source.events();
    const quarantined = pages.flatMap((page) => page.quarantined ?? []);
    expect(ids(records, "activity").length + quarantined.length).toBe(served.length);
    expect(new Set(ids(records, "activity")).size).toBe(ids(records, "activity").length);
    expect(ids(records, "person")).toHaveLength(source.people().length);
    const oldest = Math.min(...(records.filter((record) => record.kind === "activity") as CanonicalActivity[]).map((a) => a.occurredAt.getTime()));
    expect(Date.now() - oldest).toBeLessThanOrEqual(30 * 86_400_000 + 60_000);

    const logReads = source.requests().filter((request) => request.path === "/v1/activities");
    expect(logReads[0]?.query["start"]).toBeUndefined();
    expect(logReads.every((request) => request.query["limit"]?.[0] === "100")).toBe(true);
    expect(logReads.length).toBe(Math.ceil(served.length / 100));
    expect(logReads.slice(1).every((request) => (request.query["start"]?.[0] ?? "") !== "")).toBe(true);
  });

  it("says on the first sync that only about 30 days were backfilled, and how far back, with counts", async () => {
    const source = await sandbox();
    const connection = sandboxConnection(source);
    const first = await syncToEnd(fast(), connection);
    const notices = new Set(first.pages.flatMap((page) => page.stats.notices ?? []));
    expect([...notices]).toEqual([HISTORY_NOTICE]);
    const sum = (name: string) => first.pages.reduce((total, page) => total + (page.stats.counts?.[name] ?? 0), 0);
    expect(sum("backfill.activities")).toBe(source.events().length);
    expect(sum("backfill.days")).toBeGreaterThanOrEqual(29);
    expect(sum("backfill.days")).toBeLessThanOrEqual(30);

    const second = await syncToEnd(fast(), connection, first.cursor);
    expect(second.pages.flatMap((page) => page.stats.notices ?? [])).toEqual([]);
    expect(second.pages.every((page) => page.stats.counts?.["backfill.activities"] === undefined)).toBe(true);
  });

  it("reads only what is new on the next sync: the log from the top down to the watermark (less a lookback)", async () => {
    const source = await sandbox({ size: 120 });
    const connection = sandboxConnection(source);
    const connector = fast();
    const first = await syncToEnd(connector, connection);
    source.resetStats();
    const added = source.addDelivery();
    const second = await syncToEnd(connector, connection, first.cursor);
    const activityIds = ids(second.records, "activity");
    const expected = added.map((event) => record(transformActivity(source.activityEntry(event))).externalId);
    expect(expected.length).toBeGreaterThan(0);
    expect(activityIds).toEqual(expect.arrayContaining(expected));
    // Only entries within the lookback of the last run's newest one come back, never the whole month.
    expect(activityIds.length).toBeLessThan(source.events().length / 4);
    expect(source.stats().activityRequests).toBe(1);
  });

  it("full sync reads the whole log again and says so", async () => {
    const source = await sandbox();
    const connection = sandboxConnection(source);
    const connector = fast();
    const first = await syncToEnd(connector, connection);
    const full = await syncToEnd(connector, connection, first.cursor, { fullSync: true });
    expect(ids(full.records, "activity").length).toBe(ids(first.records, "activity").length);
    expect(full.pages.some((page) => page.stats.notices?.includes(HISTORY_NOTICE))).toBe(true);
  });

  it("quarantines a malformed entry and keeps the rest of its page", async () => {
    const source = await sandbox();
    const [target] = source.events();
    source.faults.arm({ fault: { kind: "malformed-item", itemId: target?.activityId ?? "" }, match: { path: "/v1/activities" } });
    const { pages, records } = await syncToEnd(fast(), sandboxConnection(source));
    const quarantined = pages.flatMap((page) => page.quarantined ?? []);
    expect(quarantined.map((item) => item.externalId)).toContain(`activity:${target?.activityId ?? ""}`);
    expect(ids(records, "activity").length + quarantined.length).toBe(source.events().length);
  });

  it("throws a SchemaError on a page that is not a page, and on a next token that leads back (no loop)", async () => {
    const broken = await sandbox();
    broken.faults.arm({ fault: { kind: "malformed-page" }, match: { path: "/v1/activities" } });
    await expect(syncToEnd(fast(), sandboxConnection(broken))).rejects.toSatisfy(isSchemaError);
    const looping = await sandbox({ size: 80 });
    looping.faults.arm({ fault: { kind: "repeat-cursor" }, match: { path: "/v1/activities" }, after: 1 });
    await expect(syncToEnd(fast(), sandboxConnection(looping))).rejects.toSatisfy(isSchemaError);
  });
});

describe("pull: people", () => {
  it("searches, then reads attributes in batches of at most 100 (by id, and by cio_id for people without one)", async () => {
    const source = await sandbox({ size: 230 });
    const { records } = await syncToEnd(fast(), sandboxConnection(source), null, {});
    const people = source.people();
    expect(ids(records, "person").sort()).toEqual(people.map((person) => (person.id === "" ? `cio_${person.cio_id}` : person.id)).sort());
    const lookups = source.requests().filter((request) => request.path === "/v1/customers/attributes");
    expect(lookups.length).toBe(Math.ceil(people.filter((p) => p.id !== "").length / 100) + Math.ceil(people.filter((p) => p.id === "").length / 100));
    expect(lookups.some((request) => request.query["id_type"]?.[0] === "cio_id")).toBe(true);
    const searches = source.requests().filter((request) => request.path === "/v1/customers");
    expect(searches.every((request) => request.method === "POST" && request.query["limit"]?.[0] === "1000")).toBe(true);
  });

  it("pages the search with start/next when there are more people than one page holds", async () => {
    const source = await sandbox({ size: 1_050 });
    const { records } = await syncToEnd(fast(), sandboxConnection(source));
    expect(ids(records, "person")).toHaveLength(1_050);
    const searches = source.requests().filter((request) => request.path === "/v1/customers");
    expect(searches).toHaveLength(2);
    expect(searches[1]?.query["start"]?.[0]).toBeTruthy();
  }, 300_000);

  it("limits people to a segment when the connection names one, and skips people when switched off", async () => {
    const source = await sandbox({ size: 30 });
    const segment = await syncToEnd(fast(), sandboxConnection(source, { peopleSegmentId: 3 }));
    expect(ids(segment.records, "person")).toHaveLength(10);
    const off = await sandbox({ size: 30 });
    const none = await syncToEnd(fast(), sandboxConnection(off, { syncPeople: false }));
    expect(ids(none.records, "person")).toEqual([]);
    expect(off.stats().searchRequests).toBe(0);
  });
});

describe("pull: limits and failures", () => {
  it("waits out 429s (no Retry-After, as Customer.io sends none) and finishes with every record", async () => {
    // Two per second: the three attribute calls, sent together, meet a 429 however slow this machine is.
    const source = await sandbox({ size: 230, rateLimit: { app: { limit: 2, windowMs: 1_000 } } });
    const retry = { baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 12, maxTotalWaitMs: 60_000 };
    const { records } = await syncToEnd(new CustomerioConnector({ retry }), sandboxConnection(source));
    const refused = source.requests().filter((request) => request.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(ids(records, "person")).toHaveLength(230);
  }, 300_000);

  it("paces itself to the documented 10 per second: a full sync against the real window finishes", async () => {
    const source = await sandbox({ size: 300 });
    const { records } = await syncToEnd(new CustomerioConnector(), sandboxConnection(source));
    expect(ids(records, "person")).toHaveLength(300);
    // Counts only (no wall clock): how many requests the window refused is printed by the bench; here it must finish.
    expect(source.requests().length).toBeGreaterThan(10);
  }, 300_000);

  it("is an AuthError, not retried, when the key is revoked mid-sync (401 on the second request)", async () => {
    const source = await sandbox({ size: 120 });
    source.faults.arm({ fault: { kind: "status", status: 401 }, match: { request: 2 } });
    const error: unknown = await syncToEnd(fast(), sandboxConnection(source)).catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(String(error)).not.toContain(source.apiKey);
    expect(source.requests()).toHaveLength(2);
  });

  it("retries a 503 and a proxy's HTML 502 page, then goes on", async () => {
    const source = await sandbox();
    source.faults.arm({ fault: { kind: "status", status: 503 }, match: { request: 1 } });
    source.faults.arm({ fault: { kind: "html", status: 502 }, match: { request: 3 } });
    const { records } = await syncToEnd(fast(), sandboxConnection(source));
    expect(ids(records, "person")).toHaveLength(40);
  });

  it("refuses the Track API's Basic auth and a key sent as X-Api-Key: the App API takes Bearer only", async () => {
    const source = await sandbox();
    const basic = `Basic ${Buffer.from(`site:${source.apiKey}`).toString("base64")}`;
    for (const headers of [{ authorization: basic }, { "x-api-key": source.apiKey }]) {
      const response = await fetch(`${source.url}/v1/activities`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ meta: { error: "Unauthorized request" } });
    }
  });
});

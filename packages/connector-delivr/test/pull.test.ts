import { FaultPlan } from "@gtm-clarity/testkit/sandbox";
import { isAuthError, isSchemaError, type CanonicalActivity } from "@gtm-clarity/core";
import { afterEach, describe, expect, it } from "vitest";
import { authHeaders, parseDelivrCredentials } from "../src/auth.js";
import { DelivrClients } from "../src/client.js";
import { DelivrConnector } from "../src/connector.js";
import { listAudiences } from "../src/sync/intent.js";
import {
  SANDBOX_OTHER_PIXEL,
  SANDBOX_PIXEL,
  SANDBOX_PROJECT,
  parseFilter,
  startDelivrSandbox,
  type DelivrSandbox,
  type DelivrSandboxOptions,
} from "../src/sandbox/index.js";
import type { DelivrSettingsInput } from "../src/settings.js";
import { HOUR_MS } from "../src/sync/windows.js";
import { FAST, stored, syncAll } from "./support.js";

const DAY = 24 * HOUR_MS;
const T = Date.UTC(2026, 0, 20, 12); // every run below "starts" here
const binding = { tenantId: "t", connectionId: "c" };

let sandbox: DelivrSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: DelivrSandboxOptions = {}): Promise<DelivrSandbox> {
  sandbox = await startDelivrSandbox({ anchorMs: T, rateLimitOnRequests: [], ...options });
  return sandbox;
}

const connectorAt = (now: number, extra: object = {}) => new DelivrConnector({ ...FAST, now: () => new Date(now), ...extra });
const visitsOnly = (s: DelivrSandbox, extra: DelivrSettingsInput = {}): DelivrSettingsInput => ({
  ...s.settings(binding),
  streams: ["visits"],
  lookbackMinutes: 0,
  ...extra,
});
const visits = (records: readonly { kind: string }[]) => records.filter((r): r is CanonicalActivity => r.kind === "activity");
const row = (timestamp: number, visitor: string) => ({ timestamp, pixel_id: SANDBOX_PIXEL, visitor_id: visitor, resolved: false });

describe("visitor events in windows", () => {
  it("stores an event at a window boundary exactly once: no gap, no double", async () => {
    const since = T - 2 * DAY;
    const boundary = since + 25 * HOUR_MS;
    const times = [since, boundary - 1, boundary, boundary + 1, T - 1];
    const s = await start({ data: { events: times.map((t, i) => row(t, `v${i}`)), topics: [], audiences: [], members: new Map() } });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 2 }));
    const seen = visits(run.records).map((v) => v.occurredAt.getTime());
    expect(seen.sort()).toEqual([...times].sort());
    expect(new Set(visits(run.records).map((v) => v.externalId)).size).toBe(times.length);
    // Two windows, [since, boundary) and [boundary, T), requested with inclusive bounds that do not overlap.
    const ranges = s.eventRequests().map((q) => [Number(q.get("start_ms")), Number(q.get("end_ms"))]);
    expect(ranges).toEqual([
      [since, boundary - 1],
      [boundary, T - 1],
    ]);
  });

  it("reads an event at the end of a run in the next run, once", async () => {
    const s = await start({ data: { events: [row(T - 10, "before"), row(T, "at-until"), row(T + 10, "after")], topics: [], audiences: [], members: new Map() } });
    const first = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 1 }));
    expect(visits(first.records).map((v) => v.occurredAt.getTime())).toEqual([T - 10]);
    const second = await syncAll(connectorAt(T + HOUR_MS), s.credentials, visitsOnly(s, { backfillDays: 1 }), first.cursor);
    expect(visits(second.records).map((v) => v.occurredAt.getTime())).toEqual([T, T + 10]);
    const ranges = s.eventRequests().map((q) => [Number(q.get("start_ms")), Number(q.get("end_ms"))]);
    expect(ranges.at(-1)).toEqual([T, T + HOUR_MS - 1]);
  });

  it("keeps each event once even when the server returns rows outside the window, and says so", async () => {
    const since = T - 2 * DAY;
    const boundary = since + 25 * HOUR_MS;
    const times = [boundary - 500, boundary - 1, boundary, boundary + 500];
    const s = await start({ bounds: "sloppy", data: { events: times.map((t, i) => row(t, `v${i}`)), topics: [], audiences: [], members: new Map() } });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 2 }));
    const all = visits(run.records);
    expect(all).toHaveLength(times.length);
    expect(stored(all).size).toBe(times.length);
    const notices = run.pages.flatMap((p) => p.stats.notices ?? []);
    expect(notices.join(" ")).toMatch(/outside the requested time window/);
  });

  it("pages each window by offset and limit until a short page", async () => {
    const events = Array.from({ length: 50 }, (_, i) => row(T - HOUR_MS + i * 1000, `p${i}`));
    const s = await start({ data: { events, topics: [], audiences: [], members: new Map() } });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 1, pageSize: 7 }));
    expect(visits(run.records)).toHaveLength(50);
    const offsets = s.eventRequests().map((q) => [Number(q.get("offset")), Number(q.get("limit"))]);
    expect(offsets).toEqual(Array.from({ length: 8 }, (_, i) => [i * 7, 7]));
  });

  it("stops on a full last page when the server sends a total", async () => {
    const events = Array.from({ length: 14 }, (_, i) => row(T - HOUR_MS + i * 1000, `p${i}`));
    const s = await start({ withTotal: true, data: { events, topics: [], audiences: [], members: new Map() } });
    await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 1, pageSize: 7 }));
    expect(s.eventRequests().map((q) => q.get("offset"))).toEqual(["0", "7"]);
  });

  it("reads v2 (renamed fields, source=pixel) into the same records as v1", async () => {
    const s = await start();
    const v1 = await syncAll(connectorAt(T), s.credentials, visitsOnly(s));
    const v2 = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { eventsApi: "v2" }));
    expect(s.eventRequests().at(-1)?.get("source")).toBe("pixel");
    expect([...stored(v2.records).keys()].sort()).toEqual([...stored(v1.records).keys()].sort());
    expect(stored(v2.records)).toEqual(stored(v1.records));
  });

  it("scopes by pixel (the other pixel's visits stay out), or by project (both pixels)", async () => {
    const s = await start();
    const byPixel = await syncAll(connectorAt(T), s.credentials, visitsOnly(s));
    const byProject = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { pixelId: undefined, projectId: SANDBOX_PROJECT }));
    const pixels = (records: typeof byPixel.records) => new Set(visits(records).map((v) => v.properties["pixelId"]));
    expect(pixels(byPixel.records)).toEqual(new Set([SANDBOX_PIXEL]));
    expect(pixels(byProject.records)).toEqual(new Set([SANDBOX_PIXEL, SANDBOX_OTHER_PIXEL]));
    expect(s.eventRequests().at(-1)?.get("project_id")).toBe(SANDBOX_PROJECT);
  });

  it("asks only for resolved visits with filter=resolved:eq:true when set", async () => {
    const s = await start();
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s, { resolvedOnly: true }));
    expect(s.eventRequests().every((q) => q.get("filter") === "resolved:eq:true")).toBe(true);
    expect(visits(run.records).every((v) => v.properties["resolved"] === true)).toBe(true);
    expect(visits(run.records).length).toBeGreaterThan(0);
  });

  it("waits out a 429 and retries, then finishes", async () => {
    const s = await start({ rateLimitOnRequests: [2] });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s));
    expect(s.stats().rateLimited).toBe(1);
    expect(visits(run.records).length).toBeGreaterThan(100);
  });

  it("retries a 503, an HTML error page and a connection dropped mid-body, and loses nothing", async () => {
    const faults = new FaultPlan([
      { fault: { kind: "status", status: 503 }, match: { path: "/api/v1/events" }, after: 1 },
      { fault: { kind: "html", status: 502 }, match: { path: "/api/v1/events" }, after: 3 },
      { fault: { kind: "drop" }, match: { path: "/api/v1/events" }, after: 5 },
    ]);
    const clean = await start();
    const expected = stored((await syncAll(connectorAt(T), clean.credentials, visitsOnly(clean))).records);
    await clean.close();
    const s = await start({ faults });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s));
    expect(s.stats().faultsInjected).toBe(3);
    expect(stored(run.records)).toEqual(expected);
  });

  it("quarantines a malformed row and keeps the rest of its page", async () => {
    const faults = new FaultPlan([{ fault: { kind: "malformed-item", position: 0 }, match: { path: "/api/v1/events" } }]);
    const s = await start({ faults });
    const run = await syncAll(connectorAt(T), s.credentials, visitsOnly(s));
    expect(run.quarantined.some((q) => q.reasons.some((r) => r.path === "timestamp"))).toBe(true);
  });

  it("fails a page that is not a page with a SchemaError, and resumes from the last good cursor", async () => {
    const s = await start({ faults: new FaultPlan([{ fault: { kind: "malformed-page" }, match: { path: "/api/v1/events" }, after: 1 }]) });
    const connector = connectorAt(T, { requestsPerPage: 1 });
    const settings = visitsOnly(s, { pageSize: 10 });
    const first = await connector.sync(s.credentials, null, { settings });
    await expect(connector.sync(s.credentials, first.cursor, { settings })).rejects.toSatisfy(isSchemaError);
    const rest = await syncAll(connector, s.credentials, settings, first.cursor);
    const clean = await start();
    const all = await syncAll(connectorAt(T), clean.credentials, visitsOnly(clean, { pageSize: 10 }));
    expect(stored([...first.records, ...rest.records])).toEqual(stored(all.records));
  });

  it("refuses a server that ignores offset (the same page again) with a SchemaError instead of looping", async () => {
    const events = Array.from({ length: 30 }, (_, i) => row(T - HOUR_MS + i * 1000, `p${i}`));
    const s = await start({
      data: { events, topics: [], audiences: [], members: new Map() },
      faults: new FaultPlan([{ fault: { kind: "repeat-cursor" }, match: { path: "/api/v1/events" }, after: 1, times: "always" }]),
    });
    await expect(syncAll(connectorAt(T), s.credentials, visitsOnly(s, { backfillDays: 1, pageSize: 10 }))).rejects.toSatisfy(isSchemaError);
  });

  it("stops with an AuthError on a 401 mid-sync, keeping the cursor of the pages before it", async () => {
    const s = await start({ faults: new FaultPlan([{ fault: { kind: "status", status: 401 }, match: { path: "/api/v1/events" }, after: 2 }]) });
    const connector = connectorAt(T, { requestsPerPage: 1 });
    const settings = visitsOnly(s, { pageSize: 10 });
    const one = await connector.sync(s.credentials, null, { settings });
    const two = await connector.sync(s.credentials, one.cursor, { settings });
    await expect(connector.sync(s.credentials, two.cursor, { settings })).rejects.toSatisfy(isAuthError);
    const rest = await syncAll(connector, s.credentials, settings, two.cursor);
    expect(visits([...one.records, ...two.records, ...rest.records]).length).toBe(
      s.data.events.filter((e) => e["pixel_id"] === SANDBOX_PIXEL && typeof e["timestamp"] === "number").length,
    );
  });
});

describe("intent audiences", () => {
  it("lists audiences page by page, keeps the completed ones since the watermark, oldest first", async () => {
    const audiences = Array.from({ length: 150 }, (_, i) => ({
      audience_id: `aud_${String(i).padStart(3, "0")}`,
      name: `Audience ${i}`,
      status: i % 10 === 0 ? "Processing" : "Completed",
      completed_at: new Date(T - (150 - i) * 60_000).toISOString(),
      topic_ids: [],
    }));
    const s = await start({ data: { events: [], topics: [], audiences, members: new Map() } });
    const client = new DelivrClients(FAST).get(s.url, authHeaders(parseDelivrCredentials(s.credentials)));
    const all = await listAudiences(client, SANDBOX_PROJECT, null);
    expect(all.truncated).toBe(false);
    expect(all.audiences).toHaveLength(135);
    expect(all.audiences.map((a) => a.updatedAtMs)).toEqual([...all.audiences.map((a) => a.updatedAtMs)].sort((a, b) => a - b));
    const recent = await listAudiences(client, SANDBOX_PROJECT, T - 30 * 60_000);
    expect(recent.audiences.map((a) => a.id)).toEqual(
      audiences.filter((a, i) => i >= 120 && a.status === "Completed").map((a) => a.audience_id),
    );
    const sync = await syncAll(connectorAt(T), s.credentials, { ...s.settings(binding), streams: ["intent"] });
    expect(sync.records).toEqual([]);
  });
});

describe("the sandbox's Events API", () => {
  const get = (s: DelivrSandbox, path: string, headers: Record<string, string> = {}) =>
    fetch(`${s.url}${path}`, { headers: { "x-api-key": s.auth.apiKey, "x-api-secret": s.auth.apiSecret, ...headers } });

  it("requires both headers", async () => {
    const s = await start();
    expect((await fetch(`${s.url}/api/v1/events_schema`, { headers: { "x-api-key": s.auth.apiKey } })).status).toBe(401);
    expect((await get(s, "/api/v1/events_schema")).status).toBe(200);
  });

  it("refuses a range over 25 hours, a missing range and a missing scope with 400", async () => {
    const s = await start();
    const over = await get(s, `/api/v1/events?pixel_id=${SANDBOX_PIXEL}&start_ms=0&end_ms=${25 * HOUR_MS + 1}`);
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({ message: expect.stringMatching(/25 hours/) });
    expect((await get(s, `/api/v1/events?pixel_id=${SANDBOX_PIXEL}&start_ms=0&end_ms=${25 * HOUR_MS}`)).status).toBe(200);
    expect((await get(s, `/api/v1/events?pixel_id=${SANDBOX_PIXEL}`)).status).toBe(400);
    expect((await get(s, `/api/v1/events?start_ms=0&end_ms=1`)).status).toBe(400);
  });

  it("applies filter, select and distinct", async () => {
    const s = await start();
    const range = `pixel_id=${SANDBOX_PIXEL}&start_ms=${T - 24 * HOUR_MS}&end_ms=${T}`;
    const body = async (query: string) => ((await (await get(s, `/api/v1/events?${range}&limit=1000&${query}`)).json()) as { data: Record<string, unknown>[] }).data;
    const resolved = await body("filter=resolved:eq:true");
    expect(resolved.length).toBeGreaterThan(0);
    expect(resolved.every((r) => r["resolved"] === true)).toBe(true);
    const either = await body(`filter=${encodeURIComponent("resolved:eq:true|company_domain:eq:null")}`);
    expect(either.length).toBeGreaterThan(resolved.length);
    const selected = await body("select=visitor_id,timestamp");
    expect(Object.keys(selected[0] ?? {}).sort()).toEqual(["timestamp", "visitor_id"]);
    const distinct = await body("select=company_domain&distinct=company_domain");
    expect(new Set(distinct.map((r) => r["company_domain"])).size).toBe(distinct.length);
    expect((await get(s, `/api/v1/events?${range}&filter=resolved:like:x`)).status).toBe(400);
  });

  it("parses the filter grammar: AND binds tighter than OR, null means no value", () => {
    const test = parseFilter("a:eq:1,b:ne:null|c:eq:x");
    expect(test({ a: 1, b: "y" })).toBe(true);
    expect(test({ a: 1, b: null })).toBe(false);
    expect(test({ c: "x" })).toBe(true);
    expect(() => parseFilter("nonsense")).toThrow(RangeError);
  });
});

import { createHttpClient, isAuthError, isHttpError, isSchemaError, isTransientError } from "@gtm-clarity/core";
import { afterEach, describe, expect, it } from "vitest";
import { FathomConnector } from "../src/connector.js";
import { generateMeeting } from "../src/sandbox/data.js";
import { startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";
import { pullMeetings, type MeetingsPage } from "../src/sync/pull.js";
import { activityIds, FAST_RETRY, parseCursor, sandboxConnection, syncPage, syncToEnd } from "./helpers.js";

const sandboxes: FathomSandbox[] = [];
async function sandboxWith(options: Parameters<typeof startFathomSandbox>[0]): Promise<FathomSandbox> {
  const sandbox = await startFathomSandbox(options);
  sandboxes.push(sandbox);
  return sandbox;
}
afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
});

/** The watermark as the cursor keeps it: an instant to the millisecond. */
const instant = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso).toISOString());

const idsNewestFirst = (sandbox: FathomSandbox) => sandbox.meetings().map((meeting) => String(meeting.recording_id));

describe("pullMeetings: cursor paging", () => {
  it("reads every page of 10 until next_cursor is null, passing next_cursor back as cursor", async () => {
    const sandbox = await sandboxWith({ meetings: 35, rateLimit: false });
    const client = createHttpClient({ baseUrl: sandbox.url, headers: { "X-Api-Key": sandbox.apiKey } });
    const pages: MeetingsPage[] = [];
    for await (const page of pullMeetings(client, {})) pages.push(page);

    expect(pages.map((page) => page.items.length)).toEqual([10, 10, 10, 5]);
    expect(pages.map((page) => page.limit)).toEqual([10, 10, 10, 10]);
    expect(pages.at(-1)?.nextCursor).toBeNull();
    const ids = pages.flatMap((page) => page.items.map((item) => String((item as { recording_id: number }).recording_id)));
    expect(ids).toEqual(idsNewestFirst(sandbox));

    const requests = sandbox.requests();
    expect(requests.map((request) => request.query["cursor"]?.[0])).toEqual([
      undefined,
      pages[0]?.nextCursor,
      pages[1]?.nextCursor,
      pages[2]?.nextCursor,
    ]);
  });

  it("never sends a page-size parameter (Fathom has none)", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    await syncToEnd(new FathomConnector(), sandboxConnection(sandbox, { includeActionItems: true }));
    for (const request of sandbox.requests()) {
      for (const name of ["limit", "page_size", "per_page", "pageSize"]) expect(request.query).not.toHaveProperty(name);
    }
  });

  it("stops lazily: a consumer can take one page and resume from its cursor", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const client = createHttpClient({ baseUrl: sandbox.url, headers: { "X-Api-Key": sandbox.apiKey } });
    const first = await pullMeetings(client, {}).next();
    expect(sandbox.stats().requests).toBe(1);
    const cursor = first.done ? null : first.value.nextCursor;
    const rest: MeetingsPage[] = [];
    for await (const page of pullMeetings(client, {}, { startCursor: cursor })) rest.push(page);
    expect(rest.map((page) => page.items.length)).toEqual([10, 5]);
  });
});

describe("sync: one page per call, include_* flags", () => {
  it("pages a full sync and reports the requests each page made", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const { pages, cursor } = await syncToEnd(new FathomConnector(), sandboxConnection(sandbox));
    expect(pages.map((page) => page.hasMore)).toEqual([true, true, false]);
    expect(pages.map((page) => page.stats.requests)).toEqual([1, 1, 1]);
    expect(activityIds(pages)).toEqual(idsNewestFirst(sandbox));
    expect(parseCursor(cursor)).toEqual({ v: 1, phase: "idle", watermark: instant(sandbox.meetings()[0]?.created_at) });
  });

  it("asks for content only when the connection opted in, and then counts as heavy", async () => {
    const sandbox = await sandboxWith({ meetings: 5, rateLimit: false });
    const metadataOnly = await syncPage(new FathomConnector(), sandboxConnection(sandbox), null);
    expect(metadataOnly.documents).toEqual([]);
    expect(sandbox.requests()[0]?.query).toEqual({});
    expect(sandbox.requests()[0]?.heavy).toBe(false);

    sandbox.resetStats();
    const full = await syncPage(new FathomConnector(), sandboxConnection(sandbox, { includeTranscript: true, includeSummary: true, includeActionItems: true }), null,
    );
    expect(sandbox.requests()[0]?.query).toEqual({
      include_transcript: ["true"],
      include_summary: ["true"],
      include_action_items: ["true"],
    });
    expect(sandbox.requests()[0]?.heavy).toBe(true);
    expect(full.documents?.map((document) => document.type)).toEqual(Array(5).fill(["transcript", "summary"]).flat());
  });
});

describe("sync: incremental with created_after and a lookback overlap", () => {
  it("asks only for meetings after the watermark minus the lookback, and re-reads the overlap", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox);
    const full = await syncToEnd(connector, connection);
    const watermark = sandbox.meetings()[0]?.created_at ?? "";

    const added = sandbox.addMeetings(3);
    sandbox.resetStats();
    const incremental = await syncToEnd(connector, connection, full.cursor);

    const createdAfter = new Date(Date.parse(watermark) - 60 * 60_000).toISOString();
    expect(sandbox.requests().map((request) => request.query["created_after"])).toEqual([[createdAfter]]);
    // Meetings are 75 minutes apart in the sandbox: a 60 minute lookback re-reads exactly the previous newest one.
    const expected = [...added.map((meeting) => String(meeting.recording_id)).reverse(), idsNewestFirst(sandbox)[3]];
    expect(activityIds(incremental.pages)).toEqual(expected);
    expect(parseCursor(incremental.cursor)).toEqual({ v: 1, phase: "idle", watermark: instant(added.at(-1)?.created_at) });
  });

  it("catches a meeting that became visible late inside the lookback window", async () => {
    const sandbox = await sandboxWith({ meetings: 12, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox, { lookbackMinutes: 120 });
    const full = await syncToEnd(connector, connection);
    const watermark = Date.parse(sandbox.meetings()[0]?.created_at ?? "");

    const late = { ...generateMeeting(1, 5_000), created_at: new Date(watermark - 30 * 60_000).toISOString() };
    sandbox.insertMeetings([late]);
    const incremental = await syncToEnd(connector, connection, full.cursor);
    expect(activityIds(incremental.pages)).toContain(String(late.recording_id));
    // The watermark never moves backwards.
    expect(parseCursor(incremental.cursor)).toEqual({ v: 1, phase: "idle", watermark: instant(sandbox.meetings()[0]?.created_at) });
  });

  it("fullSync ignores the watermark and reads everything again", async () => {
    const sandbox = await sandboxWith({ meetings: 15, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox);
    const first = await syncToEnd(connector, connection);
    sandbox.resetStats();
    const again = await syncToEnd(connector, connection, first.cursor, { fullSync: true });
    expect(sandbox.requests().every((request) => request.query["created_after"] === undefined)).toBe(true);
    expect(activityIds(again.pages)).toHaveLength(15);
  });

  it("continues a version 1 cursor stored before the watermark cursor: a run in progress, then its watermark", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox);
    const first = await syncPage(connector, connection, null);
    const newest = sandbox.meetings()[0]?.created_at ?? "";
    const pageCursor = parseCursor(first.cursor);
    if (pageCursor.phase !== "paging") throw new Error("expected a run in progress");
    const v1Paging = JSON.stringify({ v: 1, phase: "paging", watermark: null, createdAfter: null, pageCursor: pageCursor.pageCursor, highWater: newest });
    sandbox.resetStats();
    const rest = await syncToEnd(connector, connection, v1Paging);
    expect([...activityIds([first]), ...activityIds(rest.pages)]).toEqual(idsNewestFirst(sandbox));
    expect(sandbox.requests()[0]?.query["cursor"]).toEqual([pageCursor.pageCursor]);
    expect(parseCursor(rest.cursor)).toEqual({ v: 1, phase: "idle", watermark: instant(newest) });

    // An idle version 1 cursor: the next run reads from its watermark minus the lookback.
    sandbox.resetStats();
    await syncToEnd(connector, connection, JSON.stringify({ v: 1, phase: "idle", watermark: newest }));
    const createdAfter = new Date(Date.parse(newest) - 60 * 60_000).toISOString();
    expect(sandbox.requests().map((request) => request.query["created_after"])).toEqual([[createdAfter]]);
  });

  it("resumes a run from a page cursor with the run's own created_after", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox);
    const firstPage = await syncPage(connector, connection, null);
    // A restart (new process, new connector) resumes from the committed cursor.
    const rest = await syncToEnd(new FathomConnector(), connection, firstPage.cursor);
    expect([...activityIds([firstPage]), ...activityIds(rest.pages)]).toEqual(idsNewestFirst(sandbox));
  });
});

describe("sync: a stuck cursor fails incremental runs clearly, and a full sync starts over", () => {
  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => expect.unreachable("expected a rejection"),
      (error: unknown) => error,
    );
  }

  /** A committed paging position the sandbox no longer accepts: it answers 400, as for an expired cursor. */
  const stuckAt = (createdAfter: string | null) =>
    // A version 1 cursor, as stored before the move to the watermark cursor: it still reads.
    JSON.stringify({
      v: 1,
      phase: "paging",
      watermark: "2025-01-06T00:00:00Z",
      createdAfter,
      pageCursor: "expired-position",
      highWater: null,
    });

  for (const [run, createdAfter] of [
    ["an incremental run", "2025-01-05T23:00:00.000Z"],
    ["a full run", null],
  ] as const) {
    it(`${run}'s refused paging position: HTTP 400 naming the remedy, then a full sync reads everything`, async () => {
      const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
      const connector = new FathomConnector({ retry: FAST_RETRY });
      const connection = sandboxConnection(sandbox);
      const stuck = stuckAt(createdAfter);

      const error = await rejection(syncPage(connector, connection, stuck));
      expect(isHttpError(error)).toBe(true);
      expect(error).toMatchObject({ status: 400, retryable: false });
      expect((error as Error).message).toMatch(/paging position.*full sync \(fullSync: true\) starts this connection over/);
      // Every later incremental run fails the same way: the cursor is stuck.
      expect(isHttpError(await rejection(syncPage(connector, connection, stuck)))).toBe(true);

      sandbox.resetStats();
      const full = await syncToEnd(connector, connection, stuck, { fullSync: true });
      expect(activityIds(full.pages)).toEqual(idsNewestFirst(sandbox));
      expect(parseCursor(full.cursor)).toEqual({ v: 1, phase: "idle", watermark: instant(sandbox.meetings()[0]?.created_at) });
      expect(sandbox.requests().every((request) => request.query["created_after"] === undefined)).toBe(true);
      expect(sandbox.requests().filter((request) => request.status === 200)).toHaveLength(3);
    });
  }

  it("an unreadable or old-version cursor: a SchemaError naming the remedy, then a full sync reads everything", async () => {
    const sandbox = await sandboxWith({ meetings: 15, rateLimit: false });
    const connector = new FathomConnector();
    const connection = sandboxConnection(sandbox);
    const unreadable = [
      "not json",
      "eyJ0IjoxNzM2MTU0MDAwMDAwLCJyIjoxMDAwMDAwMDB9", // a bare Fathom next_cursor, as a cursor without a version
      '{"v":0,"phase":"idle","watermark":null}',
      '{"v":1,"phase":"paging"}',
    ];
    for (const cursor of unreadable) {
      const error = await rejection(syncPage(connector, connection, cursor));
      expect(isSchemaError(error), cursor).toBe(true);
      expect((error as Error).message).toMatch(/full sync \(fullSync: true\) starts this connection over/);
    }
    expect(sandbox.stats().requests).toBe(0);

    for (const cursor of unreadable) {
      const full = await syncToEnd(connector, connection, cursor, { fullSync: true });
      expect(activityIds(full.pages), cursor).toEqual(idsNewestFirst(sandbox));
    }
  });

  it("a cursor from a newer connector version fails even a full sync: upgrading is the remedy", async () => {
    const sandbox = await sandboxWith({ meetings: 5, rateLimit: false });
    const error = await rejection(
      syncPage(new FathomConnector(), sandboxConnection(sandbox), '{"v":9,"phase":"idle","watermark":null}', { fullSync: true }),
    );
    expect(isSchemaError(error)).toBe(true);
    expect((error as Error).message).toMatch(/newer.*upgrade/);
    expect(sandbox.stats().requests).toBe(0);
  });

  it("a full run continues from the cursor its previous page committed (fullSync is passed on every page)", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false });
    const { pages } = await syncToEnd(new FathomConnector(), sandboxConnection(sandbox), null, { fullSync: true }, 10);
    expect(activityIds(pages)).toEqual(idsNewestFirst(sandbox));
    expect(sandbox.requests().map((request) => request.query["cursor"]?.[0] ?? null)).toEqual([
      null,
      expect.any(String),
      expect.any(String),
    ]);
  });
});

describe("sync: rate limits", () => {
  it("paces from RateLimit-* headers alone, so no 429 happens", async () => {
    const sandbox = await sandboxWith({ meetings: 45, rateLimit: { requests: 3, windowMs: 2_000 } });
    // The connector's own budget is far above the server's: only the headers can keep it under.
    const connector = new FathomConnector({ rateLimit: { requests: 1_000, windowMs: 2_000 } });
    const started = Date.now();
    const { pages } = await syncToEnd(connector, sandboxConnection(sandbox));
    expect(pages).toHaveLength(5);
    expect(sandbox.stats().rateLimited).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
  });

  it("keeps to its own budget when the server sends no headers", async () => {
    const sandbox = await sandboxWith({ meetings: 45, rateLimit: false });
    const connector = new FathomConnector({ rateLimit: { requests: 2, windowMs: 1_000 } });
    await syncToEnd(connector, sandboxConnection(sandbox));
    const times = sandbox.requests().map((request) => request.at);
    expect(times).toHaveLength(5);
    for (let i = 2; i < times.length; i += 1) {
      // No three requests inside one window.
      expect((times[i] ?? 0) - (times[i - 2] ?? 0)).toBeGreaterThanOrEqual(990);
    }
  });

  it("backs off by RateLimit-Reset on a 429 and then succeeds", async () => {
    const sandbox = await sandboxWith({ meetings: 5, rateLimit: { requests: 2, windowMs: 2_000 } });
    // Someone else (another process with the same key) used up the budget.
    for (let i = 0; i < 2; i += 1) {
      await fetch(`${sandbox.url}/meetings`, { headers: { "X-Api-Key": sandbox.apiKey } });
    }
    const started = Date.now();
    const page = await syncPage(new FathomConnector(), sandboxConnection(sandbox), null);
    expect(page.records.length).toBeGreaterThan(0);
    expect(page.stats.requests).toBe(2);
    expect(sandbox.stats().rateLimited).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("uses the heavy budget (30 per 60 s) when transcripts or summaries are included", async () => {
    const sandbox = await sandboxWith({ meetings: 45, rateLimit: { requests: 100, heavyRequests: 2, windowMs: 1_500 } });
    const connector = new FathomConnector({ rateLimit: { requests: 100, heavyRequests: 2, windowMs: 1_500 } });
    const started = Date.now();
    await syncToEnd(connector, sandboxConnection(sandbox, { includeTranscript: true }));
    expect(sandbox.stats()).toMatchObject({ heavyRequests: 5, rateLimited: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
  });
});

describe("sync: faults", () => {
  it("retries a 5xx and completes the page", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false, faults: { failRequests: [2] } });
    const { pages } = await syncToEnd(new FathomConnector({ retry: FAST_RETRY }), sandboxConnection(sandbox));
    expect(pages.map((page) => page.stats.requests)).toEqual([1, 2, 1]);
    expect(activityIds(pages)).toEqual(idsNewestFirst(sandbox));
    expect(sandbox.stats()).toMatchObject({ requests: 4, serverErrors: 1 });
  });

  it("gives up on a 5xx storm with a retryable TransientError", async () => {
    const sandbox = await sandboxWith({ meetings: 5, rateLimit: false, faults: { failRequests: [1, 2, 3, 4], failStatus: 500 } });
    const connector = new FathomConnector({ retry: { ...FAST_RETRY, maxAttempts: 3 } });
    const error: unknown = await syncPage(connector, sandboxConnection(sandbox), null).catch((caught: unknown) => caught);
    expect(isTransientError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: true });
    expect(sandbox.stats().requests).toBe(3);
  });

  it("retries a response that is too slow", async () => {
    const sandbox = await sandboxWith({ meetings: 5, rateLimit: false, faults: { slowRequests: [1], slowMs: 1_500 } });
    const connector = new FathomConnector({ retry: FAST_RETRY, timeoutMs: 300 });
    const page = await syncPage(connector, sandboxConnection(sandbox), null);
    expect(page.stats.requests).toBe(2);
    expect(activityIds([page])).toHaveLength(5);
  });

  it("quarantines one malformed meeting and lets the rest of the page through", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false, faults: { malformedMeetingIndexes: [4] } });
    const badId = idsNewestFirst(sandbox)[4];
    const { pages } = await syncToEnd(new FathomConnector(), sandboxConnection(sandbox));
    const [first] = pages;
    expect(first?.quarantined).toEqual([
      expect.objectContaining({
        externalId: badId,
        raw: expect.objectContaining({ created_at: "last tuesday" }),
        reasons: expect.arrayContaining([expect.objectContaining({ path: "created_at" })]),
      }),
    ]);
    expect(first?.stats.errors).toBe(1);
    expect(activityIds([first ?? pages[0]!])).toHaveLength(9);
    expect(activityIds(pages)).toEqual(idsNewestFirst(sandbox).filter((id) => id !== badId));
  });

  it("fails a page that is malformed as a whole with a SchemaError, without retrying it", async () => {
    const sandbox = await sandboxWith({ meetings: 25, rateLimit: false, faults: { malformedPageRequests: [2] } });
    const connector = new FathomConnector({ retry: FAST_RETRY });
    const first = await syncPage(connector, sandboxConnection(sandbox), null);
    const error: unknown = await syncPage(connector, sandboxConnection(sandbox), first.cursor).catch((caught: unknown) => caught);
    expect(isSchemaError(error)).toBe(true);
    expect(error).toMatchObject({ retryable: false });
    expect(sandbox.stats().requests).toBe(2);
  });

  it("fails a non-JSON body with a SchemaError (injected fetch)", async () => {
    const connector = new FathomConnector({
      fetch: async () => new Response("<html>maintenance</html>", { status: 200, headers: { "content-type": "text/html" } }),
    });
    const error: unknown = await connector
      .sync({ apiKey: "any-key-123" }, null, { settings: { baseUrl: "http://127.0.0.1:9/external/v1" } })
      .catch((caught: unknown) => caught);
    expect(isSchemaError(error)).toBe(true);
  });

  it("rejects a wrong key with an AuthError", async () => {
    const sandbox = await sandboxWith({ meetings: 5 });
    const error: unknown = await new FathomConnector()
      .sync({ apiKey: "wrong-key-456" }, null, { settings: sandboxConnection(sandbox).settings })
      .catch((caught: unknown) => caught);
    expect(isAuthError(error)).toBe(true);
    expect(sandbox.stats()).toMatchObject({ requests: 1, unauthorized: 1 });
  });
});

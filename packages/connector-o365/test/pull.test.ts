/**
 * Delta sync against the fake Graph: per-folder links, empty pages and replays, @removed, expired tokens in their
 * three forms with id-set reconciliation, the moving calendar window, Prefer headers, throttling (429 with a
 * fractional Retry-After, 4 in flight per mailbox) and a misbehaving server.
 */
import { isAuthError, isPagingLoopError, isSchemaError, type CanonicalActivity, type CanonicalRecord } from "@gtm-clarity/core";
import { afterEach, describe, expect, it } from "vitest";
import { parseCursor } from "../src/sync/cursor.js";
import { ACCEPTED, drain, harness, lastCursor, records, type Harness } from "./support.js";

let open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.map((h) => h.sandbox.close()));
  open = [];
});
async function start(...args: Parameters<typeof harness>): Promise<Harness> {
  const h = await harness(...args);
  open.push(h);
  return h;
}
function firstUser(h: Harness) {
  const [user] = h.sandbox.users;
  if (user === undefined) throw new Error("no user");
  return user;
}
const byKind = (list: readonly CanonicalRecord[], kind: CanonicalRecord["kind"]) => list.filter((record) => record.kind === kind);
const activities = (list: readonly CanonicalRecord[]) => list.filter((record): record is CanonicalActivity => record.kind === "activity");
const graphRequests = (h: Harness) => h.sent.filter(({ url }) => url.includes("/v1.0/"));

describe("a full sync", () => {
  it("walks users, Inbox, Sent Items and the calendar, each to its own deltaLink, through empty pages and replays", async () => {
    const h = await start({ messagesPerMailbox: 50, eventsPerMailbox: 12 });
    const pages = await drain(h);
    const cursor = parseCursor(lastCursor(pages));
    expect(cursor.pending).toEqual([]);
    const links = ["users", "inbox", "sentitems", "calendar"].map((name) => cursor.streams[name as "users"]?.deltaLink ?? "");
    expect(links.every((link) => link.includes("$deltatoken="))).toBe(true);
    expect(links[1]).toContain("/mailFolders/inbox/");
    expect(links[2]).toContain("/mailFolders/sentitems/");
    const all = records(pages);
    const emails = new Set(activities(all).filter((r) => r.channel === "email").map((r) => r.externalId));
    expect(emails.size).toBe(50);
    expect(new Set(activities(all).filter((r) => r.type === "meeting").map((r) => r.externalId)).size).toBe(12);
    expect(new Set(byKind(all, "person").filter((r) => r.externalId.startsWith("user:")).map((r) => r.externalId)).size).toBe(12);
    // The empty pages were followed (requests beyond the pages that carried items).
    expect(h.sandbox.stats().requests).toBeGreaterThan(0);
    const empty = graphRequests(h).length;
    expect(empty).toBeGreaterThan(pages.length);
    // Replayed items did not make a page carry the same record twice.
    for (const page of pages) {
      const keys = page.records.map((r) => `${r.kind}:${r.externalId}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it("tells internal colleagues from external contacts by the tenant's verified domains", async () => {
    const h = await start({ messagesPerMailbox: 40, eventsPerMailbox: 4 });
    const all = records(await drain(h));
    const domain = h.sandbox.tenants[0]?.domain ?? "";
    const external = byKind(all, "person").filter((r) => r.kind === "person" && r.isExternal === true);
    expect(external.length).toBeGreaterThan(0);
    expect(external.every((r) => r.kind === "person" && !(r.email ?? "").endsWith(`@${domain}`))).toBe(true);
    const accounts = byKind(all, "account");
    expect(accounts.length).toBeGreaterThan(0);
    expect(accounts.some((r) => r.kind === "account" && r.domain === domain)).toBe(false);
    const directions = new Set(activities(all).flatMap((r) => (r.kind === "activity" && r.direction ? [r.direction] : [])));
    expect(directions).toEqual(new Set(["inbound", "outbound", "internal"]));
  });

  it("asks Graph for immutable ids, UTC times and a page size on every request, never $select on the calendar", async () => {
    const h = await start({ messagesPerMailbox: 10, eventsPerMailbox: 3 });
    await drain(h);
    for (const { url, headers } of graphRequests(h)) {
      const prefer = headers.get("prefer") ?? "";
      expect(prefer).toContain('IdType="ImmutableId"');
      expect(prefer).toContain('outlook.timezone="UTC"');
      if (url.includes("/delta")) expect(prefer).toContain("odata.maxpagesize=20");
      if (url.includes("calendarView")) expect(decodeURIComponent(url)).not.toContain("$select");
    }
  });
});

describe("incremental sync", () => {
  it("with nothing new: one call, one request per stream, no records", async () => {
    const h = await start({ messagesPerMailbox: 30 });
    const cursor = lastCursor(await drain(h));
    const before = graphRequests(h).length;
    const pages = await drain(h, cursor);
    expect(pages).toHaveLength(1);
    expect(records(pages)).toHaveLength(0);
    expect(graphRequests(h).length - before).toBe(4);
  });

  it("picks up new messages, and turns @removed into tombstones (users: changed = soft-deleted)", async () => {
    const h = await start({ messagesPerMailbox: 20 });
    const user = firstUser(h);
    const cursor = lastCursor(await drain(h));
    await h.sandbox.addNewData(3);
    const [gone] = h.sandbox.mailboxOf(user).sentitems.live();
    h.sandbox.mailboxOf(user).sentitems.remove(String(gone?.["id"]));
    const colleague = h.sandbox.users[2];
    h.sandbox.collection(user, "users").remove(colleague?.id ?? "", "changed");
    const all = records(await drain(h, cursor));
    expect(activities(all).filter((r) => !r.isDeleted && r.channel === "email")).toHaveLength(3);
    const tombstones = all.filter((r) => r.isDeleted);
    expect(tombstones.map((r) => r.kind).sort()).toEqual(["activity", "person"]);
    expect(tombstones.find((r) => r.kind === "person")).toMatchObject({ externalId: `user:${colleague?.id}`, properties: { removedReason: "changed", softDeleted: true } });
  });
});

describe("expired delta tokens", () => {
  for (const [stream, style] of [
    ["inbox", "gone"],
    ["users", "syncStateNotFound"],
    ["calendar", "resyncRequired"],
  ] as const) {
    it(`${stream} answered ${style}: the stream is read again in full and what vanished is tombstoned`, async () => {
      const h = await start({ messagesPerMailbox: 20, eventsPerMailbox: 8 });
      const user = firstUser(h);
      const cursor = lastCursor(await drain(h));
      const target = h.sandbox.collection(user, stream);
      const [victim] = target.live();
      target.remove(String(victim?.["id"]));
      h.sandbox.expireDeltaTokens(user, stream, style);
      const pages = await drain(h, cursor);
      const notices = pages.flatMap((page) => page.stats.notices ?? []);
      expect(notices.join("\n")).toContain(`${stream}: the delta token expired`);
      const deleted = records(pages).filter((r) => r.isDeleted);
      expect(deleted).toHaveLength(1);
      const counts = pages.reduce((sum, page) => sum + (page.stats.counts?.[`reconciled.${stream}`] ?? 0), 0);
      expect(counts).toBe(1);
      // The next incremental run is quiet again.
      expect(records(await drain(h, lastCursor(pages)))).toHaveLength(0);
    });
  }

  it("a full sync re-reads everything and reconciles against the known ids", async () => {
    const h = await start({ messagesPerMailbox: 10, eventsPerMailbox: 2 });
    const cursor = lastCursor(await drain(h));
    const pages = await drain(h, cursor, { fullSync: true });
    expect(activities(records(pages)).filter((r) => r.channel === "email")).toHaveLength(10);
    expect(records(pages).filter((r) => r.isDeleted)).toHaveLength(0);
  });
});

describe("the calendar window", () => {
  it("moves with the days: a moved window starts a new round over the new dates, without tombstones", async () => {
    let now = new Date();
    const h = await start({ messagesPerMailbox: 4, eventsPerMailbox: 10 }, { now: () => now });
    const first = await drain(h);
    const window = parseCursor(lastCursor(first)).streams.calendar?.window;
    now = new Date(now.getTime() + 2 * 86_400_000);
    const before = h.sent.length;
    const pages = await drain(h, lastCursor(first));
    const calendarUrls = h.sent.slice(before).map(({ url }) => decodeURIComponent(url)).filter((url) => url.includes("calendarView"));
    expect(calendarUrls[0]).toContain("startDateTime=");
    const moved = parseCursor(lastCursor(pages)).streams.calendar?.window;
    expect(moved?.start).not.toBe(window?.start);
    expect(records(pages).filter((r) => r.isDeleted)).toHaveLength(0);
    expect(records(pages).filter((r) => r.kind === "activity" && r.type === "meeting").length).toBeGreaterThan(0);
  });

  it("the sandbox refuses $select on calendarView delta, and a first call without the window", async () => {
    const h = await start();
    const auth = { authorization: `Bearer ${h.credentials["accessToken"]}` };
    const select = await fetch(`${h.sandbox.url}/me/calendarView/delta?startDateTime=2026-01-01T00:00:00Z&endDateTime=2026-02-01T00:00:00Z&$select=subject`, { headers: auth });
    expect(select.status).toBe(400);
    expect(await select.json()).toMatchObject({ error: { code: "ErrorInvalidUrlQuery" } });
    const noWindow = await fetch(`${h.sandbox.url}/me/calendarView/delta`, { headers: auth });
    expect(noWindow.status).toBe(400);
  });
});

describe("throttling and a misbehaving server", () => {
  it("waits out 429s with a fractional Retry-After (Graph's TooManyRequests envelope) and finishes", async () => {
    const h = await start({ messagesPerMailbox: 30 });
    const throttled = { error: { code: "TooManyRequests", innerError: { code: "429", date: "2020-08-18T12:51:51", message: "Please retry after", "request-id": "94fb3b52-0000", status: "429" }, message: "Please retry again later." } };
    h.sandbox.faults.times(2, { kind: "status", status: 429, headers: { "retry-after": "0.128" }, body: throttled }, { path: "/v1.0/me/mailFolders/:folder/messages/delta" });
    const pages = await drain(h);
    expect(h.sandbox.stats().rateLimited).toBe(2);
    expect(new Set(activities(records(pages)).filter((r) => r.channel === "email").map((r) => r.externalId)).size).toBe(30);
    // The retried attempts are counted in the pages' request stats, as sent over the wire.
    expect(pages.reduce((sum, page) => sum + (page.stats.requests ?? 0), 0)).toBe(graphRequests(h).length);
    expect(parseCursor(lastCursor(pages)).pending).toEqual([]);
  });

  it("the sandbox's per-mailbox budget answers 429 with a fractional Retry-After", async () => {
    const h = await start({ rateLimit: { requests: 1, windowMs: 60_000 } });
    const auth = { authorization: `Bearer ${h.credentials["accessToken"]}` };
    expect((await fetch(`${h.sandbox.url}/me`, { headers: auth })).status).toBe(200);
    const refused = await fetch(`${h.sandbox.url}/me`, { headers: auth });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+\.\d{3}$/);
    expect(await refused.json()).toMatchObject({ error: { code: "TooManyRequests", innerError: { "request-id": expect.any(String) } } });
  });

  it("keeps at most 4 requests in flight per mailbox, however many syncs run at once", async () => {
    const h = await start({ messagesPerMailbox: 40, latencyMs: 20, emptyPages: false });
    await Promise.all(Array.from({ length: 8 }, () => drain(h)));
    expect(h.sandbox.stats().maxInFlightPerMailbox).toBeLessThanOrEqual(4);
    expect(h.sandbox.stats().maxInFlightPerMailbox).toBeGreaterThan(1);
    expect(h.sandbox.stats().rateLimited).toBe(0);
  });

  it("retries a 503 with Retry-After and an HTML error page", async () => {
    const h = await start({ messagesPerMailbox: 10 });
    h.sandbox.faults.once({ kind: "status", status: 503, headers: { "retry-after": "0.2" } }, { path: "/v1.0/me/mailFolders/:folder/messages/delta" });
    h.sandbox.faults.once({ kind: "html", status: 502 }, { path: "/v1.0/users/delta" });
    const pages = await drain(h);
    expect(activities(records(pages)).filter((r) => r.channel === "email")).toHaveLength(10);
  });

  it("a page with neither link is a SchemaError; a 401 mid-sync is an AuthError", async () => {
    const h = await start({ messagesPerMailbox: 10 });
    h.sandbox.faults.once({ kind: "status", status: 200, body: { value: [] } }, { path: "/v1.0/users/delta" });
    await expect(drain(h)).rejects.toSatisfy(isSchemaError);
    h.sandbox.entra.expireAccessTokens();
    await expect(drain(h)).rejects.toSatisfy(isAuthError);
  });

  it("a nextLink handed out twice in one round (A -> B -> A) is a PagingLoopError, not an endless sync", async () => {
    const h = await start({ usersPerTenant: 12 }, {}, { pageSize: 3 });
    const options = { settings: h.settings, dpaAcceptedAt: ACCEPTED };
    const first = await h.connector.sync(h.credentials, null, options);
    const firstLink = parseCursor(first.cursor).streams.users?.nextLink ?? "";
    expect(firstLink).toContain("$skiptoken=");
    const second = await h.connector.sync(h.credentials, first.cursor, options);
    h.sandbox.faults.once({ kind: "status", status: 200, body: { value: [], "@odata.nextLink": firstLink } }, { path: "/v1.0/users/delta" });
    await expect(h.connector.sync(h.credentials, second.cursor, options)).rejects.toSatisfy(isPagingLoopError);
  });

  it("a slow, trickling body times out and the page is fetched again", async () => {
    const h = await start({ messagesPerMailbox: 6 }, { timeoutMs: 3000, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
    h.sandbox.faults.once({ kind: "trickle", intervalMs: 100, bytesPerInterval: 1 }, { path: "/v1.0/me/mailFolders/:folder/messages/delta" });
    const pages = await drain(h);
    expect(activities(records(pages)).filter((r) => r.channel === "email")).toHaveLength(6);
    expect(h.sandbox.stats().faultsInjected).toBe(1);
  });

  it("a user without an Exchange Online mailbox: mail and calendar are skipped with a notice, the directory still syncs", async () => {
    const h = await start({ messagesPerMailbox: 5 });
    const noMailbox = { error: { code: "MailboxNotEnabledForRESTAPI", message: "The mailbox is either inactive, soft-deleted, or is hosted on-premise." } };
    h.sandbox.faults.always({ kind: "status", status: 404, body: noMailbox }, (req) => req.path.startsWith("/v1.0/me/"));
    const pages = await drain(h);
    expect(pages.flatMap((page) => page.stats.notices ?? []).join("\n")).toContain("no Exchange Online mailbox");
    expect(byKind(records(pages), "person").filter((r) => r.externalId.startsWith("user:"))).toHaveLength(12);
    expect(activities(records(pages))).toHaveLength(0);
    expect(parseCursor(lastCursor(pages)).pending).toEqual([]);
  });

  it("a cursor it did not write is a SchemaError, not a silent resync", async () => {
    const h = await start();
    await expect(drain(h, '{"v":2}')).rejects.toSatisfy(isSchemaError);
    await expect(drain(h, "not json")).rejects.toSatisfy(isSchemaError);
  });
});

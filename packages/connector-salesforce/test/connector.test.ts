/**
 * The connector as the worker drives it: authenticate, health, a session that expires mid-sync (401
 * INVALID_SESSION_ID, then refresh and the same page again, once), the org's daily API share and the 403
 * REQUEST_LIMIT_EXCEEDED, and settings.
 */
import { AuthError, ConfigError, isRetryable, RateLimitError } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { LIMIT_PAUSE_MS, parseLimitInfo } from "../src/limits.js";
import { SalesforceSettingsSchema } from "../src/settings.js";
import { BINDING, start, syncAll } from "./support.js";

describe("authenticate and health", () => {
  it("authenticate refreshes the tokens from the OAuth flow, checks them with one call and returns what to store", async () => {
    const { connector, sandbox, settings } = await start();
    const result = await connector.authenticate({ ...BINDING, settings, secrets: sandbox.credentials });
    expect(result.credentials["accessToken"]).not.toBe(sandbox.credentials.accessToken);
    expect(result.credentials["refreshToken"]).toBe(sandbox.credentials.refreshToken);
    expect(result.credentials["organizationId"]).toBe(sandbox.oauth.organizationId);
    await expect(connector.authenticate({ ...BINDING, settings })).rejects.toBeInstanceOf(ConfigError);
  });

  it("reports healthy, and unhealthy (without the token in the message) once the session is gone", async () => {
    const { connector, sandbox, settings } = await start();
    expect(await connector.healthCheck(sandbox.credentials, { settings })).toMatchObject({ healthy: true });
    sandbox.oauth.expireSessions();
    const status = await connector.healthCheck(sandbox.credentials, { settings });
    expect(status.healthy).toBe(false);
    expect(status.error).toContain("INVALID_SESSION_ID");
    expect(status.error).not.toContain(sandbox.credentials.accessToken);
  });
});

describe("a session that expires mid-sync", () => {
  it("throws AuthError on 401 INVALID_SESSION_ID; after a refresh the same cursor continues and nothing is lost", async () => {
    const started = await start({ maxPageSize: 20 });
    const { connector, sandbox, settings } = started;
    const first = await connector.sync(sandbox.credentials, null, { settings });
    expect(first.hasMore).toBe(true);
    sandbox.oauth.expireSessions();
    const failed = connector.sync(sandbox.credentials, first.cursor, { settings });
    await expect(failed).rejects.toBeInstanceOf(AuthError);
    await expect(failed).rejects.toThrow(/INVALID_SESSION_ID/);
    // What the worker does under the connection's lock: refresh, persist, run the page again once.
    const refreshed = await connector.oauth.refresh(sandbox.credentials);
    const credentials = { ...sandbox.credentials, ...refreshed.credentials };
    const rest = await syncAll(started, first.cursor, { credentials });
    const fromScratch = await syncAll(started, null, { credentials });
    const ids = (records: { kind: string; externalId: string }[]) => new Set(records.map((r) => `${r.kind}:${r.externalId}`));
    expect(ids([...first.records, ...rest.records])).toEqual(ids(fromScratch.records));
  });
});

describe("the org's daily API allocation", () => {
  it("reads Sforce-Limit-Info in both documented forms", () => {
    expect(parseLimitInfo("api-usage=18/5000")).toEqual({ used: 18, max: 5000 });
    expect(parseLimitInfo("api-usage=10018/100000; api-bursts=1/750")).toEqual({ used: 10018, max: 100000 });
    expect(parseLimitInfo("api-bursts=1/750")).toBeUndefined();
    expect(parseLimitInfo("api-usage=5/0")).toBeUndefined();
  });

  it("pauses a run (retryable, an hour's wait) before it uses more than its share, with no request sent", async () => {
    const { connector, sandbox, settings } = await start(
      { apiLimit: { max: 1000, used: 499 }, maxPageSize: 10 },
      { apiShareLimit: 50, objects: ["Account"] },
    );
    const first = await connector.sync(sandbox.credentials, null, { settings });
    expect(first.hasMore).toBe(true);
    expect(connector.apiUsage(sandbox.credentials)).toEqual({ used: 500, max: 1000 });
    const requests = sandbox.stats().requests;
    const paused: unknown = await connector.sync(sandbox.credentials, first.cursor, { settings }).catch((error: unknown) => error);
    expect(paused).toBeInstanceOf(RateLimitError);
    expect(isRetryable(paused)).toBe(true);
    expect((paused as RateLimitError).retryAfterMs).toBe(LIMIT_PAUSE_MS);
    expect(sandbox.stats().requests).toBe(requests);
  });

  it("a call that reaches the share mid-way keeps what it read and ends; the next call pauses", async () => {
    const { connector, sandbox, settings } = await start({ apiLimit: { max: 1000, used: 496 } }, { apiShareLimit: 50 });
    const first = await connector.sync(sandbox.credentials, null, { settings });
    expect(first.hasMore).toBe(true);
    expect(first.records.length).toBeGreaterThan(0);
    expect(sandbox.apiUsage().used).toBe(500);
    await expect(connector.sync(sandbox.credentials, first.cursor, { settings })).rejects.toBeInstanceOf(RateLimitError);
    expect(sandbox.apiUsage().used).toBe(500);
  });

  it("a higher share lets the same run go on", async () => {
    const { connector, sandbox, settings } = await start(
      { apiLimit: { max: 1000, used: 499 }, maxPageSize: 10 },
      { apiShareLimit: 90, objects: ["Account"] },
    );
    const first = await connector.sync(sandbox.credentials, null, { settings });
    await expect(connector.sync(sandbox.credentials, first.cursor, { settings })).resolves.toBeDefined();
  });

  it("treats 403 REQUEST_LIMIT_EXCEEDED as a rate limit with a long wait, sent once and never hammered", async () => {
    const { connector, sandbox, settings } = await start({ apiLimit: { max: 100, used: 100 } });
    const error: unknown = await connector.sync(sandbox.credentials, null, { settings }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(LIMIT_PAUSE_MS);
    expect(String(error)).toContain("REQUEST_LIMIT_EXCEEDED");
    expect(sandbox.stats().rateLimited).toBe(1);
    expect(sandbox.stats().requests).toBe(1);
  });

  it("retries the concurrent-request flavour of REQUEST_LIMIT_EXCEEDED after a short wait", async () => {
    const { connector, sandbox, settings } = await start(
      {},
      {},
      { clock: fakeClock() },
    );
    sandbox.faults.once(
      { kind: "status", status: 403, body: [{ message: "ConcurrentPerOrgLongTxn Limit exceeded.", errorCode: "REQUEST_LIMIT_EXCEEDED" }] },
      { path: "/services/data/:version/queryAll" },
    );
    const page = await connector.sync(sandbox.credentials, null, { settings });
    expect(page.records.length).toBeGreaterThan(0);
  });
});

/** Time that passes only when the client waits: a 20 s hold-off costs the test nothing. */
function fakeClock() {
  let now = Date.now();
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe("settings", () => {
  it("defaults to production login, a pinned API version, all six objects and a 50% share", () => {
    expect(SalesforceSettingsSchema.parse({})).toEqual({
      loginUrl: "https://login.salesforce.com",
      apiVersion: "v66.0",
      objects: ["Account", "Contact", "Lead", "Opportunity", "Task", "Event"],
      apiShareLimit: 50,
      leadContactMatching: true,
    });
  });

  it("refuses an unknown object, an empty list, a share over 100% and a malformed external-id field", () => {
    for (const bad of [{ objects: ["Case"] }, { objects: [] }, { apiShareLimit: 150 }, { externalIdField: "x; DROP" }]) {
      expect(SalesforceSettingsSchema.safeParse(bad).success).toBe(false);
    }
  });

  it("syncs only the objects a connection chose", async () => {
    const started = await start({}, { objects: ["Account", "Event"] });
    const run = await syncAll(started);
    expect(new Set(run.records.map((record) => record.properties["object"]))).toEqual(new Set(["Account", "Event"]));
    expect(started.sandbox.queries().every((q) => / FROM (Account|Event) /.test(q))).toBe(true);
  });
});

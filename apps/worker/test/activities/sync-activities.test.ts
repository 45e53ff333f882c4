/**
 * The shared activities under Temporal's MockActivityEnvironment (heartbeats, resume, cancellation, failure
 * classification), against a real in-memory store and the Fathom sandbox or a scripted connector.
 */
import { randomUUID } from "node:crypto";
import { AuthError, ConfigError, RateLimitError, TransientError } from "@gtm-clarity/core";
import { ApplicationFailure, CancelledFailure } from "@temporalio/common";
import { MockActivityEnvironment } from "@temporalio/testing";
import type { Store } from "@gtm-clarity/store";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createSyncActivities, type PageHeartbeat } from "../../src/activities/sync-activities.js";
import { storePort } from "../../src/activities/store-port.js";
import type { SyncActivities, SyncPageInput, SyncPageResult } from "../../src/activities/types.js";
import { fathomFixture, latency, lookup, memoryStore, page, ScriptedConnector, scriptedConnection, type FathomFixture } from "../support/fixtures.js";

const quiet = { logger: { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined } };

/** Runs syncPage in the mock activity context (typed: `env.run` cannot infer through a method reference). */
function runPage(env: MockActivityEnvironment, activities: SyncActivities, input: SyncPageInput): Promise<SyncPageResult> {
  return env.run<[SyncPageInput], SyncPageResult, SyncActivities["syncPage"]>(activities.syncPage, input);
}

// One in-memory database for the file (opening and migrating PGlite takes a second); every test has its own tenant.
let shared: Store;
beforeAll(async () => {
  shared = await memoryStore();
});
afterAll(async () => {
  await shared.close();
});

let fixture: FathomFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function fathomSetup(options: Parameters<typeof fathomFixture>[0] = {}) {
  fixture = await fathomFixture({ size: 35, ...options }, { store: shared });
  const activities = createSyncActivities({ store: storePort(fixture.store), connectors: lookup(fixture.connector) });
  const target = { tenantId: fixture.tenantId, connectionId: fixture.connectionId };
  return { fx: fixture, activities, target };
}

describe("syncPage under MockActivityEnvironment", () => {
  it("syncs one page from the stored cursor, commits it with the next cursor and heartbeats progress", async () => {
    const { fx, activities, target } = await fathomSetup();
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    expect(run).toMatchObject({ connectorId: "fathom", connectorVersion: fx.connector.version, cursor: null });

    const env = new MockActivityEnvironment({ activityType: "syncPage" }, quiet);
    const beats: PageHeartbeat[] = [];
    env.on("heartbeat", (d: PageHeartbeat) => beats.push(d));
    const input: SyncPageInput = { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false };
    const result = await runPage(env, activities, input);

    expect(result.hasMore).toBe(true);
    expect(result.records).toBeGreaterThan(10);
    expect(await fx.store.getCursor(target)).toBe(result.cursor);
    expect(beats[0]).toEqual({ phase: "fetching", runId: run.runId, page: 1, cursor: null });
    expect(beats.at(-1)).toMatchObject({ phase: "committed", runId: run.runId, page: 1, result, firstPage: 1, total: { ...result, pages: 1 } });
    const stored = await fx.store.getRun({ tenantId: target.tenantId, runId: run.runId });
    expect(stored).toMatchObject({ status: "running", pages: 1, connectorVersion: fx.connector.version });
  });

  it("a retried attempt resumes from the last heartbeat: a page already committed is not fetched again", async () => {
    const { fx, activities, target } = await fathomSetup();
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const input: SyncPageInput = { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false };
    const first = new MockActivityEnvironment({}, quiet);
    let lastBeat: unknown;
    first.on("heartbeat", (d: unknown) => (lastBeat = d));
    const result = await runPage(first, activities, input); // pretend the reply was lost after this commit

    const requests = fx.sandbox.stats().requests;
    const retry = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: lastBeat }, quiet);
    expect(await runPage(retry, activities, input)).toEqual(result);
    expect(fx.sandbox.stats().requests).toBe(requests);
    expect((await fx.store.getRun({ tenantId: target.tenantId, runId: run.runId })).pages).toBe(1);
  });

  it("a heartbeat that no longer matches the stored cursor is ignored: the attempt syncs from the store", async () => {
    const { fx, activities, target } = await fathomSetup();
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const stale = { phase: "committed", runId: run.runId, page: 1, result: { cursor: "elsewhere", hasMore: true, records: 1, quarantined: 0, documents: 0 } };
    const env = new MockActivityEnvironment({ attempt: 3, heartbeatDetails: stale }, quiet);
    const before = fx.sandbox.stats().meetingsRequests;
    const result = await runPage(env, activities, { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false });
    expect(result.cursor).not.toBe("elsewhere");
    expect(fx.sandbox.stats().meetingsRequests).toBe(before + 1);
  });

  it("cancellation mid-fetch aborts the request, surfaces as CancelledFailure and commits nothing", async () => {
    const { fx, activities, target } = await fathomSetup({ faults: [latency(2_000)] });
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const env = new MockActivityEnvironment({}, quiet);
    env.on("heartbeat", (d: PageHeartbeat) => {
      if (d.phase === "fetching") setTimeout(() => env.cancel(), 50);
    });
    const started = Date.now();
    const outcome = runPage(env, activities, { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false });
    await expect(outcome).rejects.toBeInstanceOf(CancelledFailure);
    expect(Date.now() - started).toBeLessThan(1_900);
    expect(await fx.store.getCursor(target)).toBeNull();
    expect((await fx.store.getRun({ tenantId: target.tenantId, runId: run.runId })).pages).toBe(0);
  });

  it("worker shutdown is a cancellation too (WORKER_SHUTDOWN), so the attempt retries elsewhere", async () => {
    const { activities, target } = await fathomSetup({ faults: [latency(1_000)] });
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const env = new MockActivityEnvironment({}, quiet);
    env.on("heartbeat", () => env.cancel("WORKER_SHUTDOWN"));
    await expect(
      runPage(env, activities, { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false }),
    ).rejects.toThrow(/WORKER_SHUTDOWN/);
  });
});

describe("settings", () => {
  const SettingsSchema = z.object({ region: z.enum(["us", "eu"]).default("us"), pageSize: z.number().int().default(50) });

  it("passes the connection's settings to sync, parsed with the connector's schema (defaults applied)", async () => {
    const connector = new ScriptedConnector("with-settings", [async () => page(null, false, ["a"])], { settingsSchema: SettingsSchema });
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(shared, tenantId, connector.id, { token: "t" }, { region: "eu" });
    const activities = createSyncActivities({ store: storePort(shared), connectors: lookup(connector) });
    const run = await activities.startRun({ tenantId, connectionId, fullSync: false, trigger: "manual" });
    await activities.syncPage({ tenantId, connectionId, runId: run.runId, cursor: null, page: 1, fullSync: false });
    expect(connector.calls[0]?.options.settings).toEqual({ region: "eu", pageSize: 50 });
  });

  it("stored settings the schema rejects fail the page as a non-retryable ConfigError naming the field", async () => {
    const connector = new ScriptedConnector("bad-settings", [async () => page(null, false)], { settingsSchema: SettingsSchema });
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(shared, tenantId, connector.id, { token: "t" }, { region: "mars" });
    const activities = createSyncActivities({ store: storePort(shared), connectors: lookup(connector) });
    const error = await activities.startRun({ tenantId, connectionId, fullSync: false, trigger: "manual" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: "ConfigError", nonRetryable: true, message: expect.stringContaining("region") as unknown });
    expect(connector.calls).toHaveLength(0);
  });
});

describe("error classification", () => {
  async function scripted(steps: ConstructorParameters<typeof ScriptedConnector>[1], extras: ConstructorParameters<typeof ScriptedConnector>[2] = {}) {
    const store = shared;
    const connector = new ScriptedConnector(`scripted-${randomUUID().slice(0, 6)}`, steps, extras);
    const tenantId = `t-${randomUUID().slice(0, 6)}`;
    const connectionId = await scriptedConnection(store, tenantId, connector.id, {
      token: "old-access",
      refreshToken: "old-refresh",
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const target = { tenantId, connectionId };
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const input: SyncPageInput = { ...target, runId: run.runId, cursor: null, page: 1, fullSync: false };
    return { store, connector, activities, target, run, input };
  }

  async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ApplicationFailure);
    return error as ApplicationFailure;
  }

  it("AuthError from the source: non-retryable AuthError; markConnection sets needs_reauth", async () => {
    fixture = await fathomFixture({ size: 5 }, { store: shared });
    const { store, tenantId, connectionId } = fixture;
    // The key is revoked at the source: the stored credentials no longer work (the sandbox answers 401).
    const credentials = await store.getConnectionCredentials({ tenantId, connectionId });
    await store.updateCredentials({ tenantId, connectionId, credentials: { ...credentials, apiKey: "revoked-key" } });
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(fixture.connector) });
    const run = await activities.startRun({ tenantId, connectionId, fullSync: false, trigger: "manual" });
    const env = new MockActivityEnvironment({}, quiet);
    const failure = await failureOf(runPage(env, activities, { tenantId, connectionId, runId: run.runId, cursor: null, page: 1, fullSync: false }));
    expect(failure.type).toBe("AuthError");
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).not.toContain("revoked-key");
    await activities.markConnection({ tenantId, connectionId, status: "needs_reauth", reason: failure.message });
    expect(await store.getConnection({ tenantId, connectionId })).toMatchObject({ status: "needs_reauth", lastError: failure.message });
    // And the next run refuses to start until someone reconnects.
    const again = await failureOf(activities.startRun({ tenantId, connectionId, fullSync: false, trigger: "schedule" }));
    expect(again).toMatchObject({ type: "AuthError", nonRetryable: true });
  });

  it("ConfigError and DpaRequiredError are non-retryable with their own types", async () => {
    const config = await scripted([async () => Promise.reject(new ConfigError("workspace id missing"))]);
    expect(await failureOf(new MockActivityEnvironment({}, quiet).run(config.activities.syncPage, config.input))).toMatchObject({
      type: "ConfigError",
      nonRetryable: true,
    });

    const store = shared;
    const gated = new ScriptedConnector("gated", [async () => page(null, false)], { requiresDpa: true });
    const connectionId = await scriptedConnection(store, "no-dpa", "gated");
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(gated) });
    const dpa = await failureOf(activities.startRun({ tenantId: "no-dpa", connectionId, fullSync: false, trigger: "schedule" }));
    expect(dpa).toMatchObject({ type: "DpaRequiredError", nonRetryable: true });
    await store.acceptDpa({ tenantId: "no-dpa" });
    await expect(activities.startRun({ tenantId: "no-dpa", connectionId, fullSync: false, trigger: "schedule" })).resolves.toMatchObject({
      connectorId: "gated",
    });
  });

  it("RateLimitError retries after the delay the source asked for; transient errors retry with backoff", async () => {
    const s = await scripted([
      async () => Promise.reject(new RateLimitError("429 from source", 2_500)),
      async () => Promise.reject(new TransientError("502 from source")),
      async () => Promise.reject(new Error("socket hang up")),
    ]);
    const env = () => new MockActivityEnvironment({}, quiet);
    const limited = await failureOf(env().run(s.activities.syncPage, s.input));
    expect(limited).toMatchObject({ type: "RateLimitError", nonRetryable: false, nextRetryDelay: 2_500 });
    const transient = await failureOf(env().run(s.activities.syncPage, s.input));
    expect(transient).toMatchObject({ type: "TransientError", nonRetryable: false });
    expect(transient.nextRetryDelay ?? undefined).toBeUndefined();
    const unknown = await failureOf(env().run(s.activities.syncPage, s.input));
    expect(unknown).toMatchObject({ type: "Error", nonRetryable: false });
  });

  it("an expired OAuth token is refreshed and the rotated one persisted before the source sees it", async () => {
    const seenAtSync: string[] = [];
    const s = await scripted([async () => page("c1", false, ["a1"])], {
      oauth: {
        authorizationUrl: async () => ({ url: "", state: "", codeVerifier: "" }),
        exchangeCode: async () => ({ credentials: {} }),
        refresh: async (credentials) => {
          expect(credentials["refreshToken"]).toBe("old-refresh");
          return {
            credentials: { token: "new-access", refreshToken: "rotated-refresh" },
            expiresAt: new Date(Date.now() + 3_600_000),
            rotated: true,
          };
        },
      },
    });
    const originalSync = s.connector.sync.bind(s.connector);
    s.connector.sync = async (credentials, cursor, options) => {
      // What is persisted at the moment the source is called.
      const persisted = await s.store.getConnectionCredentials(s.target);
      seenAtSync.push(persisted["refreshToken"] ?? "");
      return originalSync(credentials, cursor, options);
    };
    await new MockActivityEnvironment({}, quiet).run(s.activities.syncPage, s.input);
    expect(s.connector.calls[0]?.credentials["token"]).toBe("new-access");
    expect(seenAtSync).toEqual(["rotated-refresh"]);
    const stored = await s.store.getConnectionCredentials(s.target);
    expect(stored["refreshToken"]).toBe("rotated-refresh");
    expect(Date.parse(stored["expiresAt"] ?? "")).toBeGreaterThan(Date.now());
    expect((await s.store.getConnection(s.target)).status).toBe("active");
  });

  it("a connector that claims more pages without moving its cursor is stopped (no endless loop)", async () => {
    const s = await scripted([async () => page(null, true, ["x"])]);
    expect(await failureOf(new MockActivityEnvironment({}, quiet).run(s.activities.syncPage, s.input))).toMatchObject({
      type: "PagingLoopError",
      nonRetryable: true,
    });
  });

  it("AuthError thrown by a connector maps to needs_reauth semantics even without the sandbox", async () => {
    const s = await scripted([async () => Promise.reject(new AuthError("token revoked"))]);
    expect(await failureOf(new MockActivityEnvironment({}, quiet).run(s.activities.syncPage, s.input))).toMatchObject({
      type: "AuthError",
      nonRetryable: true,
      message: "token revoked",
    });
  });
});

describe("connection reuse across pages", () => {
  it("reuses the loaded connection within a run for a bounded time, then notices a status change", async () => {
    const connector = new ScriptedConnector("cached", [
      async () => page("c1", true, ["a"]),
      async () => page("c2", true, ["b"]),
      async () => page("c3", false, ["c"]),
    ]);
    const connectionId = await scriptedConnection(shared, "t-cache", connector.id);
    let clock = Date.now();
    const activities = createSyncActivities({ store: storePort(shared), connectors: lookup(connector), now: () => clock, connectionCacheMs: 30_000 });
    const target = { tenantId: "t-cache", connectionId };
    const run = await activities.startRun({ ...target, fullSync: false, trigger: "manual" });
    const input = (n: number, cursor: string | null): SyncPageInput => ({ ...target, runId: run.runId, cursor, page: n, fullSync: false });
    await runPage(new MockActivityEnvironment({}, quiet), activities, input(1, null));
    await shared.setConnectionStatus({ ...target, status: "disabled", lastError: "admin switched it off" });
    clock += 5_000; // within the reuse window: the page goes ahead
    await runPage(new MockActivityEnvironment({}, quiet), activities, input(2, "c1"));
    clock += 30_000; // past it: the connection is read again and the change is seen
    const env = new MockActivityEnvironment({}, quiet);
    await expect(runPage(env, activities, input(3, "c2"))).rejects.toMatchObject({ type: "ConfigError", nonRetryable: true });
    expect(connector.calls).toHaveLength(2);
  });
});

describe("runs", () => {
  it("finishRun records status, counters and the version; a full refresh tombstones what it did not see", async () => {
    const store = shared;
    const connector = new ScriptedConnector("scripted-full", [
      async () => page("c1", false, ["a", "b", "c"]),
      async () => page("c2", false, ["a", "c"]),
    ]);
    const connectionId = await scriptedConnection(store, "t-full", connector.id);
    const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
    const target = { tenantId: "t-full", connectionId };
    for (const _ of [1, 2]) {
      const run = await activities.startRun({ ...target, fullSync: true, trigger: "manual" });
      const result = await runPage(new MockActivityEnvironment({}, quiet), activities, {
        ...target,
        runId: run.runId,
        cursor: run.cursor,
        page: 1,
        fullSync: true,
      });
      await activities.finishRun({ ...target, runId: run.runId, status: "succeeded", cursor: result.cursor, counters: { pages: 1, records: result.records, quarantined: 0, documents: 0 } });
      // Retried finish (lost reply) is a no-op, not an error.
      await activities.finishRun({ ...target, runId: run.runId, status: "succeeded", cursor: result.cursor, counters: { pages: 1, records: result.records, quarantined: 0, documents: 0 } });
    }
    expect(connector.calls.map((c) => c.cursor)).toEqual([null, null]); // a full sync starts from nothing
    const runs = await store.listRuns(target);
    expect(runs.map((r) => [r.status, r.connectorVersion, r.fullRefresh])).toEqual([
      ["succeeded", "9.9.9", true],
      ["succeeded", "9.9.9", true],
    ]);
    const live = await store.listRecords({ tenantId: "t-full", connectionId });
    expect(live.map((r) => r.externalId).sort()).toEqual(["a", "c"]);
    const all = await store.listRecords({ tenantId: "t-full", connectionId, includeDeleted: true });
    expect(all.find((r) => r.externalId === "b")?.isDeleted).toBe(true);
  });
});

/**
 * Token refresh races, against a loopback provider that rotates refresh tokens (an old one is revoked once used;
 * reuse is 400 invalid_grant) and counts calls, on PGlite and on real PostgreSQL: ten page activities (ten
 * "workers", each with its own activities instance, one shared database) hitting one connection at once must cause
 * exactly one refresh, whether the expiry is known up front (`expires_in`) or only learnt from a 401 mid-sync.
 */
import { randomUUID } from "node:crypto";
import { isAuthError } from "@gtm-clarity/core";
import type { Store } from "@gtm-clarity/store";
import { ApplicationFailure } from "@temporalio/common";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import type { SyncPageResult } from "../../src/activities/types.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { createEngineDatabase, engines, reportSkip, type EngineDatabase } from "../support/engines.js";
import { lookup } from "../support/fixtures.js";
import { OAUTH_SANDBOX_CONNECTOR_ID, OAuthSandboxConnector, startOAuthSandbox, type OAuthSandbox, type OAuthSandboxOptions } from "../support/oauth-sandbox.js";

const PAGES = 10;
const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const past = () => new Date(Date.now() - 60_000).toISOString();

describe.each(engines)("token refresh under the connection lock on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: EngineDatabase;
  let store: Store;
  let sandbox: OAuthSandbox | undefined;
  beforeAll(async () => {
    db = await createEngineDatabase(engine);
    store = await db.open();
  });
  afterAll(async () => {
    await store?.close();
    await db?.dispose();
  });
  afterEach(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });

  async function setup(provider: OAuthSandboxOptions, credentials: Record<string, string>) {
    sandbox = await startOAuthSandbox(provider);
    const connector = new OAuthSandboxConnector(sandbox.url);
    const tenantId = `t-oauth-${randomUUID().slice(0, 8)}`;
    await store.createTenant({ tenantId });
    const { id: connectionId } = await store.createConnection({ tenantId, connectorId: OAUTH_SANDBOX_CONNECTOR_ID, connectorVersion: "1.0.0", credentials });
    const target = { tenantId, connectionId };
    return { sandbox, connector, target };
  }

  /** Ten concurrent syncPage calls, each from its own activities instance (as ten workers would), each in its own run. */
  async function tenConcurrentPages(connector: OAuthSandboxConnector, target: { tenantId: string; connectionId: string }) {
    const runs = await Promise.all(Array.from({ length: PAGES }, () => store.startRun(target)));
    return Promise.allSettled(
      runs.map((run) =>
        createSyncActivities({ store: storePort(store), connectors: lookup(connector), logger: quiet }).syncPage({
          ...target,
          runId: run.id,
          cursor: null,
          page: 1,
          fullSync: false,
        }),
      ),
    );
  }

  function fulfilled(outcomes: PromiseSettledResult<SyncPageResult>[]): number {
    return outcomes.filter((outcome) => outcome.status === "fulfilled").length;
  }

  it("expired token (expires_in known): 10 concurrent pages -> exactly 1 refresh call, all 10 succeed", async () => {
    const { sandbox: provider, connector, target } = await setup(
      { rotate: true, expiresIn: 3600 },
      { accessToken: "at-1", refreshToken: "rt-1", expiresAt: past() },
    );
    provider.expireAccessToken(); // the provider agrees it has expired
    const outcomes = await tenConcurrentPages(connector, target);
    expect(fulfilled(outcomes)).toBe(PAGES);
    expect(provider.stats()).toMatchObject({ refreshCalls: 1, invalidGrants: 0, unauthorized: 0, dataCalls: PAGES });
    const stored = await store.getConnectionCredentials(target);
    expect(stored).toMatchObject({ accessToken: "at-2", refreshToken: "rt-2" });
    expect(Date.parse(stored["expiresAt"] ?? "")).toBeGreaterThan(Date.now());
    expect((await store.getConnection(target)).status).toBe("active");
  });

  it("401 mid-sync (no expires_in, Salesforce-style): 10 concurrent pages -> exactly 1 refresh call, all 10 succeed", async () => {
    const { sandbox: provider, connector, target } = await setup({ rotate: true }, { accessToken: "at-1", refreshToken: "rt-1" });
    provider.expireAccessToken(); // the session ended on the provider's side; nothing stored says so
    const outcomes = await tenConcurrentPages(connector, target);
    expect(fulfilled(outcomes)).toBe(PAGES);
    const stats = provider.stats();
    expect(stats).toMatchObject({ refreshCalls: 1, invalidGrants: 0 });
    expect(stats.unauthorized).toBeGreaterThanOrEqual(1);
    expect(stats.dataCalls).toBe(PAGES + stats.unauthorized); // each rejected page was fetched exactly once more
    expect(await store.getConnectionCredentials(target)).toEqual({ accessToken: "at-2", refreshToken: "rt-2" });
    console.log(`${engine.name}: 401 path: ${stats.unauthorized} pages got a 401, ${stats.refreshCalls} refresh call, ${PAGES} pages succeeded`);
  });

  it("the refresh is given the connection's settings and the tenant's DPA acceptance (a DPA-gated connector needs it)", async () => {
    const { sandbox: provider, connector, target } = await setup(
      { rotate: true, expiresIn: 3600 },
      { accessToken: "at-1", refreshToken: "rt-1", expiresAt: past() },
    );
    provider.expireAccessToken();
    const accepted = await store.acceptDpa({ tenantId: target.tenantId, version: "test" });
    const given: unknown[] = [];
    const refresh = connector.oauth.refresh.bind(connector.oauth);
    connector.oauth.refresh = (credentials, options) => {
      given.push(options);
      return refresh(credentials, options);
    };
    const run = await store.startRun(target);
    await createSyncActivities({ store: storePort(store), connectors: lookup(connector), logger: quiet }).syncPage({
      ...target,
      runId: run.id,
      cursor: null,
      page: 1,
      fullSync: false,
    });
    expect(given).toEqual([{ settings: expect.any(Object), dpaAcceptedAt: accepted.dpaAcceptedAt }]);
    expect(accepted.dpaAcceptedAt).toBeInstanceOf(Date);
  });

  it("without rotation (Salesforce's default) a refresh response with no refresh_token keeps the one held", async () => {
    const { sandbox: provider, connector, target } = await setup({ rotate: false }, { accessToken: "at-1", refreshToken: "rt-1" });
    provider.expireAccessToken();
    const outcomes = await tenConcurrentPages(connector, target);
    expect(fulfilled(outcomes)).toBe(PAGES);
    expect(provider.stats().refreshCalls).toBe(1);
    expect(await store.getConnectionCredentials(target)).toEqual({ accessToken: "at-2", refreshToken: "rt-1" });
    // The next expiry refreshes again with the same refresh token.
    provider.expireAccessToken();
    expect(fulfilled(await tenConcurrentPages(connector, target))).toBe(PAGES);
    expect(provider.stats()).toMatchObject({ refreshCalls: 2, invalidGrants: 0 });
  });

  it("a second 401 after the refresh is final: non-retryable AuthError, one refresh, no loop", async () => {
    const { sandbox: provider, connector, target } = await setup({ rotate: true }, { accessToken: "at-1", refreshToken: "rt-1" });
    provider.rejectAllAccessTokens();
    const result = await runSyncLoop(createSyncActivities({ store: storePort(store), connectors: lookup(connector), logger: quiet }), target, {
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    expect(result).toMatchObject({ status: "failed", error: { type: "AuthError", retryable: false, blockConnection: "needs_reauth" } });
    expect(provider.stats()).toMatchObject({ refreshCalls: 1, dataCalls: 2, unauthorized: 2 });
    expect((await store.getConnection(target)).status).toBe("needs_reauth");
  });

  it("invalid_grant from the refresh -> needs_reauth, one token call for all ten pages, never a retry loop", async () => {
    const { sandbox: provider, connector, target } = await setup(
      { rotate: true, expiresIn: 3600 },
      { accessToken: "at-0", refreshToken: "rt-revoked", expiresAt: past() },
    );
    const outcomes = await tenConcurrentPages(connector, target);
    expect(fulfilled(outcomes)).toBe(0);
    for (const outcome of outcomes) {
      const reason: unknown = outcome.status === "rejected" ? outcome.reason : undefined;
      expect(reason).toBeInstanceOf(ApplicationFailure);
      expect(reason).toMatchObject({ type: "AuthError", nonRetryable: true });
      expect(String((reason as Error).message)).not.toMatch(/rt-revoked|at-0/);
    }
    expect(provider.stats()).toMatchObject({ refreshCalls: 1, invalidGrants: 1, dataCalls: 0 });
    const connection = await store.getConnection(target);
    expect(connection.status).toBe("needs_reauth");
    expect(connection.lastError).toMatch(/invalid_grant/);
    // Later refreshers are refused at once, without asking the provider: the grant needs a human.
    await expect(
      store.refreshCredentials({ ...target, isStale: () => true, refresh: async () => ({}) }),
    ).rejects.toSatisfy(isAuthError);
  });
});

/**
 * kill -9 between the provider's answer to a refresh and the persist of the new tokens, then a retry.
 *
 * Provider-side state at that moment: the provider has issued a new access token (and, with rotation, a new refresh
 * token) that only the dead process ever saw. The store still holds the old tokens: the refresh transaction never
 * committed, and the row lock died with the process (PostgreSQL aborts the session; PGlite recovers its WAL on the
 * next open). What a retry can do depends on the provider:
 * - without rotation (Salesforce's default: the refresh response carries no refresh_token and the one held stays
 *   valid) the retry refreshes again with the same refresh token and the sync completes: nothing lost;
 * - with rotation (Salesforce with rotation on: "the old one is invalidated" at once, no grace period documented)
 *   the old refresh token is already revoked, so the retry's refresh gets invalid_grant: the connection becomes
 *   needs_reauth at the first attempt (one token call, no retry loop) and a person must reconnect. No other
 *   recovery exists: the only copy of the new refresh token died with the process.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { createEngineDatabase, engines, reportSkip, type EngineDatabase } from "../support/engines.js";
import { lookup, TEST_KEY } from "../support/fixtures.js";
import { OAUTH_SANDBOX_CONNECTOR_ID, OAuthSandboxConnector, startOAuthSandbox } from "../support/oauth-sandbox.js";

const childScript = fileURLToPath(new URL("./refresh-crash-child.ts", import.meta.url));
const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function runChild(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; events: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, ...env, CONNECTOR_ENCRYPTION_KEY: TEST_KEY, DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      const events = out.split("\n").filter((line) => line !== "").map((line) => (JSON.parse(line) as { event: string }).event);
      resolve({ signal, events });
    });
  });
}

describe.each(engines)("kill -9 between the refresh answer and the persist, on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: EngineDatabase;
  const expired = { accessToken: "at-1", refreshToken: "rt-1", expiresAt: new Date(Date.now() - 60_000).toISOString() };
  /** One connection per case, made in one session: the child needs the database to itself (PGlite) once it runs. */
  const targets = new Map<boolean, { tenantId: string; connectionId: string }>();
  beforeAll(async () => {
    db = await createEngineDatabase(engine);
    const setup = await db.open();
    try {
      for (const rotate of [false, true]) {
        const tenantId = `t-crash-${randomUUID().slice(0, 8)}`;
        await setup.createTenant({ tenantId });
        const { id: connectionId } = await setup.createConnection({ tenantId, connectorId: OAUTH_SANDBOX_CONNECTOR_ID, connectorVersion: "1.0.0", credentials: expired });
        targets.set(rotate, { tenantId, connectionId });
      }
    } finally {
      await setup.close();
    }
  });
  afterAll(async () => {
    await db?.dispose();
  });

  for (const rotate of [false, true]) {
    it(`${rotate ? "with" : "without"} refresh token rotation`, { timeout: 120_000 }, async () => {
      const provider = await startOAuthSandbox({ rotate, expiresIn: 3600 });
      try {
        const target = targets.get(rotate);
        if (!target) throw new Error("no connection was set up for this case");
        const { tenantId, connectionId } = target;
        provider.expireAccessToken();

        const location = db.location;
        const child = await runChild({
          ...("databaseUrl" in location ? { CRASH_DATABASE_URL: location.databaseUrl } : { CRASH_DATA_DIR: location.dataDir }),
          CRASH_PROVIDER_URL: provider.url,
          CRASH_TENANT: tenantId,
          CRASH_CONNECTION: connectionId,
        });
        expect(child).toEqual({ signal: "SIGKILL", events: ["refreshed"] });

        // Provider side: it answered; with rotation it has already revoked rt-1 and only the dead process saw rt-2.
        expect(provider.stats()).toMatchObject({ refreshCalls: 1, dataCalls: 0 });
        expect(provider.state()).toEqual(
          rotate
            ? { accessToken: "at-2", validRefreshTokens: ["rt-2"], revokedRefreshTokens: ["rt-1"] }
            : { accessToken: "at-2", validRefreshTokens: ["rt-1"], revokedRefreshTokens: [] },
        );
        // Store side: nothing of the refresh was persisted; the connection is untouched and unlocked.
        const store = await db.open();
        try {
          expect(await store.getConnectionCredentials(target)).toEqual(expired);
          expect((await store.getConnection(target)).status).toBe("active");

          // The retry (the next attempt or the next scheduled run, here in-process).
          const retry = await runSyncLoop(
            createSyncActivities({ store: storePort(store), connectors: lookup(new OAuthSandboxConnector(provider.url)), logger: quiet }),
            target,
            { retry: { initialDelayMs: 5, maxDelayMs: 20 } },
          );
          const runs = await store.listRuns(target);
          expect(runs[1]).toMatchObject({ status: "abandoned", error: expect.stringMatching(new RegExp(`^abandoned: .*superseded by run ${retry.runId}$`)) });
          if (!rotate) {
            // Recovered: refreshed again with the same refresh token, page synced, nothing lost.
            expect(retry).toMatchObject({ status: "succeeded", counters: { pages: 1, records: 1 } });
            expect(provider.stats()).toMatchObject({ refreshCalls: 2, invalidGrants: 0, dataCalls: 1 });
            expect(await store.getConnectionCredentials(target)).toMatchObject({ accessToken: "at-3", refreshToken: "rt-1" });
            expect((await store.getConnection(target)).status).toBe("active");
          } else {
            // Not recoverable by any retry: one token call, invalid_grant, needs_reauth, no loop.
            expect(retry).toMatchObject({ status: "failed", error: { type: "AuthError", retryable: false, blockConnection: "needs_reauth" } });
            expect(provider.stats()).toMatchObject({ refreshCalls: 2, invalidGrants: 1, dataCalls: 0 });
            const connection = await store.getConnection(target);
            expect(connection.status).toBe("needs_reauth");
            expect(connection.lastError).toMatch(/invalid_grant/);
            expect(await store.getConnectionCredentials(target)).toEqual(expired);
          }
        } finally {
          await store.close();
        }
      } finally {
        await provider.close();
      }
    });
  }
});

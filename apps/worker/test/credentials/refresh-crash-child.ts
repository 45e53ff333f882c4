/**
 * Child process for the refresh crash test: syncs one OAuth connection whose token has expired, and SIGKILLs itself
 * the moment the provider has answered the refresh, before the new tokens are persisted (inside the store's refresh
 * transaction, with the connection row locked). Opens the database the parent names: PGlite on disk or a server.
 */
import { createKeyRing } from "@gtm-clarity/core";
import { openStore } from "@gtm-clarity/store";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { runSyncLoop } from "../../src/runner/sync-loop.js";
import { lookup, TEST_KEY } from "../support/fixtures.js";
import { OAuthSandboxConnector } from "../support/oauth-sandbox.js";

const env = process.env;
const store = await openStore({
  ...(env["CRASH_DATABASE_URL"] ? { databaseUrl: env["CRASH_DATABASE_URL"] } : { dataDir: env["CRASH_DATA_DIR"] ?? "" }),
  keyRing: createKeyRing(TEST_KEY),
});
const connector = new OAuthSandboxConnector(env["CRASH_PROVIDER_URL"] ?? "", {
  afterRefresh: () => {
    process.stdout.write(`${JSON.stringify({ event: "refreshed" })}\n`);
    process.kill(process.pid, "SIGKILL");
  },
});
const activities = createSyncActivities({ store: storePort(store), connectors: lookup(connector) });
const result = await runSyncLoop(activities, { tenantId: env["CRASH_TENANT"] ?? "", connectionId: env["CRASH_CONNECTION"] ?? "" });
// Not reached when the kill lands.
process.stdout.write(`${JSON.stringify({ event: "done", status: result.status })}\n`);
await store.close();

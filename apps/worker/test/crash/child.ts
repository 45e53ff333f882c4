/**
 * The in-process runner as a separate process, for the crash-safety test: opens the app on GTM_DATA_DIR, syncs
 * one connection with the same activities and runner as `worker sync`, and prints every committed cursor as a JSON
 * line on stdout. The Fathom connector's client-side budget is lifted (the sandbox has its rate limit off), which
 * is the only difference from the CLI.
 */
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { openApp } from "../../src/app.js";
import { runSyncs } from "../../src/runner/runner.js";
import { fastFathom, lookup } from "../support/fixtures.js";

const tenantId = process.env["CRASH_TENANT"] ?? "";
const connectionId = process.env["CRASH_CONNECTION"] ?? "";
const app = await openApp({ logLevel: "error" });
const activities = createSyncActivities({ store: storePort(app.store), connectors: lookup(fastFathom()), logger: app.logger });
process.stdout.write(`${JSON.stringify({ event: "started", pid: process.pid })}\n`);
const [result] = await runSyncs({
  activities,
  targets: [{ tenantId, connectionId }],
  onPage: (_target, page) => {
    process.stdout.write(`${JSON.stringify({ event: "page", cursor: page.cursor, records: page.records })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ event: "done", status: result?.status, runId: result?.runId })}\n`);
await app.close();
process.exitCode = result?.status === "succeeded" ? 0 : 1;

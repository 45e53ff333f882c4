/**
 * The in-process runner as a separate process, for the crash-safety test: opens the store on GTM_DATA_DIR, syncs
 * one connection with the same activities, fetch thread and runner as `worker sync`, and prints every committed cursor as a JSON
 * line on stdout. The Fathom connector's client-side budget is lifted (the sandbox has its rate limit off).
 *
 * CRASH_AT aims a kill -9 at itself at one of the moments that matter, counted from this process's start:
 *   after-fetch:N   the Nth page has arrived and is not committed (the page before it may be committing)
 *   mid-commit:N    inside the Nth page's transaction, after its first batch of records was written
 *   after-commit:N  the Nth page's transaction committed, before anyone (heartbeat, progress) heard of it
 * Unset: run to the end (the test may still kill it from outside, when it has reported a committed page).
 */
import { createKeyRing, noopLogger } from "@gtm-clarity/core";
import { openStore } from "@gtm-clarity/store";
import { storePort, type SyncStore } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import type { PageFetcher } from "../../src/fetching/page-fetcher.js";
import { createThreadFetcher } from "../../src/fetching/thread-fetcher.js";
import { runSyncs } from "../../src/runner/runner.js";
import { fastFathom, lookup } from "../support/fast-connectors.js";

const FAST_CONNECTORS = new URL("../support/fast-connectors.ts", import.meta.url);

const tenantId = process.env["CRASH_TENANT"] ?? "";
const connectionId = process.env["CRASH_CONNECTION"] ?? "";
const [moment, at] = (process.env["CRASH_AT"] ?? "").split(":");
const target = Number(at ?? "0");
const die = (): never => {
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable: killed");
};

let commits = 0;
const store = await openStore({
  dataDir: process.env["GTM_DATA_DIR"] ?? "",
  keyRing: createKeyRing(process.env["CONNECTOR_ENCRYPTION_KEY"] ?? ""),
  onCommitBatch: () => {
    if (moment === "mid-commit" && commits + 1 === target) die();
  },
});
const port: SyncStore = {
  ...storePort(store),
  commitPage: async (page) => {
    const result = await storePort(store).commitPage(page);
    commits += 1;
    if (moment === "after-commit" && commits === target) die();
    return result;
  },
};
// Pages are fetched in a fetch thread, as the worker fetches them; a kill -9 takes the thread with the process.
const threads = createThreadFetcher({ logger: noopLogger, connectorsModule: FAST_CONNECTORS, exportName: "fastConnectors", threads: 1 });
let fetches = 0;
const fetcher: PageFetcher = {
  fetch: async (...args) => {
    const page = await threads.fetch(...args);
    fetches += 1;
    if (moment === "after-fetch" && fetches === target) die();
    return page;
  },
  warm: () => threads.warm(),
  close: () => threads.close(),
};

const activities = createSyncActivities({ store: port, connectors: lookup(fastFathom()), fetcher });
// What the store holds now, i.e. what the killed process before this one left behind.
const stored = await store.getCursor({ tenantId, connectionId });
process.stdout.write(`${JSON.stringify({ event: "started", pid: process.pid, cursor: stored })}\n`);
const [result] = await runSyncs({
  activities,
  targets: [{ tenantId, connectionId }],
  onPage: (_target, page) => {
    process.stdout.write(`${JSON.stringify({ event: "page", cursor: page.cursor, records: page.records })}\n`);
  },
});
process.stdout.write(`${JSON.stringify({ event: "done", status: result?.status, runId: result?.runId })}\n`);
await fetcher.close();
await store.close();
process.exitCode = result?.status === "succeeded" ? 0 : 1;

/**
 * Crash safety, end to end: the in-process runner syncs a Fathom sandbox of some hundred pages' worth of records into
 * PGlite on disk and is killed with SIGKILL once at each moment that matters (each aimed by the child at itself, see
 * ./child.ts): a page fetched but not committed while the page before it commits (the prefetch), inside a page's
 * transaction, right after a commit nobody has heard of yet, inside the first page's transaction after a restart,
 * and once from outside, the moment the child reports a committed page (the kill lands in whatever it does next);
 * then the same sync is allowed to finish (in this process: nothing kills it). The store must then hold exactly what an uninterrupted sync of the same source
 * produces (nothing lost, nothing doubled), every page must have been committed exactly once, and the cursor must
 * never have gone backwards (as printed by the child after each commit, and as read back after each kill).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createKeyRing } from "@gtm-clarity/core";
import { startFathomSandbox, type FathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { openStore, type Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createSyncActivities } from "../../src/activities/sync-activities.js";
import { runSyncs } from "../../src/runner/runner.js";
import { copyPgliteTemplate } from "../support/engines.js";
import { createFathomConnection, fastFathom, lookup, TEST_KEY } from "../support/fixtures.js";

const MEETINGS = 500; // one activity each plus the (recurring) people and accounts: 50 pages of 10 meetings
/**
 * Where each child is killed, counted from its own start: `reported:N` from outside, when it has printed its Nth
 * committed page (first, while most pages are still to come, so it cannot finish before the signal lands however
 * loaded the machine), or aimed by the child at itself (./child.ts). The kills take about 30 pages; the last run
 * syncs the rest.
 */
const KILLS = ["reported:3", "after-fetch:12", "mid-commit:9", "after-commit:7", "mid-commit:1"] as const;
const childScript = fileURLToPath(new URL("./child.ts", import.meta.url));

interface ChildEvent {
  event: "started" | "page" | "done";
  cursor?: string | null;
  status?: string;
}

async function openDisk(dataDir: string): Promise<Store> {
  return openStore({ dataDir, keyRing: createKeyRing(TEST_KEY) });
}

async function snapshot(store: Store, tenantId: string, connectionId: string) {
  const records: string[] = [];
  let after: { connectionId: string; kind: "person" | "account" | "activity"; externalId: string } | undefined;
  for (;;) {
    const batch = await store.listRecords({ tenantId, connectionId, includeDeleted: true, limit: 10_000, ...(after ? { after } : {}) });
    for (const r of batch) records.push(`${r.kind}:${r.externalId}:${r.contentHash}:${r.isDeleted}`);
    const last = batch.at(-1);
    if (!last || batch.length < 10_000) break;
    after = { connectionId: last.connectionId, kind: last.kind, externalId: last.externalId };
  }
  const documents = await store.withTenant(tenantId, async (tx) =>
    (await tx.query<{ k: string }>("SELECT external_id || ':' || content_hash AS k FROM documents WHERE connection_id = $1 ORDER BY 1", [connectionId])).rows.map((r) => r.k),
  );
  const quarantine = await store.withTenant(tenantId, async (tx) =>
    (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM quarantine WHERE connection_id = $1", [connectionId])).rows[0]?.n ?? 0,
  );
  return { records: records.sort(), documents, quarantine };
}

describe("crash safety: kill -9 the in-process runner at the moments that matter", () => {
  let sandbox: FathomSandbox;
  let dir: string;

  beforeAll(async () => {
    process.env["CONNECTOR_ENCRYPTION_KEY"] = TEST_KEY;
    dir = mkdtempSync(join(tmpdir(), "gtm-crash-"));
    sandbox = await startFathomSandbox({
      meetings: MEETINGS,
      seed: 42,
      rateLimit: false,
      faults: { malformedMeetingIndexes: [10, 200, 420] },
    });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ends with exactly the source's data, each page committed once, the cursor never moving backwards", { timeout: 600_000 }, async () => {
    // The store on disk: a reference connection synced in-process without interruption, and a connection to the same
    // source that the children will sync.
    const dataDir = join(dir, "pglite");
    await copyPgliteTemplate(dataDir);
    const setup = await openDisk(dataDir);
    await setup.createTenant({ tenantId: "crash" });
    const refConnection = await createFathomConnection(setup, fastFathom(), sandbox, "crash");
    const [refResult] = await runSyncs({
      activities: createSyncActivities({ store: storePort(setup), connectors: lookup(fastFathom()) }),
      targets: [{ tenantId: "crash", connectionId: refConnection }],
    });
    expect(refResult?.status).toBe("succeeded");
    const expected = await snapshot(setup, "crash", refConnection);
    expect(expected.records.length).toBeGreaterThanOrEqual(MEETINGS);
    expect(expected.quarantine).toBe(3);
    const connectionId = await createFathomConnection(setup, fastFathom(), sandbox, "crash");
    await setup.close();

    const observed: (string | null)[] = [];
    /** After each kill: the cursor the store held, and the last one a child had reported committing by then. */
    const afterKills: { stored: string | null; lastReported: string | null }[] = [];
    let killedBefore = false;
    const runChild = (kill: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; done: boolean }> =>
      new Promise((resolve, reject) => {
        const [moment, at] = kill.split(":");
        const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", childScript], {
          cwd: fileURLToPath(new URL("../..", import.meta.url)),
          env: {
            ...process.env,
            GTM_DATA_DIR: dataDir,
            CONNECTOR_ENCRYPTION_KEY: TEST_KEY,
            CRASH_TENANT: "crash",
            CRASH_CONNECTION: connectionId,
            CRASH_AT: moment === "reported" ? "" : kill,
            DATABASE_URL: "",
          },
          stdio: ["ignore", "pipe", "inherit"],
        });
        let buffered = "";
        let done = false;
        let reported = 0;
        child.stdout?.on("data", (chunk: Buffer) => {
          buffered += chunk.toString("utf8");
          let newline: number;
          while ((newline = buffered.indexOf("\n")) >= 0) {
            const line = buffered.slice(0, newline);
            buffered = buffered.slice(newline + 1);
            const event = JSON.parse(line) as ChildEvent;
            // The store as the previous (killed) child left it, read by this one before it syncs anything.
            if (event.event === "started" && killedBefore) afterKills.push({ stored: event.cursor ?? null, lastReported: observed.at(-1) ?? null });
            if (event.event === "page") {
              observed.push(event.cursor ?? null);
              reported += 1;
              if (moment === "reported" && reported === Number(at)) child.kill("SIGKILL");
            }
            if (event.event === "done") done = true;
          }
        });
        child.on("error", reject);
        child.on("exit", (code, signal) => resolve({ code, signal, done }));
      });

    let kills = 0;
    for (const kill of KILLS) {
      const outcome = await runChild(kill);
      expect(outcome, `child killed at ${kill}`).toMatchObject({ signal: "SIGKILL", done: false });
      kills += 1;
      killedBefore = true;
    }

    // The last run is allowed to finish: nothing kills it, so it runs here (the child's code, without a process start).
    const store = await openDisk(dataDir);
    try {
      afterKills.push({ stored: await store.getCursor({ tenantId: "crash", connectionId }), lastReported: observed.at(-1) ?? null });
      const [final] = await runSyncs({
        activities: createSyncActivities({ store: storePort(store), connectors: lookup(fastFathom()) }),
        targets: [{ tenantId: "crash", connectionId }],
        onPage: (_target, page) => void observed.push(page.cursor),
      });
      expect(final?.status).toBe("succeeded");
      expect(afterKills).toHaveLength(KILLS.length);


      // The cursor never went backwards, read without knowing the connector's cursor format: no cursor was committed
      // twice (a resumed run re-reading a page would commit its cursor again; one restarting from scratch would commit
      // more pages than the reference, checked below), and after each kill the store held the last cursor a child
      // reported or one committed just before the kill and never reported, never an earlier one.
      expect(new Set(observed).size).toBe(observed.length);
      for (const { stored, lastReported } of afterKills) {
        expect(stored === lastReported || !observed.includes(stored)).toBe(true);
      }

      const actual = await snapshot(store, "crash", connectionId);
      expect(actual.records.length).toBe(expected.records.length);
      expect(actual.records).toEqual(expected.records); // nothing lost, nothing doubled, same content
      expect(actual.documents).toEqual(expected.documents);
      expect(actual.quarantine).toBe(expected.quarantine);
      // Every page was committed exactly once across all the interrupted runs.
      const runs = await store.listRuns({ tenantId: "crash", connectionId, limit: 100 });
      expect(runs.reduce((sum, run) => sum + run.pages, 0)).toBe(refResult?.counters.pages);
      expect(runs.reduce((sum, run) => sum + run.created, 0)).toBe(expected.records.length);
      expect(runs.filter((run) => run.status === "succeeded")).toHaveLength(1);
      // The killed runs were closed as abandoned, at their last heartbeat, by the run that superseded each of them.
      expect(runs.filter((run) => run.status === "running")).toHaveLength(0);
      const abandoned = runs.filter((run) => run.status === "abandoned");
      expect(abandoned).toHaveLength(runs.length - 1);
      for (const run of abandoned) {
        expect(run.error).toMatch(/^abandoned: .*superseded by run /);
        expect(run.finishedAt?.getTime()).toBe(run.heartbeatAt.getTime());
      }
      console.log(
        `crash test: ${expected.records.length} records, ${refResult?.counters.pages} pages, ${kills} kills, ` +
          `${runs.length} runs, ${observed.length} commits observed`,
      );
    } finally {
      await store.close();
    }
  });
});

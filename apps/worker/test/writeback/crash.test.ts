/**
 * Exactly once across kill -9: a child process drains a connection's writeback outbox into the loopback CRM and is
 * SIGKILLed at each point of the batch state machine where a crash could lose or double a change: after the claim
 * (rows marked sent, nothing pushed), while the push is in flight (the CRM applies it to a client that is gone), and
 * after the CRM answered but before the outbox heard (applied, not settled). Then a last drain, in the test process,
 * recovers what the children left and finishes. The CRM must
 * have applied every good change exactly once, in order per record (a re-sent change is a no-op there, a lost one
 * or one applied out of order would show), refused the bad ones, which the outbox records as failed with the reason.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createWritebackDrainer } from "../../src/writeback/activities.js";
import { createEngineDatabase, engines, reportSkip, type EngineDatabase } from "../support/engines.js";
import { lookup, TEST_KEY } from "../support/fixtures.js";
import { CRM_TOKEN, LoopbackCrmConnector, startLoopbackCrm, type LoopbackCrm } from "./loopback-crm.js";

const childScript = fileURLToPath(new URL("./drain-child.ts", import.meta.url));
const RECORDS = 30;
const VERSIONS = 3;
const BAD = ["bad-1", "bad-2", "bad-3"];
const LOCKED = ["p7", "p23"];

interface ChildRun {
  events: Record<string, unknown>[];
  killed: boolean;
}

/** The child the CRM kills when a batch arrives (the in-flight kill), if armed. */
let killOnBatch: ChildProcess | undefined;

function runChild(env: Record<string, string>, kill: { atEvent?: string; inFlight?: boolean }): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", childScript], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, CONNECTOR_ENCRYPTION_KEY: TEST_KEY, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (kill.inFlight) killOnBatch = child;
    const events: Record<string, unknown>[] = [];
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffered.slice(0, newline)) as Record<string, unknown>;
        buffered = buffered.slice(newline + 1);
        events.push(event);
        if (kill.atEvent !== undefined && event["event"] === kill.atEvent) child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("exit", (_code, signal) => {
      if (killOnBatch === child) killOnBatch = undefined;
      resolve({ events, killed: signal === "SIGKILL" });
    });
  });
}

/** Every change in the order enqueued: VERSIONS versions of each record, interleaved, plus the refused ones. */
function changes(): { externalId: string; title: string }[] {
  const list: { externalId: string; title: string }[] = [];
  for (let v = 1; v <= VERSIONS; v += 1) {
    for (let i = 0; i < RECORDS; i += 1) list.push({ externalId: `p${i}`, title: `v${v}` });
    if (v === 1) for (const id of BAD) list.push({ externalId: id, title: "forbidden" });
  }
  return list;
}

describe.each(engines)("writeback outbox: kill -9 at every step on $name", (engine) => {
  if (reportSkip(engine)) return;
  let db: EngineDatabase;
  let crm: LoopbackCrm;
  let tenantId: string;
  let connectionId: string;

  beforeAll(async () => {
    process.env["CONNECTOR_ENCRYPTION_KEY"] = TEST_KEY;
    db = await createEngineDatabase(engine);
    crm = await startLoopbackCrm({
      latencyMs: 15,
      lockedOnce: LOCKED,
      onBatch: () => {
        killOnBatch?.kill("SIGKILL");
        killOnBatch = undefined;
      },
    });
    const store = await db.open();
    tenantId = `wb-${engine.name}`;
    await store.createTenant({ tenantId });
    const connector = new LoopbackCrmConnector();
    connectionId = (
      await store.createConnection({
        tenantId,
        connectorId: connector.id,
        connectorVersion: connector.version,
        settings: { baseUrl: crm.url },
        credentials: { token: CRM_TOKEN },
      })
    ).id;
    for (const change of changes()) {
      await store.outbox.enqueue({ tenantId, connectionId, record: { kind: "person", externalId: change.externalId, title: change.title } });
    }
    await store.close();
  }, 300_000);
  afterAll(async () => {
    await crm?.close();
    await db?.dispose();
  });

  it("applies every change exactly once, in order per record, and fails the refused ones with the reason", { timeout: 300_000 }, async () => {
    const location = "dataDir" in db.location ? { GTM_DATA_DIR: db.location.dataDir, DATABASE_URL: "" } : { DATABASE_URL: db.location.databaseUrl };
    const env = { ...location, WB_TENANT: tenantId, WB_CONNECTION: connectionId, WB_BATCH: "20" };
    // Each child starts by re-claiming what the previous one left sent (its lease is short), so every kill also
    // exercises the recovery of the one before.
    const kills: { atEvent?: string; inFlight?: boolean; pause?: string }[] = [
      { pause: "pushed:2", atEvent: "paused" }, // batch 1 settled, batch 2 applied at the CRM but not settled
      { inFlight: true }, // the re-send of batch 2 reaches the CRM, the client is gone before the answer
      { pause: "claimed:2", atEvent: "paused" }, // one batch settled, the next marked sent and never pushed
    ];
    let killed = 0;
    for (const kill of kills) {
      const run = await runChild({ ...env, ...(kill.pause ? { PAUSE_AT: kill.pause } : {}) }, kill);
      if (run.killed) killed += 1;
    }
    // The last drain runs here, in the test process, on what the killed children left behind.
    const store: Store = await db.open();
    const drainer = createWritebackDrainer({
      store: storePort(store),
      outbox: store.outbox,
      connectors: lookup(new LoopbackCrmConnector()),
      policy: { batchSize: 20, leaseMs: 150, initialBackoffMs: 5, maxBackoffMs: 20, maxAttempts: 5 },
    });
    for (let round = 0; ; round += 1) {
      await drainer.drain({ tenantId, connectionId });
      const open = await store.outbox.counts({ tenantId, connectionId });
      if (open.queued + open.sent === 0) break;
      expect(round).toBeLessThan(200); // leases and backoffs are milliseconds here
      await sleep(30);
    }
    console.log(
      `[writeback crash ${engine.name}] ${killed} kills; CRM received ${crm.received} records in ${crm.requests} requests, applied ${crm.applied.length} changes`,
    );
    expect(killed).toBe(kills.length);

    // Exactly once, in order: per record, the CRM saw v1, v2, v3 and nothing else.
    const perRecord = new Map<string, string[]>();
    for (const write of crm.applied) {
      const title = (JSON.parse(write.value) as { title?: string }).title ?? "";
      perRecord.set(write.externalId, [...(perRecord.get(write.externalId) ?? []), title]);
    }
    expect(perRecord.size).toBe(RECORDS);
    for (const [, titles] of perRecord) expect(titles).toEqual(["v1", "v2", "v3"]);
    // A kill after the push means the source saw some changes twice: re-sent, and harmless.
    expect(crm.received).toBeGreaterThan(crm.applied.length + BAD.length);

    try {
      const counts = await store.outbox.counts({ tenantId, connectionId });
      expect(counts).toEqual({ queued: 0, sent: 0, confirmed: RECORDS * VERSIONS, failed: BAD.length });
      const failed = await store.outbox.list({ tenantId, connectionId, status: "failed" });
      expect(failed.map((f) => [f.externalId, f.error])).toEqual(
        BAD.map((id) => [id, "FIELD_CUSTOM_VALIDATION_EXCEPTION: Title is not allowed"]),
      );
      const confirmed = await store.outbox.list({ tenantId, connectionId, status: "confirmed", limit: 1000 });
      // The change that was refused as locked once went back to the queue and made it on a later attempt.
      for (const id of LOCKED) {
        expect(confirmed.find((c) => c.externalId === id && c.record.kind === "person" && c.record.title === "v1")?.attempts).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await store.close();
    }
  });
});

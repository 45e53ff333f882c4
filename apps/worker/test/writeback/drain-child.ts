/**
 * The in-process writeback drain as a separate process, for the kill -9 test: opens the app (GTM_DATA_DIR or
 * DATABASE_URL), drains one connection's outbox into the loopback CRM, and prints each step as a JSON line.
 * PAUSE_AT=<step>:<n> (claimed, pushed or settled, of this process's n-th batch) stops there and waits to be killed.
 */
import { storePort } from "../../src/activities/store-port.js";
import { openApp } from "../../src/app.js";
import { createWritebackDrainer } from "../../src/writeback/activities.js";
import { lookup } from "../support/fixtures.js";
import { LoopbackCrmConnector } from "./loopback-crm.js";

const target = { tenantId: process.env["WB_TENANT"] ?? "", connectionId: process.env["WB_CONNECTION"] ?? "" };
const [pauseStep, pauseBatch] = (process.env["PAUSE_AT"] ?? "").split(":");
const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

let batches = 0;
async function step(name: "claimed" | "pushed" | "settled", detail: Record<string, unknown>) {
  emit({ event: name, batch: batches, ...detail });
  if (name === pauseStep && String(batches) === pauseBatch) {
    emit({ event: "paused" });
    // Hold the process (and whatever it has claimed) until the test kills it.
    setInterval(() => undefined, 60_000);
    await new Promise<never>(() => undefined);
  }
}

const app = await openApp({ logLevel: "error" });
const drainer = createWritebackDrainer({
  store: storePort(app.store),
  outbox: app.store.outbox,
  connectors: lookup(new LoopbackCrmConnector()),
  logger: app.logger,
  policy: { batchSize: Number(process.env["WB_BATCH"] ?? 25), leaseMs: 150, initialBackoffMs: 5, maxBackoffMs: 20, maxAttempts: 5 },
  hooks: {
    afterClaim: async (entries) => {
      batches += 1;
      await step("claimed", { changes: entries.length });
    },
    afterPush: (entries) => step("pushed", { changes: entries.length }),
    afterSettle: (result) => step("settled", { ...result }),
  },
});
emit({ event: "started", pid: process.pid });
await drainer.drain(target);
emit({ event: "done", counts: await app.store.outbox.counts(target) });
await app.close();

/**
 * The outbox against the Salesforce sandbox, with the real connector's Collections writeback: changes queued for a
 * connection are drained in one batch, the sandbox's Contacts change, Salesforce's per-record refusals become failed
 * changes with their status codes, and a second drain (or a re-send) changes nothing.
 */
import { SalesforceConnector } from "@gtm-clarity/connector-salesforce";
import { isValidationError } from "@gtm-clarity/core";
import { salesforceSandbox } from "@gtm-clarity/connector-salesforce/sandbox";
import type { Store } from "@gtm-clarity/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storePort } from "../../src/activities/store-port.js";
import { createWritebackDrainer } from "../../src/writeback/activities.js";
import { lookup, memoryStore } from "../support/fixtures.js";

type Sandbox = Awaited<ReturnType<typeof salesforceSandbox.start>>;

let store: Store;
let sandbox: Sandbox;
beforeAll(async () => {
  store = await memoryStore();
  sandbox = await salesforceSandbox.start({ size: 10, seed: 7 });
});
afterAll(async () => {
  await sandbox?.close();
  await store?.close();
});

describe("writeback outbox → Salesforce sandbox", () => {
  it("drains queued Contact changes through Collections, fails refused ones with Salesforce's reason", async () => {
    const connector = new SalesforceConnector({
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      sleep: async () => {},
      oauth: { clientId: sandbox.oauth.clientId, clientSecret: sandbox.oauth.clientSecret, stateSecret: "s".repeat(48) },
    });
    const tenantId = "sf-writeback";
    await store.createTenant({ tenantId });
    const connectionId = "6a3c1f5e-0b7d-4c2a-9e8f-1d2c3b4a5f60";
    await store.createConnection({
      tenantId,
      connectionId,
      connectorId: connector.id,
      connectorVersion: connector.version,
      settings: sandbox.settings({ tenantId, connectionId }),
      credentials: sandbox.credentials,
    });
    const target = { tenantId, connectionId };
    const contacts = sandbox.records("Contact").filter((row) => row["IsDeleted"] !== true).slice(0, 3).map((row) => row.Id);
    const [a, b, c] = contacts;
    // An email no canonical record can hold never reaches the queue (nor Salesforce).
    await expect(store.outbox.enqueue({ ...target, record: { kind: "person", externalId: c, email: "bad@@example" } })).rejects.toSatisfy(
      isValidationError,
    );
    for (const [externalId, fields] of [
      [a, { title: "VP Sales" }],
      [b, { title: "CFO", phone: "+14155550100" }],
      [c, { email: "new.address@example.com" }],
      ["003RO0000000000AAA", { title: "nobody" }],
    ] as const) {
      await store.outbox.enqueue({ ...target, record: { kind: "person", externalId, ...fields } });
    }
    const drainer = createWritebackDrainer({ store: storePort(store), outbox: store.outbox, connectors: lookup(connector) });
    const before = sandbox.stats()["collections"] ?? 0;
    const totals = await drainer.drain(target);
    expect(totals).toMatchObject({ batches: 1, claimed: 4, confirmed: 3, failed: 1 });
    expect((sandbox.stats()["collections"] ?? 0) - before).toBe(1);
    expect(sandbox.records("Contact").find((row) => row.Id === a)).toMatchObject({ Title: "VP Sales" });
    expect(sandbox.records("Contact").find((row) => row.Id === b)).toMatchObject({ Title: "CFO", Phone: "+14155550100" });
    expect(sandbox.records("Contact").find((row) => row.Id === c)).toMatchObject({ Email: "new.address@example.com" });

    // Salesforce refuses the unknown Id for good: the change fails with its status code.
    const failed = await store.outbox.list({ ...target, status: "failed" });
    expect(failed.map((f) => f.externalId)).toEqual(["003RO0000000000AAA"]);
    expect(failed[0]?.error).toContain("INVALID_CROSS_REFERENCE_KEY");

    // Nothing left due: a second drain makes no call.
    expect((await drainer.drain(target)).batches).toBe(0);
    expect((sandbox.stats()["collections"] ?? 0) - before).toBe(1);
  });
});

/**
 * One event, one record: the same message event arriving as a reporting webhook and in the App API's activity log is
 * stored once, in either order, and a webhook Customer.io retries (same event_id) is committed once. The store's
 * upsert by (tenant, connection, kind, externalId) and its content hash do the storing; these tests prove the connector
 * hands it equal externalIds and equal content, through a real store (PGlite in memory).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createKeyRing, type WebhookEvent } from "@gtm-clarity/core";
import { openStore, type Store } from "@gtm-clarity/store";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CustomerioConnector } from "../src/connector.js";
import { startCustomerioSandbox, type CustomerioSandbox } from "../src/sandbox/index.js";
import { transformActivity } from "../src/transform/activity.js";
import { transformWebhookEvent } from "../src/transform/webhook-event.js";
import { cioDelivery, record, sandboxConnection, syncToEnd } from "./support.js";

const TENANT = "tenant-one-event";
let store: Store;
let sandbox: CustomerioSandbox;
const connector = new CustomerioConnector({ retry: { baseDelayMs: 5, maxDelayMs: 20 } });

beforeAll(async () => {
  store = await openStore({ dataDir: "memory://", keyRing: createKeyRing("c".repeat(64)) });
  await store.createTenant({ tenantId: TENANT });
  sandbox = await startCustomerioSandbox({ seed: 5, size: 20, rateLimit: false });
});
afterAll(async () => {
  await sandbox.close();
  await store.close();
});

async function newConnection(): Promise<string> {
  const connection = await store.createConnection({
    tenantId: TENANT,
    connectorId: connector.id,
    connectorVersion: connector.version,
    settings: {},
    credentials: sandbox.credentials,
  });
  return connection.id;
}

async function commitWebhook(connectionId: string, event: WebhookEvent) {
  return store.commitPage({
    tenantId: TENANT,
    connectionId,
    stream: "webhook",
    records: event.records,
    quarantined: event.quarantined,
    webhookEventId: event.eventId,
  });
}

async function commitPull(connectionId: string) {
  const { pages } = await syncToEnd(connector, sandboxConnection(sandbox));
  let unchanged = 0;
  for (const page of pages) {
    const result = await store.commitPage({
      tenantId: TENANT,
      connectionId,
      stream: "pull",
      records: page.records,
      quarantined: page.quarantined ?? [],
      ...(page.cursor === null ? {} : { cursor: page.cursor }),
    });
    unchanged += result.unchanged;
  }
  return { unchanged };
}

async function rowsFor(connectionId: string, externalId: string) {
  const rows = await store.listRecords({ tenantId: TENANT, connectionId, kind: "activity", limit: 10_000 });
  return { matching: rows.filter((row) => row.externalId === externalId), all: rows };
}

async function deliver(body: unknown): Promise<WebhookEvent> {
  const delivery = cioDelivery(body, { secret: sandbox.webhookSecret });
  return connector.webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret: sandbox.webhookSecret });
}

describe("one event, one record", () => {
  it("builds the same record from the webhook and from the activity entry of every message event in the sandbox", () => {
    const messages = sandbox.events().filter((event) => event.activityType === undefined && event.malformed !== true);
    expect(messages.length).toBeGreaterThan(50);
    const channels = new Set<string>();
    for (const event of messages) {
      const pushed = record(transformWebhookEvent(sandbox.webhookBody(event)));
      const pulled = record(transformActivity(sandbox.activityEntry(event)));
      expect(pulled).toEqual(pushed);
      channels.add(event.objectType);
    }
    expect([...channels].sort()).toEqual(["email", "in_app", "push", "slack", "sms", "webhook"]);
  });

  it("webhook first, then pull: one row, and the pull finds it unchanged", async () => {
    const connectionId = await newConnection();
    const [event] = sandbox.events().filter((item) => item.activityType === undefined && item.malformed !== true);
    if (event === undefined) throw new Error("the sandbox has no message event");
    const pushed = await deliver({ ...sandbox.webhookBody(event), timestamp: event.timestamp });
    expect(await commitWebhook(connectionId, pushed)).toMatchObject({ created: 1, duplicateEvent: false });
    const externalId = pushed.records[0]?.externalId ?? "";

    const pull = await commitPull(connectionId);
    const { matching, all } = await rowsFor(connectionId, externalId);
    expect(matching).toHaveLength(1);
    expect(pull.unchanged).toBeGreaterThanOrEqual(1);
    expect(new Set(all.map((row) => row.externalId)).size).toBe(all.length);
  }, 300_000);

  it("pull first, then webhook: the webhook's record is the stored one, unchanged", async () => {
    const connectionId = await newConnection();
    await commitPull(connectionId);
    const before = await store.listRecords({ tenantId: TENANT, connectionId, kind: "activity", limit: 10_000 });
    const [event] = sandbox.events().filter((item) => item.metric === "clicked");
    if (event === undefined) throw new Error("the sandbox has no click");
    const pushed = await deliver(sandbox.webhookBody(event));
    expect(await commitWebhook(connectionId, pushed)).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const externalId = pushed.records[0]?.externalId ?? "";
    const { matching, all } = await rowsFor(connectionId, externalId);
    expect(matching).toHaveLength(1);
    expect(all).toHaveLength(before.length);
  }, 300_000);

  it("a delivery replayed with the same event_id is committed once", async () => {
    const connectionId = await newConnection();
    const event = sandbox.customerEvent("unsubscribed", 2);
    const body = sandbox.webhookBody(event);
    expect(await commitWebhook(connectionId, await deliver(body))).toMatchObject({ duplicateEvent: false });
    expect(await commitWebhook(connectionId, await deliver(body))).toMatchObject({ duplicateEvent: true, created: 0 });
    const people = await store.listRecords({ tenantId: TENANT, connectionId, kind: "person" });
    expect(people).toHaveLength(1);
  }, 300_000);
});

describe("the sandbox delivers like Customer.io: in order, retried on non-2xx, so an event can arrive twice", () => {
  let receiver: Server;
  let url = "";
  let connectionId = "";
  const seen: string[] = [];
  /** event_ids answered 500 on their first attempt (the receiver "crashed" after committing). */
  const failOnce = new Set<string>();
  const committed: { eventId: string; duplicateEvent: boolean }[] = [];

  beforeAll(async () => {
    connectionId = await newConnection();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const rawBody = Buffer.concat(chunks);
        connector.webhooks
          .handle({ headers: req.headers, rawBody, secret: sandbox.webhookSecret })
          .then(async (event) => {
            seen.push(event.eventId);
            const result = await commitWebhook(connectionId, event);
            committed.push({ eventId: event.eventId, duplicateEvent: result.duplicateEvent });
            // Committed, but the answer is lost: Customer.io will send the same event again.
            if (failOnce.delete(event.eventId)) {
              res.writeHead(500).end();
              return;
            }
            res.writeHead(200).end("ok");
          })
          .catch(() => res.writeHead(401).end());
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/customerio`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });
  afterEach(() => {
    seen.length = 0;
    committed.length = 0;
  });

  it("retries the failed event with the same event_id, the store commits it once, and later events wait", async () => {
    const events = sandbox.addDelivery({ channel: "email" });
    expect(events.length).toBeGreaterThan(0);
    const [first] = events;
    failOnce.add(first?.eventId ?? "");
    const result = await sandbox.deliver(url, events, { retryDelaysMs: [10, 10] });
    expect(result.pending).toEqual([]);
    expect(result.deliveries[0]?.attempts.map((attempt) => attempt.status)).toEqual([500, 200]);
    expect(seen).toEqual([first?.eventId, ...events.map((event) => event.eventId)]);
    expect(committed.filter((item) => !item.duplicateEvent).map((item) => item.eventId)).toEqual(events.map((event) => event.eventId));
    expect(committed.filter((item) => item.duplicateEvent)).toHaveLength(1);
  });

  it("holds later events back while one keeps failing, and a forged delivery is refused", async () => {
    const events = sandbox.addDelivery({ channel: "sms" });
    const [first] = events;
    failOnce.add(first?.eventId ?? "");
    const result = await sandbox.deliver(url, events, { retryDelaysMs: [] });
    expect(result.deliveries).toHaveLength(1);
    expect(result.pending).toEqual(events.slice(1).map((event) => event.eventId));
    const forged = await sandbox.deliver(url, events, { secret: "not-the-signing-secret" });
    expect(forged.deliveries[0]?.status).toBe(401);
  });

  it("a subscription webhook after a pull keeps the person's names and attributes, and records the change", async () => {
    const connectionId = await newConnection();
    await commitPull(connectionId);
    const pushed = await deliver(sandbox.webhookBody(sandbox.customerEvent("unsubscribed", 2)));
    const [update] = pushed.records;
    expect(update).toMatchObject({ kind: "person", partial: true });
    const before = await store.getRecord({ tenantId: TENANT, connectionId, kind: "person", externalId: update?.externalId ?? "" });
    expect(before?.data["firstName"]).toEqual(expect.any(String));
    expect(await commitWebhook(connectionId, pushed)).toMatchObject({ updated: 1 });
    const after = await store.getRecord({ tenantId: TENANT, connectionId, kind: "person", externalId: update?.externalId ?? "" });
    expect(after?.data).toMatchObject({ firstName: before?.data["firstName"], lastName: before?.data["lastName"] });
    expect(after?.properties).toMatchObject({ ...before?.properties, unsubscribed: true, lastCustomerEvent: "unsubscribed" });
  }, 300_000);
});

import { isSchemaError, isSignatureError, signStandardWebhook } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { createWebhookSecret, SANDBOX_KINDS, signCustomerioWebhook } from "../src/sandbox/index.js";
import { STREAM_KINDS } from "../src/streams.js";
import { transformRecord } from "../src/sync/transform.js";
import { CustomerioConnector } from "../src/connector.js";
import { CustomerioWebhooks } from "../src/webhook.js";

describe("Customer.io webhooks", () => {
  // Any kind the connector syncs goes through the same path: the tests use the first.
  const [kind] = STREAM_KINDS;
  const data = SANDBOX_KINDS[kind];
  const secret = createWebhookSecret();
  const webhooks = new CustomerioWebhooks();

  it("is the connector's webhooks capability", () => {
    expect(new CustomerioConnector().webhooks).toBeInstanceOf(CustomerioWebhooks);
  });

  it("verifies the signature and transforms the record exactly like a pull", async () => {
    const body = { type: `${kind}.updated`, data: data.make(0) };
    const delivery = signCustomerioWebhook(body, { secret, id: "msg_0001" });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.eventId).toBe("msg_0001");
    const pulled = transformRecord(kind, data.make(0));
    expect(event.records).toEqual(pulled.ok ? [pulled.record] : ["the pulled record was quarantined"]);
    expect(event.quarantined).toEqual([]);
  });

  it("accepts the raw body as bytes", async () => {
    const body = { type: `${kind}.created`, data: data.make(1) };
    const delivery = signCustomerioWebhook(body, { secret });
    const rawBody = new TextEncoder().encode(delivery.rawBody);
    const event = await webhooks.handle({ headers: delivery.headers, rawBody, secret });
    expect(event.records).toHaveLength(1);
  });

  it("marks the record deleted on a .deleted event", async () => {
    const body = { type: `${kind}.deleted`, data: data.make(2) };
    const delivery = signCustomerioWebhook(body, { secret });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.records[0]?.isDeleted).toBe(true);
  });

  it("rejects a tampered body, a wrong secret and a stale timestamp with a SignatureError", async () => {
    const body = { type: `${kind}.updated`, data: data.make(0) };
    const delivery = signCustomerioWebhook(body, { secret });
    const tampered = { headers: delivery.headers, rawBody: `${delivery.rawBody} `, secret };
    await expect(webhooks.handle(tampered)).rejects.toSatisfy(isSignatureError);
    const wrongSecret = { headers: delivery.headers, rawBody: delivery.rawBody, secret: createWebhookSecret() };
    await expect(webhooks.handle(wrongSecret)).rejects.toSatisfy(isSignatureError);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const stale = signCustomerioWebhook(body, { secret, timestamp: hourAgo });
    await expect(webhooks.handle({ ...stale, secret })).rejects.toSatisfy(isSignatureError);
  });

  it("quarantines a signed but malformed record instead of throwing", async () => {
    const body = { type: `${kind}.updated`, data: data.malformed() };
    const delivery = signCustomerioWebhook(body, { secret });
    const event = await webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
    expect(event.records).toEqual([]);
    const pulled = transformRecord(kind, data.malformed());
    expect(pulled.ok).toBe(false);
    expect(event.quarantined).toEqual(pulled.ok ? [] : [pulled.quarantined]);
  });

  it("rejects a signed body that is not JSON with a SchemaError", async () => {
    const id = "msg_0002";
    const timestamp = Math.floor(Date.now() / 1000);
    const rawBody = "not json";
    const headers = {
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook({ id, timestamp, body: rawBody, secret }),
    };
    await expect(webhooks.handle({ headers, rawBody, secret })).rejects.toSatisfy(isSchemaError);
  });

  it("acknowledges events it does not handle, and quarantines a body that is not an event", async () => {
    const other = signCustomerioWebhook({ type: "invoice.paid", data: {} }, { secret });
    expect(await webhooks.handle({ ...other, secret })).toMatchObject({ records: [], quarantined: [] });
    const odd = signCustomerioWebhook({ type: "", data: null }, { secret });
    expect((await webhooks.handle({ ...odd, secret })).quarantined).toHaveLength(1);
  });
});

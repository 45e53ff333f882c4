import { createHmac } from "node:crypto";
import { isConfigError, isSignatureError, type CanonicalActivity, type CanonicalPerson } from "@gtm-clarity/core";
import { describe, expect, it } from "vitest";
import { CustomerioConnector } from "../src/connector.js";
import { MESSAGE_METRICS } from "../src/vendor/metrics.js";
import { CustomerioWebhooks } from "../src/webhook.js";
import { MAX_WEBHOOK_BODY_BYTES } from "../src/webhook-signature.js";
import { emailBounced, emailClicked, publishedCustomerEvent, pushDelivered, smsFailed } from "./examples.js";
import { cioDelivery } from "./support.js";

const secret = "whsig_3f1c9a7b2d8e4f60a1b2c3d4e5f60718";
const webhooks = new CustomerioWebhooks();
const now = () => Math.floor(Date.now() / 1000);

/** A published example re-timed to now (the replay window is 5 minutes), otherwise byte-for-byte the same shape. */
function fresh<T extends { timestamp: number }>(example: T): T {
  return { ...example, timestamp: now() };
}

async function handle(body: unknown, options: { timestamp?: number; secret?: string } = {}) {
  const delivery = cioDelivery(body, { secret: options.secret ?? secret, ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }) });
  return webhooks.handle({ headers: delivery.headers, rawBody: delivery.rawBody, secret });
}

describe("Customer.io reporting webhooks: verification", () => {
  it("is the connector's webhooks capability", () => {
    expect(new CustomerioConnector().webhooks).toBeInstanceOf(CustomerioWebhooks);
  });

  it("accepts a delivery signed as customerio-node's reference code signs it, headers in any case, body as bytes", async () => {
    const rawBody = JSON.stringify(fresh(emailClicked));
    const timestamp = String(now());
    const hmac = createHmac("sha256", secret);
    hmac.update(`v0:${timestamp}:`);
    hmac.update(rawBody);
    const headers = { "X-CIO-Timestamp": timestamp, "X-CIO-Signature": hmac.digest("hex") };
    const event = await webhooks.handle({ headers, rawBody: new TextEncoder().encode(rawBody), secret });
    expect(event.eventId).toBe(emailClicked.event_id);
    expect(event.records).toHaveLength(1);
    const fetchHeaders = new Headers(headers);
    expect((await webhooks.handle({ headers: fetchHeaders, rawBody, secret })).records).toHaveLength(1);
  });

  it("keys the HMAC with the signing secret's UTF-8 bytes as they are, not hex-decoded", async () => {
    const hexLooking = "00ff00ff00ff00ff";
    const delivery = cioDelivery(fresh(emailClicked), { secret: hexLooking });
    await expect(webhooks.handle({ ...delivery, secret: hexLooking })).resolves.toMatchObject({ eventId: emailClicked.event_id });
    const hexDecoded = createHmac("sha256", Buffer.from(hexLooking, "hex")).update(`v0:${delivery.timestamp}:${delivery.rawBody}`).digest("hex");
    const forged = { ...delivery.headers, "x-cio-signature": hexDecoded };
    await expect(webhooks.handle({ headers: forged, rawBody: delivery.rawBody, secret: hexLooking })).rejects.toSatisfy(isSignatureError);
  });

  it("rejects a forged signature, another webhook's secret, and a missing header", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    const forged = { ...delivery.headers, "x-cio-signature": "0".repeat(64) };
    await expect(webhooks.handle({ headers: forged, rawBody: delivery.rawBody, secret })).rejects.toSatisfy(isSignatureError);
    const other = cioDelivery(fresh(emailClicked), { secret: "another-webhook-secret" });
    await expect(webhooks.handle({ ...other, secret })).rejects.toSatisfy(isSignatureError);
    const { "x-cio-signature": _dropped, ...unsigned } = delivery.headers;
    await expect(webhooks.handle({ headers: unsigned, rawBody: delivery.rawBody, secret })).rejects.toThrow(/missing_headers/);
  });

  it("rejects a stale delivery and one from the future, beyond 5 minutes; accepts one inside the window", async () => {
    await expect(handle(emailClicked, { timestamp: now() - 301 })).rejects.toThrow(/timestamp_out_of_tolerance/);
    await expect(handle(emailClicked, { timestamp: now() + 400 })).rejects.toThrow(/timestamp_out_of_tolerance/);
    await expect(handle(emailClicked, { timestamp: now() - 240 })).resolves.toMatchObject({ eventId: emailClicked.event_id });
  });

  it("rejects a replay of a captured delivery once its timestamp has aged past the window", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    await expect(webhooks.handle({ ...delivery, secret })).resolves.toBeDefined();
    const later = new Date((delivery.timestamp + 301) * 1000);
    await expect(webhooks.handle({ ...delivery, secret, now: later })).rejects.toThrow(/timestamp_out_of_tolerance/);
  });

  it("rejects a re-serialised body (same JSON, other whitespace or key order): only the raw bytes are signed", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    const parsed: unknown = JSON.parse(delivery.rawBody);
    for (const rawBody of [JSON.stringify(parsed, null, 2), `${delivery.rawBody}\n`, JSON.stringify({ ...emailClicked, ...(parsed as object) })]) {
      if (rawBody === delivery.rawBody) continue;
      await expect(webhooks.handle({ headers: delivery.headers, rawBody, secret })).rejects.toSatisfy(isSignatureError);
    }
  });

  it("refuses an oversized body before computing anything, and headers longer than Customer.io sends", async () => {
    const big = "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1);
    const headers = { "x-cio-timestamp": String(now()), "x-cio-signature": "0".repeat(64) };
    await expect(webhooks.handle({ headers, rawBody: big, secret })).rejects.toThrow(/body_too_large/);
    await expect(webhooks.handle({ headers, rawBody: Buffer.alloc(MAX_WEBHOOK_BODY_BYTES + 1), secret })).rejects.toThrow(/body_too_large/);
    const long = { "x-cio-timestamp": String(now()), "x-cio-signature": "a".repeat(10_000) };
    await expect(webhooks.handle({ headers: long, rawBody: "{}", secret })).rejects.toThrow(/header_too_long/);
    const small = new CustomerioWebhooks({ maxBodyBytes: 64 });
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    await expect(small.handle({ ...delivery, secret })).rejects.toThrow(/body_too_large/);
  });

  it("rejects malformed timestamps and conflicting repeated headers", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    for (const timestamp of ["1e9", "-5", "12.5", "now", `${delivery.timestamp}000`]) {
      const headers = { ...delivery.headers, "x-cio-timestamp": timestamp };
      await expect(webhooks.handle({ headers, rawBody: delivery.rawBody, secret })).rejects.toSatisfy(isSignatureError);
    }
    const repeated = { ...delivery.headers, "x-cio-signature": [delivery.headers["x-cio-signature"] ?? "", "0".repeat(64)] };
    await expect(webhooks.handle({ headers: repeated, rawBody: delivery.rawBody, secret })).rejects.toThrow(/missing_headers/);
  });

  it("is a ConfigError, not a forged request, when the connection has no signing secret", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret });
    await expect(webhooks.handle({ ...delivery, secret: "" })).rejects.toSatisfy(isConfigError);
  });

  it("never leaks the secret in an error", async () => {
    const delivery = cioDelivery(fresh(emailClicked), { secret: "wrong" });
    const error: unknown = await webhooks.handle({ ...delivery, secret }).catch((caught: unknown) => caught);
    expect(isSignatureError(error)).toBe(true);
    expect(JSON.stringify(error) + String(error)).not.toContain(secret);
  });

  it("quarantines a signed body that is not JSON under a stable event id (a refusal would block later events)", async () => {
    const delivery = cioDelivery("not json", { secret });
    const event = await webhooks.handle({ ...delivery, secret });
    expect(event.records).toEqual([]);
    expect(event.quarantined).toEqual([{ raw: "not json", reasons: [{ path: "", message: "the body is not JSON" }] }]);
    expect(event.eventId).toMatch(/^body-sha256:[0-9a-f]{64}$/);
    expect((await webhooks.handle({ ...delivery, secret })).eventId).toBe(event.eventId);
  });
});

describe("Customer.io reporting webhooks: events to records", () => {
  it("turns the published customer example into a person update, keyed by its event_id", async () => {
    const event = await handle(fresh(publishedCustomerEvent));
    expect(event.eventId).toBe("01E4C4CT6YDC7Y5M7FE1GWWPQJ");
    const [person] = event.records as CanonicalPerson[];
    expect(person).toMatchObject({
      kind: "person",
      externalId: "0200102",
      email: "test@example.com",
      properties: { unsubscribed: false, lastCustomerEvent: "subscribed" },
    });
  });

  it("maps unsubscribed and subscription-preference changes to person updates", async () => {
    const unsubscribed = await handle({ ...fresh(publishedCustomerEvent), metric: "unsubscribed" });
    expect(unsubscribed.records[0]).toMatchObject({ kind: "person", properties: { unsubscribed: true } });
    const preferences = await handle({ ...fresh(publishedCustomerEvent), metric: "cio_subscription_preferences_changed" });
    expect(preferences.records[0]).toMatchObject({ kind: "person", properties: { lastCustomerEvent: "cio_subscription_preferences_changed" } });
    expect(preferences.records[0]?.properties).not.toHaveProperty("unsubscribed");
  });

  it("maps a click with its source (campaign + action), delivery, href and link", async () => {
    const [activity] = (await handle(fresh(emailClicked))).records as CanonicalActivity[];
    expect(activity).toMatchObject({
      kind: "activity",
      type: "email_clicked",
      channel: "email",
      direction: "outbound",
      personExternalId: "0200102",
      subject: "Did you get that thing I sent you?",
      properties: {
        metric: "clicked",
        deliveryId: "RAECAAFwnUSneIa0ZXkmq8EdkAM==",
        sourceType: "campaign",
        campaignId: "23",
        actionId: "96",
        href: "https://example.com/pricing?utm_campaign=spring",
        linkId: "1",
        recipient: "test@example.com",
      },
    });
    expect(activity?.externalId).toMatch(/^RAECAAFwnUSneIa0ZXkmq8EdkAM==:clicked:href_[0-9a-f]{16}$/);
  });

  it("maps broadcast, newsletter and transactional sources, failure messages, and a person known only by cio_id", async () => {
    const [bounced] = (await handle(fresh(emailBounced))).records;
    expect(bounced).toMatchObject({ type: "email_bounced", properties: { sourceType: "broadcast", broadcastId: "4", actionId: "12" } });
    expect(bounced?.properties["failureMessage"]).toMatch(/does not exist/);
    const [push] = (await handle(fresh(pushDelivered))).records;
    expect(push).toMatchObject({ type: "push_delivered", channel: "push", properties: { sourceType: "newsletter", newsletterId: "8", contentId: "3" } });
    const [sms] = (await handle(fresh(smsFailed))).records;
    expect(sms).toMatchObject({
      type: "sms_failed",
      channel: "sms",
      personExternalId: "cio_d9c106000009",
      properties: { sourceType: "transactional", transactionalMessageId: "2", failureMessage: "Invalid phone number" },
    });
  });

  it.each(["email", "push", "sms", "in_app", "slack", "webhook"])("maps every documented metric on %s", async (channel) => {
    for (const metric of MESSAGE_METRICS) {
      const event = await handle({ ...fresh(emailClicked), object_type: channel, metric });
      const [activity] = event.records as CanonicalActivity[];
      expect(activity).toMatchObject({ type: `${channel}_${metric}`, channel, direction: "outbound", properties: { metric } });
      expect(activity?.properties).not.toHaveProperty("unmappedMetric");
      expect(event.quarantined).toEqual([]);
    }
  });

  it("keeps a metric or an object type it does not know yet as a generic activity named after it", async () => {
    const [metric] = (await handle({ ...fresh(emailClicked), metric: "human_clicked" })).records;
    expect(metric).toMatchObject({ type: "email_human_clicked", properties: { metric: "human_clicked", unmappedMetric: true } });
    expect(metric).not.toHaveProperty("direction");
    const [channel] = (await handle({ ...fresh(pushDelivered), object_type: "whatsapp", metric: "sent" })).records;
    expect(channel).toMatchObject({ type: "whatsapp_sent", channel: "whatsapp" });
  });

  it("quarantines a signed event that cannot be a record, keyed by its event_id; a body without one by its hash", async () => {
    const noTime = await handle({ ...fresh(emailClicked), timestamp: "yesterday" });
    expect(noTime.eventId).toBe(emailClicked.event_id);
    expect(noTime.records).toEqual([]);
    expect(noTime.quarantined[0]?.reasons[0]?.path).toBe("timestamp");
    const nobody = await handle({ ...fresh(publishedCustomerEvent), data: { email_address: "x@example.com" } });
    expect(nobody.quarantined[0]?.reasons[0]?.message).toMatch(/customer_id/);
    const anonymous = await handle({ metric: "sent" });
    expect(anonymous.eventId).toMatch(/^body-sha256:[0-9a-f]{64}$/);
    expect(anonymous.quarantined).toHaveLength(1);
  });

  it("gives a delivery retried by Customer.io (same event, new timestamp and signature) the same eventId and record", async () => {
    const body = fresh(emailClicked);
    const first = await handle(body, { timestamp: now() - 120 });
    const retry = await handle(body, { timestamp: now() });
    expect(retry.eventId).toBe(first.eventId);
    expect(retry.records).toEqual(first.records);
  });
});

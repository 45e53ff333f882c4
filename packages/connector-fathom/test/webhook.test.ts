import {
  isSchemaError,
  isSignatureError,
  signStandardWebhook,
  type WebhookEvent,
} from "@gtm-clarity/core";
import {
  createStandardWebhookSecret as createWebhookSecret,
  json,
  route,
  standardWebhooksSigner,
  startSandboxServer,
  type SandboxServer,
} from "@gtm-clarity/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FathomConnector } from "../src/connector.js";
import { startFathomSandbox, type FathomSandbox } from "../src/sandbox/index.js";
import { WEBHOOK_TOLERANCE_SECONDS } from "../src/webhook.js";
import { fullWebhookMeeting } from "./fixtures.js";
import { fathomDelivery } from "./helpers.js";

const connector = new FathomConnector();
const webhooks = connector.webhooks;
const NOW = new Date("2025-03-01T17:05:00Z");
const nowSeconds = Math.floor(NOW.getTime() / 1000);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("webhook verification", () => {
  const secret = createWebhookSecret();

  it("accepts a delivery signed like Fathom's and transforms the bare Meeting body", async () => {
    const signed = fathomDelivery(fullWebhookMeeting(), { secret, id: "msg_2x2zwLOcWaRTzsLK8KtbQt1FTk9", now: NOW });
    const event = await webhooks.handle({ headers: signed.headers, rawBody: signed.rawBody, secret, now: NOW });
    expect(event.eventId).toBe("msg_2x2zwLOcWaRTzsLK8KtbQt1FTk9");
    expect(event.records.map((record) => `${record.kind}:${record.externalId}`)).toEqual([
      "activity:123456789",
      "account:client.com",
      "person:alice.johnson@acme.com",
      "person:bob.lee@client.com",
    ]);
    expect(event.documents.map((document) => document.externalId)).toEqual(["123456789:transcript", "123456789:summary"]);
    expect(event.quarantined).toEqual([]);
  });

  it("matches core's Standard Webhooks signer byte for byte", () => {
    const rawBody = JSON.stringify(fullWebhookMeeting());
    expect(standardWebhooksSigner(secret).headers({ id: "msg_1", timestamp: nowSeconds, body: rawBody })["webhook-signature"]).toBe(
      signStandardWebhook({ id: "msg_1", timestamp: nowSeconds, body: rawBody, secret }),
    );
  });

  it("accepts a raw body given as bytes, and one of several space-delimited signatures", async () => {
    const signed = fathomDelivery(fullWebhookMeeting(), { secret, now: NOW });
    const headers = { ...signed.headers, "webhook-signature": `v1,${Buffer.alloc(32).toString("base64")} ${signed.headers["webhook-signature"]}` };
    const event = await webhooks.handle({ headers, rawBody: new TextEncoder().encode(signed.rawBody), secret, now: NOW });
    expect(event.eventId).toBe(signed.id);
  });

  it("rejects a signature made with another secret", async () => {
    const signed = fathomDelivery(fullWebhookMeeting(), { secret: createWebhookSecret(), now: NOW });
    const error = await rejection(webhooks.handle({ headers: signed.headers, rawBody: signed.rawBody, secret, now: NOW }));
    expect(isSignatureError(error)).toBe(true);
    expect(error).toMatchObject({ details: { reason: "no_matching_signature" } });
  });

  it("rejects a body changed after signing", async () => {
    const signed = fathomDelivery(fullWebhookMeeting(), { secret, now: NOW });
    const tampered = signed.rawBody.replace("Quarterly Business Review", "Quarterly Business Revue");
    const error = await rejection(webhooks.handle({ headers: signed.headers, rawBody: tampered, secret, now: NOW }));
    expect(isSignatureError(error)).toBe(true);
  });

  it("rejects missing headers", async () => {
    const signed = fathomDelivery(fullWebhookMeeting(), { secret, now: NOW });
    const { "webhook-signature": _dropped, ...headers } = signed.headers;
    const error = await rejection(webhooks.handle({ headers, rawBody: signed.rawBody, secret, now: NOW }));
    expect(error).toMatchObject({ code: "SIGNATURE", details: { reason: "missing_headers" } });
  });

  it("rejects a stale (or replayed) timestamp beyond 5 minutes and accepts one inside", async () => {
    expect(WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    const stale = fathomDelivery(fullWebhookMeeting(), { secret, timestamp: nowSeconds - 301 });
    const error = await rejection(webhooks.handle({ headers: stale.headers, rawBody: stale.rawBody, secret, now: NOW }));
    expect(error).toMatchObject({ code: "SIGNATURE", details: { reason: "timestamp_out_of_tolerance" } });

    const future = fathomDelivery(fullWebhookMeeting(), { secret, timestamp: nowSeconds + 301 });
    expect(isSignatureError(await rejection(webhooks.handle({ headers: future.headers, rawBody: future.rawBody, secret, now: NOW })))).toBe(true);

    const recent = fathomDelivery(fullWebhookMeeting(), { secret, timestamp: nowSeconds - 240 });
    await expect(webhooks.handle({ headers: recent.headers, rawBody: recent.rawBody, secret, now: NOW })).resolves.toMatchObject({
      eventId: recent.id,
    });
  });

  it("quarantines a signed but malformed meeting instead of failing the delivery", async () => {
    const { recording_id: _dropped, ...withoutId } = fullWebhookMeeting();
    const signed = fathomDelivery(withoutId, { secret, now: NOW });
    const event = await webhooks.handle({ headers: signed.headers, rawBody: signed.rawBody, secret, now: NOW });
    expect(event.records).toEqual([]);
    expect(event.quarantined).toHaveLength(1);
    expect(event.quarantined[0]?.reasons.map((reason) => reason.path)).toContain("recording_id");
    expect(event.quarantined[0]?.externalId).toBe("url:https://fathom.video/xyz123");
  });

  it("fails a signed body that is not JSON with a SchemaError", async () => {
    const rawBody = "not json";
    const headers = {
      ...standardWebhooksSigner(secret).headers({ id: "msg_plain", timestamp: nowSeconds, body: rawBody }),
    };
    expect(isSchemaError(await rejection(webhooks.handle({ headers, rawBody, secret, now: NOW })))).toBe(true);
  });
});

describe("webhook delivery over HTTP from the sandbox's sender", () => {
  let sandbox: FathomSandbox;
  let receiver: SandboxServer;
  /** A stand-in for the store: events keyed by (connection, eventId), inserted once. */
  const stored = new Map<string, WebhookEvent>();
  let deliveries = 0;

  beforeAll(async () => {
    sandbox = await startFathomSandbox({ meetings: 3 });
    receiver = await startSandboxServer({
      routes: [
        route("POST", "/webhooks/fathom", async (req) => {
          deliveries += 1;
          try {
            const event = await webhooks.handle({ headers: req.headers, rawBody: await req.text(), secret: sandbox.webhookSecret });
            if (!stored.has(event.eventId)) stored.set(event.eventId, event);
            return json(200, { ok: true });
          } catch (error) {
            return json(isSignatureError(error) ? 401 : 400, { ok: false });
          }
        }),
      ],
    });
  });
  afterAll(async () => {
    await receiver.close();
    await sandbox.close();
  });

  it("receives, verifies and transforms a signed POST", async () => {
    const delivery = await sandbox.sendWebhook(`${receiver.url}/webhooks/fathom`);
    expect(delivery.status).toBe(200);
    expect(delivery.id).toMatch(/^msg_/);
    const event = stored.get(delivery.id);
    expect(event?.records.find((record) => record.kind === "activity")?.externalId).toBe(
      String(sandbox.meetings()[0]?.recording_id),
    );
  });

  it("stores a re-sent delivery (same webhook-id) once", async () => {
    const before = stored.size;
    const first = await sandbox.sendWebhook(`${receiver.url}/webhooks/fathom`, { id: "msg_resend_1" });
    const second = await sandbox.sendWebhook(`${receiver.url}/webhooks/fathom`, { id: "msg_resend_1" });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.id).toBe(second.id);
    expect(stored.size).toBe(before + 1);
    expect(deliveries).toBeGreaterThanOrEqual(3);
  });

  it("answers 401 to a forged delivery and stores nothing", async () => {
    const before = stored.size;
    const forged = await sandbox.sendWebhook(`${receiver.url}/webhooks/fathom`, { secret: createWebhookSecret() });
    expect(forged.status).toBe(401);
    expect(stored.size).toBe(before);
  });
});

/**
 * POST /api/webhooks/<connector>/<connection>, called as Fathom calls it: Standard Webhooks signatures over the raw
 * bytes with the connection's secret, committed with event-id dedupe, and every refusal a bare 401 (413 for size).
 */
import type { FathomSandbox } from "@gtm-clarity/connector-fathom/sandbox";
import { signStandardWebhook } from "@gtm-clarity/core";
import { beforeAll, describe, expect, it } from "vitest";
import { handleConnectWithKey } from "../src/handlers/connect-key.js";
import { handleRotateWebhookSecret } from "../src/handlers/connection-actions.js";
import { handleWebhook } from "../src/handlers/webhook.js";
import { BASE, formPost, location, sessionCookieFor, uniqueTenant, useRuntime } from "./support.js";

const h = useRuntime({ WEBHOOK_MAX_BYTES: "65536" });

interface Connected {
  tenantId: string;
  cookie: string;
  connectionId: string;
  secret: string;
}

async function connectFathom(): Promise<Connected> {
  const { rt } = h;
  const tenantId = uniqueTenant();
  const cookie = sessionCookieFor(rt, tenantId);
  const sandbox = rt.sandboxes.get("fathom");
  const apiKey = sandbox?.credentials["apiKey"] ?? "";
  const connected = await handleConnectWithKey(rt, formPost("/api/connections", { cookie, fields: { connector: "fathom", "secret.apiKey": apiKey } }));
  expect(connected.status).toBe(303);
  const connectionId = location(connected).pathname.split("/").at(-1) ?? "";
  const rotated = await handleRotateWebhookSecret(rt, formPost(`/api/connections/${connectionId}/webhook-secret`, { cookie }), { id: connectionId });
  expect(rotated.status).toBe(200);
  const body = (await rotated.json()) as { secret: string; url: string };
  expect(body.url).toBe(`${BASE}/api/webhooks/fathom/${connectionId}`);
  return { tenantId, cookie, connectionId, secret: body.secret };
}

function meetingBody(): Uint8Array {
  const sandbox = h.rt.sandboxes.get("fathom") as FathomSandbox | undefined;
  const meeting = sandbox?.meetings()[0];
  if (meeting === undefined) throw new Error("the Fathom sandbox has no meeting");
  return new TextEncoder().encode(JSON.stringify(meeting));
}

function delivery(
  connectionId: string,
  body: Uint8Array,
  options: { secret: string; id?: string; timestamp?: number; connector?: string; headers?: Record<string, string> },
): [Request, { connector: string; connection: string }] {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = signStandardWebhook({ id, timestamp, body, secret: options.secret });
  const request = new Request(`${BASE}/api/webhooks/fathom/${connectionId}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
      ...options.headers,
    },
    body,
  });
  return [request, { connector: options.connector ?? "fathom", connection: connectionId }];
}

async function webhookEvents(connected: Connected): Promise<number> {
  const { rows } = await h.rt.driver.query<{ n: number }>("SELECT count(*)::int AS n FROM webhook_events WHERE connection_id = $1", [
    connected.connectionId,
  ]);
  return rows[0]?.n ?? -1;
}

async function activityCount(connected: Connected): Promise<number> {
  const { rows } = await h.rt.driver.query<{ n: number; latest: Date | null }>(
    "SELECT count(*)::int AS n FROM records WHERE connection_id = $1",
    [connected.connectionId],
  );
  return rows[0]?.n ?? -1;
}

describe("webhooks", () => {
  let connected: Connected;
  beforeAll(async () => {
    connected = await connectFathom();
  });

  it("commits a signed delivery, then answers a re-delivery 200 without writing again", async () => {
    const body = meetingBody();
    const id = "msg_dedupe_1";
    const first = await handleWebhook(h.rt, ...delivery(connected.connectionId, body, { secret: connected.secret, id }));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ received: true, duplicate: false });
    const records = await activityCount(connected);
    expect(records).toBeGreaterThan(0);
    expect(await webhookEvents(connected)).toBe(1);

    const again = await handleWebhook(h.rt, ...delivery(connected.connectionId, body, { secret: connected.secret, id }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await webhookEvents(connected)).toBe(1);
    expect(await activityCount(connected)).toBe(records);
  });

  it("verifies the exact bytes: a body changed after signing is refused with a bare 401", async () => {
    const body = meetingBody();
    const [signed, params] = delivery(connected.connectionId, body, { secret: connected.secret });
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: new Uint8Array([0xef, 0xbb, 0xbf, ...body]),
    });
    const response = await handleWebhook(h.rt, tampered, params);
    expect(response.status).toBe(401);
    expect(await response.text()).toBe("Unauthorized");
  });

  it("refuses a forged signature, a stale timestamp and a missing signature alike", async () => {
    const body = meetingBody();
    const forged = await handleWebhook(h.rt, ...delivery(connected.connectionId, body, { secret: `whsec_${Buffer.alloc(32, 7).toString("base64")}` }));
    const stale = await handleWebhook(
      h.rt,
      ...delivery(connected.connectionId, body, { secret: connected.secret, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
    );
    const unsigned = await handleWebhook(
      h.rt,
      new Request(`${BASE}/api/webhooks/fathom/${connected.connectionId}`, { method: "POST", body }),
      { connector: "fathom", connection: connected.connectionId },
    );
    for (const response of [forged, stale, unsigned]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toBe("Unauthorized");
    }
    expect(await webhookEvents(connected)).toBe(1);
  });

  it("answers an unknown connection, a malformed id and the wrong connector with the same 401", async () => {
    const body = meetingBody();
    const unknown = await handleWebhook(h.rt, ...delivery("00000000-0000-4000-8000-000000000000", body, { secret: connected.secret }));
    const malformed = await handleWebhook(h.rt, ...delivery("not-a-uuid", body, { secret: connected.secret }));
    const wrongConnector = await handleWebhook(h.rt, ...delivery(connected.connectionId, body, { secret: connected.secret, connector: "customerio" }));
    const notDeployed = await handleWebhook(h.rt, ...delivery(connected.connectionId, body, { secret: connected.secret, connector: "nope" }));
    for (const response of [unknown, malformed, wrongConnector, notDeployed]) {
      expect(response.status).toBe(401);
      expect(await response.text()).toBe("Unauthorized");
    }
  });

  it("refuses a connection with no secret yet", async () => {
    const { rt } = h;
    const tenantId = uniqueTenant();
    const cookie = sessionCookieFor(rt, tenantId);
    const apiKey = rt.sandboxes.get("fathom")?.credentials["apiKey"] ?? "";
    const made = await handleConnectWithKey(rt, formPost("/api/connections", { cookie, fields: { connector: "fathom", "secret.apiKey": apiKey } }));
    const connectionId = location(made).pathname.split("/").at(-1) ?? "";
    const response = await handleWebhook(rt, ...delivery(connectionId, meetingBody(), { secret: connected.secret }));
    expect(response.status).toBe(401);
  });

  it("answers 413 to a body over the cap, declared or streamed, and writes nothing", async () => {
    const big = new Uint8Array(70_000).fill(0x61);
    const [declared, params] = delivery(connected.connectionId, big, { secret: connected.secret });
    expect((await handleWebhook(h.rt, declared, params)).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i += 1) controller.enqueue(new Uint8Array(10_000).fill(0x62));
        controller.close();
      },
    });
    const chunked = new Request(`${BASE}/api/webhooks/fathom/${connected.connectionId}`, {
      method: "POST",
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await handleWebhook(h.rt, chunked, params)).status).toBe(413);
    expect(await webhookEvents(connected)).toBe(1);
  });

  it("stops accepting the old secret the moment it is rotated", async () => {
    const own = await connectFathom();
    const rotated = await handleRotateWebhookSecret(h.rt, formPost(`/api/connections/${own.connectionId}/webhook-secret`, { cookie: own.cookie }), {
      id: own.connectionId,
    });
    const { secret } = (await rotated.json()) as { secret: string };
    expect(secret).not.toBe(own.secret);
    expect((await handleWebhook(h.rt, ...delivery(own.connectionId, meetingBody(), { secret: own.secret }))).status).toBe(401);
    expect((await handleWebhook(h.rt, ...delivery(own.connectionId, meetingBody(), { secret }))).status).toBe(200);
  });

  it("keeps the secret only encrypted: the stored settings never contain it", async () => {
    const { rows } = await h.rt.driver.query<{ settings: unknown }>("SELECT settings FROM connections WHERE id = $1", [connected.connectionId]);
    expect(JSON.stringify(rows[0]?.settings)).not.toContain(connected.secret.slice(6));
  });

  it("lets no other tenant rotate (or learn) a connection's secret", async () => {
    const other = sessionCookieFor(h.rt, uniqueTenant());
    const response = await handleRotateWebhookSecret(
      h.rt,
      formPost(`/api/connections/${connected.connectionId}/webhook-secret`, { cookie: other }),
      { id: connected.connectionId },
    );
    expect(response.status).toBe(404);
    expect((await handleWebhook(h.rt, ...delivery(connected.connectionId, meetingBody(), { secret: connected.secret }))).status).toBe(200);
  });
});

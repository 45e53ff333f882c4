/**
 * Signs and sends webhooks the way Fathom does (Standard Webhooks / Svix): headers `webhook-id`,
 * `webhook-timestamp` (unix seconds) and `webhook-signature: v1,<base64>`, where the signature is
 * base64(HMAC-SHA256(base64decode(secret without "whsec_"), `${id}.${timestamp}.${rawBody}`)).
 * The body is the bare Meeting object, no envelope.
 *
 * Deliberately written against node:crypto rather than core's signer, so the connector's verification is checked
 * against an independent implementation.
 */
import { createHmac, randomBytes } from "node:crypto";

export interface SignedWebhook {
  headers: Record<string, string>;
  rawBody: string;
  id: string;
  timestamp: number;
}

/** A fresh secret in Fathom's format: `whsec_` + base64 of 24 random bytes. */
export function createWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** A message id in Svix's style (`msg_` + 27 base62-ish characters). */
export function createWebhookId(): string {
  return `msg_${randomBytes(20).toString("base64url").replace(/[-_]/g, "").slice(0, 27)}`;
}

export function signFathomWebhook(input: { id: string; timestamp: number; rawBody: string; secret: string }): string {
  if (!input.secret.startsWith("whsec_")) throw new Error("a Fathom webhook secret starts with whsec_");
  const key = Buffer.from(input.secret.slice("whsec_".length), "base64");
  const signature = createHmac("sha256", key)
    .update(`${input.id}.${input.timestamp}.${input.rawBody}`)
    .digest("base64");
  return `v1,${signature}`;
}

/** Builds the headers and raw body of one delivery (without sending it). */
export function buildFathomWebhook(
  meeting: unknown,
  options: { secret: string; id?: string; timestamp?: number; now?: Date },
): SignedWebhook {
  const rawBody = JSON.stringify(meeting);
  const id = options.id ?? createWebhookId();
  const timestamp = options.timestamp ?? Math.floor((options.now ?? new Date()).getTime() / 1000);
  return {
    id,
    timestamp,
    rawBody,
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signFathomWebhook({ id, timestamp, rawBody, secret: options.secret }),
    },
  };
}

export interface WebhookDelivery {
  status: number;
  body: string;
  id: string;
}

/** POSTs a signed delivery to `url`, as Fathom's webhook sender would. */
export async function sendFathomWebhook(
  url: string,
  meeting: unknown,
  options: { secret: string; id?: string; timestamp?: number; fetch?: typeof fetch },
): Promise<WebhookDelivery> {
  const signed = buildFathomWebhook(meeting, options);
  const response = await (options.fetch ?? fetch)(url, { method: "POST", headers: signed.headers, body: signed.rawBody });
  return { status: response.status, body: await response.text(), id: signed.id };
}

/**
 * Signs webhook deliveries as Template does (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`), with core's signer, so tests exercise the real verification path.
 */
import { signStandardWebhook } from "@gtm-clarity/core";
import { randomBytes } from "node:crypto";

export interface TemplateWebhookEventBody {
  /** `<kind>.<created|updated|deleted>`, e.g. `person.updated`. */
  type: string;
  data: unknown;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  rawBody: string;
}

export function createWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function createWebhookId(): string {
  return `msg_${randomBytes(12).toString("hex")}`;
}

export function signTemplateWebhook(
  event: TemplateWebhookEventBody,
  options: { secret: string; id?: string; timestamp?: number },
): SignedWebhook {
  const rawBody = JSON.stringify(event);
  const id = options.id ?? createWebhookId();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signStandardWebhook({ id, timestamp, body: rawBody, secret: options.secret }),
    },
    rawBody,
  };
}

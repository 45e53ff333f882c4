/**
 * Fathom's "New meeting content ready" webhook. Fathom signs with Standard Webhooks (Svix): `webhook-id`,
 * `webhook-timestamp`, `webhook-signature: v1,<base64>` over `${id}.${timestamp}.${rawBody}`, keyed with the
 * base64-decoded part of the `whsec_` secret. The body is the bare Meeting object and goes through the same
 * transform as a pulled meeting.
 *
 * `eventId` is the `webhook-id`, which Fathom keeps when it re-sends a message: the store dedupes on it, so a
 * delivery received twice is stored once.
 */
import { readStandardWebhook, type WebhookCapability, type WebhookEvent, type WebhookRequest } from "@gtm-clarity/core";
import { transformRawMeeting } from "./sync/transform.js";

/** Fathom's (and the Standard Webhooks spec's) replay window: 5 minutes either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export class FathomWebhooks implements WebhookCapability {
  async handle(request: WebhookRequest): Promise<WebhookEvent> {
    const { id, body } = readStandardWebhook(request, { source: "Fathom", toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS });
    // A signed but malformed meeting is quarantined, not thrown: Fathom would only re-send the same bytes.
    return { eventId: id, ...transformRawMeeting(body) };
  }
}

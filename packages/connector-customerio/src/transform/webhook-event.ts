/**
 * A verified reporting webhook body to records. Customer events (`object_type: "customer"`) are person updates;
 * every other object type is a message channel (email, push, sms, in_app, slack, webhook, or one this connector
 * does not know yet, kept under its own name) and becomes the same `MessageEvent` a pulled activity becomes.
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { messageChannel } from "../vendor/metrics.js";
import { WebhookEventSchema } from "../vendor/payloads.js";
import { activityMappings, messageActivitySource } from "./message-event.js";
import { personMappings, transformCustomerEvent } from "./person.js";
import { buildRecord, schemaQuarantine, type TransformResult } from "./record.js";

export function transformWebhookEvent(
  body: unknown,
  mappings: { person?: readonly FieldMapping[]; activity?: readonly FieldMapping[] } = {},
): TransformResult {
  const parsed = WebhookEventSchema.safeParse(body);
  if (!parsed.success) return schemaQuarantine(body, parsed.error);
  const event = parsed.data;
  if (event.object_type === "customer") return transformCustomerEvent(event, body, mappings.person ?? personMappings);
  const { data } = event;
  const { view, properties } = messageActivitySource({
    metric: event.metric,
    channel: messageChannel(event.object_type) ?? event.object_type,
    timestamp: event.timestamp,
    deliveryId: data.delivery_id,
    customerId: data.customer_id,
    identifiers: data.identifiers,
    recipient: data.recipient,
    subject: data.subject,
    href: data.href,
    linkId: data.link_id,
    failureMessage: data.failure_message,
    campaign_id: data.campaign_id,
    action_id: data.action_id,
    broadcast_id: data.broadcast_id,
    newsletter_id: data.newsletter_id,
    content_id: data.content_id,
    transactional_message_id: data.transactional_message_id,
    fallbackId: `event:${event.event_id}`,
  });
  return buildRecord("activity", view, properties, mappings.activity ?? activityMappings, body);
}

/**
 * One message event as both ingestion modes see it. A reporting webhook (`webhook.ts`) and an activity log entry
 * (`activity.ts`) are each reduced to a `MessageEvent`, and only this file turns a `MessageEvent` into a canonical
 * activity, so the same event gives the same record whichever way it arrived: same externalId, same content.
 *
 * The externalId is `<delivery_id>:<metric>` (`:<link>` added for clicks, see `clickKey`): the delivery and the metric
 * are what both payloads share. The webhook's event_id and the activity's id are not (they are ids of different
 * things), so neither is part of the record; the event_id dedupes deliveries (WebhookEvent.eventId) instead.
 */
import { createHash } from "node:crypto";
import type { FieldMapping } from "@gtm-clarity/core";
import { isMessageMetric, type MessageChannel } from "../vendor/metrics.js";
import type { Identifiers } from "../vendor/payloads.js";
import { personExternalId } from "./identity.js";

export interface MessageSource {
  campaign_id?: string | undefined;
  action_id?: string | undefined;
  broadcast_id?: string | undefined;
  newsletter_id?: string | undefined;
  content_id?: string | undefined;
  transactional_message_id?: string | undefined;
}

export interface MessageEvent extends MessageSource {
  metric: string;
  /** A known channel, or the raw object type of one this connector does not know yet (kept, never dropped). */
  channel: MessageChannel | string;
  /** Unix seconds. */
  timestamp: number;
  deliveryId?: string | null | undefined;
  customerId?: unknown;
  identifiers?: Identifiers | null | undefined;
  recipient?: string | null | undefined;
  subject?: string | null | undefined;
  href?: string | null | undefined;
  linkId?: string | undefined;
  failureMessage?: string | null | undefined;
  /** When there is no delivery id: the id this mode has (`event:<event_id>` or `activity:<id>`). */
  fallbackId: string;
}

/** A click names its link: by href (hashed, short and free of query secrets) or, without one, by link id. */
function clickKey(event: MessageEvent): string {
  if (typeof event.href === "string" && event.href !== "") {
    return `:href_${createHash("sha256").update(event.href).digest("hex").slice(0, 16)}`;
  }
  return event.linkId === undefined ? "" : `:link_${event.linkId}`;
}

export function messageExternalId(event: MessageEvent): string {
  const delivery = typeof event.deliveryId === "string" ? event.deliveryId.trim() : "";
  if (delivery === "") return event.fallbackId;
  return `${delivery}:${event.metric}${event.metric === "clicked" ? clickKey(event) : ""}`;
}

/** Which of the four message sources the event came from (exactly one, per Customer.io; the first wins if not). */
function sourceType(event: MessageSource): string | undefined {
  if (event.campaign_id !== undefined) return "campaign";
  if (event.broadcast_id !== undefined) return "broadcast";
  if (event.newsletter_id !== undefined) return "newsletter";
  if (event.transactional_message_id !== undefined) return "transactional";
  return undefined;
}

function compact(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined && value !== null && value !== ""));
}

/**
 * The flat view the activity field mappings read (`activityMappings`), and the properties no mapping reads. Pure:
 * no clock, no randomness.
 */
export function messageActivitySource(event: MessageEvent): { view: Record<string, unknown>; properties: Record<string, unknown> } {
  const known = isMessageMetric(event.metric);
  const view = compact({
    external_id: messageExternalId(event),
    type: `${event.channel}_${event.metric}`,
    channel: event.channel,
    occurred_at: event.timestamp * 1000,
    person_id: personExternalId(event.customerId, event.identifiers),
    subject: event.subject,
    // Every message metric is about a message the workspace sent; a metric not mapped yet claims nothing.
    direction: known ? "outbound" : undefined,
  });
  const properties = compact({
    metric: event.metric,
    deliveryId: event.deliveryId,
    sourceType: sourceType(event),
    campaignId: event.campaign_id,
    actionId: event.action_id,
    broadcastId: event.broadcast_id,
    newsletterId: event.newsletter_id,
    contentId: event.content_id,
    transactionalMessageId: event.transactional_message_id,
    recipient: event.recipient,
    href: event.href,
    linkId: event.linkId,
    failureMessage: event.failureMessage,
    cioId: event.identifiers?.cio_id,
    unmappedMetric: known ? undefined : true,
  });
  return { view, properties };
}

/** Activity mappings over the flat views of `messageActivitySource` and `genericActivitySource`. */
export const activityMappings: FieldMapping[] = [
  { kind: "activity", sourceField: "external_id", targetField: "externalId", transform: "none", required: true },
  { kind: "activity", sourceField: "type", targetField: "type", transform: "none", required: true },
  { kind: "activity", sourceField: "channel", targetField: "channel", transform: "none", required: true },
  { kind: "activity", sourceField: "occurred_at", targetField: "occurredAt", transform: "none", required: true },
  { kind: "activity", sourceField: "person_id", targetField: "personExternalId", transform: "none", required: false },
  { kind: "activity", sourceField: "subject", targetField: "subject", transform: "trim", required: false },
  { kind: "activity", sourceField: "direction", targetField: "direction", transform: "none", required: false },
];

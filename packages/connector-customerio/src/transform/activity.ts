/**
 * Pulled activities: one entry of the workspace activity log. A message activity (`<metric>_<channel>`, e.g.
 * `opened_email`) becomes the same `MessageEvent` a reporting webhook becomes; anything else (attribute changes,
 * events, page and screen views, object activity) becomes a generic activity named after its type, keyed by the
 * activity's own id. Nothing is dropped: a malformed entry is quarantined with its reasons.
 */
import type { FieldMapping } from "@gtm-clarity/core";
import { splitActivityType } from "../vendor/metrics.js";
import { ActivityMessageDataSchema, ActivitySchema, type ActivityPayload } from "../vendor/payloads.js";
import { personExternalId } from "./identity.js";
import { activityMappings, messageActivitySource } from "./message-event.js";
import { buildRecord, schemaQuarantine, type TransformResult } from "./record.js";

/** Where a non-message activity happened, by its type. */
function genericChannel(type: string): string {
  if (type === "page") return "web";
  if (type === "screen") return "mobile_app";
  if (type === "event" || type === "failed_event") return "event";
  if (type.startsWith("_o:") || type.includes("relationship")) return "object";
  if (type.endsWith("attribute_change") || type.endsWith("device_change") || type === "consent") return "profile";
  return "other";
}

function idOf(raw: unknown): string | undefined {
  if (raw === null || typeof raw !== "object") return undefined;
  const id = (raw as Record<string, unknown>)["id"];
  return typeof id === "string" || typeof id === "number" ? `activity:${id}` : undefined;
}

export function transformActivity(raw: unknown, mappings: readonly FieldMapping[] = activityMappings): TransformResult {
  const parsed = ActivitySchema.safeParse(raw);
  if (!parsed.success) return schemaQuarantine(raw, parsed.error, idOf(raw));
  const activity = parsed.data;
  const message = splitActivityType(activity.type);
  if (message === undefined) return genericActivity(activity, raw, mappings);
  const data = ActivityMessageDataSchema.safeParse(activity.data ?? {});
  if (!data.success) return schemaQuarantine(raw, data.error, idOf(raw));
  const { delivery_id: dataDeliveryId, href, link_id, failure_message, recipient, subject, ...sources } = data.data;
  const { view, properties } = messageActivitySource({
    ...sources,
    metric: message.metric,
    channel: message.channel,
    timestamp: activity.timestamp,
    deliveryId: activity.delivery_id ?? dataDeliveryId,
    customerId: activity.customer_id,
    identifiers: activity.customer_identifiers,
    recipient,
    subject,
    href,
    linkId: link_id,
    failureMessage: failure_message,
    fallbackId: `activity:${activity.id}`,
  });
  return buildRecord("activity", view, properties, mappings, raw);
}

function genericActivity(activity: ActivityPayload, raw: unknown, mappings: readonly FieldMapping[]): TransformResult {
  const view = {
    external_id: `activity:${activity.id}`,
    type: activity.type,
    channel: genericChannel(activity.type),
    occurred_at: activity.timestamp * 1000,
    person_id: personExternalId(activity.customer_id, activity.customer_identifiers),
    subject: activity.name ?? undefined,
  };
  const properties = {
    activityType: activity.type,
    ...(activity.name ? { name: activity.name } : {}),
    ...(activity.delivery_id ? { deliveryId: activity.delivery_id } : {}),
    ...(activity.customer_identifiers?.cio_id ? { cioId: activity.customer_identifiers.cio_id } : {}),
    ...(activity.data && Object.keys(activity.data).length > 0 ? { data: activity.data } : {}),
  };
  return buildRecord("activity", view, properties, mappings, raw);
}

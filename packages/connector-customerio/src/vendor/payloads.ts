/**
 * What Customer.io sends, as zod schemas that follow the published payloads rather than a wish list: only what a
 * record cannot exist without is required (a reporting event's metric and unix-seconds timestamp, an activity's id,
 * type and timestamp). Customer.io writes its numeric ids (campaign_id, action_id, …) as JSON numbers; they are read
 * as numbers or strings and kept as strings. Unknown fields are stripped.
 */
import { z } from "zod";

/** Unix seconds, as an integer (Customer.io never sends milliseconds or ISO strings here). */
export const unixSeconds = z.number().int().nonnegative().max(253_402_300_799);

const text = z.string().nullish();
/**
 * A numeric or string id; blank and null read as absent. One transform rather than a union of two schemas: this runs
 * for seven fields of every webhook, and a union costs several times more.
 */
const sourceId = z.unknown().transform((value, ctx): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  ctx.addIssue({ code: "custom", message: "expected a string or integer id" });
  return z.NEVER;
}).optional();

/**
 * A JSON object whose values are left as they are (attributes, event data). Checked as a plain object only: a
 * record schema would validate every key and value, which costs more than the rest of a person together.
 */
const jsonObject = z.custom<Record<string, unknown>>(
  (value) => value !== null && typeof value === "object" && !Array.isArray(value),
  { message: "expected an object" },
);

export const IdentifiersSchema = z.object({
  id: sourceId,
  email: text,
  cio_id: text,
});
export type Identifiers = z.output<typeof IdentifiersSchema>;

/** The message fields a reporting webhook's `data` and an activity's `data` share. */
export const messageFields = {
  delivery_id: text,
  campaign_id: sourceId,
  action_id: sourceId,
  broadcast_id: sourceId,
  newsletter_id: sourceId,
  content_id: sourceId,
  transactional_message_id: sourceId,
  subject: text,
  recipient: text,
  href: text,
  link_id: sourceId,
  failure_message: text,
};

export const WebhookDataSchema = z.object({
  customer_id: z.union([z.string(), z.number()]).nullish(),
  identifiers: IdentifiersSchema.nullish(),
  email_address: text,
  ...messageFields,
});
export type WebhookData = z.output<typeof WebhookDataSchema>;

/** A reporting webhook delivery: one event per request. */
export const WebhookEventSchema = z.object({
  event_id: z.string().min(1).max(256),
  object_type: z.string().min(1).max(100),
  metric: z.string().min(1).max(100),
  timestamp: unixSeconds,
  data: WebhookDataSchema.prefault({}),
});
export type WebhookEventPayload = z.output<typeof WebhookEventSchema>;

/** One entry of the workspace activity log (`GET /v1/activities`). */
export const ActivitySchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  type: z.string().min(1).max(200),
  timestamp: unixSeconds,
  name: text,
  customer_id: z.union([z.string(), z.number()]).nullish(),
  customer_identifiers: IdentifiersSchema.nullish(),
  delivery_id: text,
  delivery_type: text,
  data: jsonObject.nullish(),
});
export type ActivityPayload = z.output<typeof ActivitySchema>;

/** The message fields an activity may carry in its `data` (the activity's own `delivery_id` wins). */
export const ActivityMessageDataSchema = z.object(messageFields);

/** One person from `POST /v1/customers/attributes`. */
export const CustomerSchema = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  identifiers: IdentifiersSchema.nullish(),
  attributes: jsonObject.default({}),
  /** Per attribute, when it last changed (unix seconds); entries that are not numbers are ignored. */
  timestamps: jsonObject.nullish(),
  unsubscribed: z.boolean().nullish(),
});
export type CustomerPayload = z.output<typeof CustomerSchema>;

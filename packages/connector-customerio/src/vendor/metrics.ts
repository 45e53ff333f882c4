/**
 * Customer.io's vocabulary: the message channels (webhook `object_type`, the suffix of an activity log `type`) and the
 * metrics (webhook `metric`, the prefix of an activity log `type`). `opened_email` in the activity log and
 * `{ object_type: "email", metric: "opened" }` in a reporting webhook are the same event; `splitActivityType` is what
 * turns the first into the second.
 */

/** Channels as the canonical model names them. `action` is the activity log's name for a webhook step. */
export const MESSAGE_CHANNELS = ["email", "push", "sms", "in_app", "slack", "webhook"] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

const CHANNEL_ALIASES: Readonly<Record<string, MessageChannel>> = { action: "webhook", inapp: "in_app" };

/** Message metrics documented for reporting webhooks (vendor-apis.md §3.1). */
export const MESSAGE_METRICS = [
  "drafted",
  "attempted",
  "sent",
  "delivered",
  "opened",
  "clicked",
  "converted",
  "bounced",
  "spammed",
  "dropped",
  "failed",
  "undeliverable",
  "deferred",
  "unsubscribed",
] as const;
export type MessageMetric = (typeof MESSAGE_METRICS)[number];

/** Customer (person) metrics. */
export const CUSTOMER_METRICS = ["subscribed", "unsubscribed", "cio_subscription_preferences_changed"] as const;

export function isMessageMetric(metric: string): metric is MessageMetric {
  return (MESSAGE_METRICS as readonly string[]).includes(metric);
}

/** A channel name from a webhook's `object_type` or an activity type's suffix; undefined when it is not a channel. */
export function messageChannel(name: string): MessageChannel | undefined {
  if ((MESSAGE_CHANNELS as readonly string[]).includes(name)) return name as MessageChannel;
  return CHANNEL_ALIASES[name];
}

/**
 * `opened_email` -> { metric: "opened", channel: "email" }; `clicked_in_app` -> in_app; `sent_action` -> webhook.
 * Undefined for a type that is not `<metric>_<channel>` (attribute_change, event, page, _o:… object types).
 */
export function splitActivityType(type: string): { metric: string; channel: MessageChannel } | undefined {
  for (const suffix of [...MESSAGE_CHANNELS, ...Object.keys(CHANNEL_ALIASES)]) {
    if (!type.endsWith(`_${suffix}`)) continue;
    const metric = type.slice(0, -suffix.length - 1);
    const channel = messageChannel(suffix);
    if (metric !== "" && channel !== undefined) return { metric, channel };
  }
  return undefined;
}

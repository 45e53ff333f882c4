/**
 * Customer.io webhooks, signed with Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>`
 * over `${id}.${timestamp}.${rawBody}`). Core verifies the signature on the raw bytes before anything is parsed.
 * The body is `{ "type": "<kind>.<created|updated|deleted>", "data": <record> }`, and `data` goes through the
 * same transform as a pulled record, so a webhook and a sync produce identical records.
 *
 * `eventId` is the `webhook-id`, which the sender keeps when it re-sends a message: the store dedupes on it.
 */
import {
  readStandardWebhook,
  toSchemaIssues,
  type FieldMapping,
  type WebhookCapability,
  type WebhookEvent,
  type WebhookRequest,
} from "@gtm-clarity/core";
import { z } from "zod";
import { customerioFieldMappings } from "./schema.js";
import { STREAM_KINDS, type StreamKind } from "./streams.js";
import { transformRecord } from "./sync/transform.js";

/** The Standard Webhooks replay window: 5 minutes either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

export const WEBHOOK_ACTIONS = ["created", "updated", "deleted"] as const;
export type WebhookAction = (typeof WEBHOOK_ACTIONS)[number];

export const CustomerioWebhookBodySchema = z.object({
  type: z.string().min(1),
  data: z.unknown(),
});

/** `person.updated` -> { kind: "person", action: "updated" }; undefined for an event this connector does not handle. */
export function parseEventType(type: string): { kind: StreamKind; action: WebhookAction } | undefined {
  const [kindPart, actionPart, ...rest] = type.split(".");
  const kind = STREAM_KINDS.find((candidate) => candidate === kindPart);
  const action = WEBHOOK_ACTIONS.find((candidate) => candidate === actionPart);
  return kind === undefined || action === undefined || rest.length > 0 ? undefined : { kind, action };
}

export class CustomerioWebhooks implements WebhookCapability {
  readonly #mappings: readonly FieldMapping[];

  constructor(mappings: readonly FieldMapping[] = customerioFieldMappings) {
    this.#mappings = mappings;
  }

  async handle(request: WebhookRequest): Promise<WebhookEvent> {
    const { id, body: json } = readStandardWebhook(request, {
      source: "Customer.io",
      toleranceSeconds: WEBHOOK_TOLERANCE_SECONDS,
    });
    const event: WebhookEvent = { eventId: id, records: [], documents: [], quarantined: [] };
    const body = CustomerioWebhookBodySchema.safeParse(json);
    if (!body.success) {
      event.quarantined.push({ raw: json, reasons: toSchemaIssues(body.error.issues) });
      return event;
    }
    const type = parseEventType(body.data.type);
    // Signed, so genuinely from Customer.io, but not an event this connector handles: acknowledged and ignored.
    if (type === undefined) return event;
    const raw = body.data.data;
    const data = type.action === "deleted" && isObject(raw) ? { ...raw, deleted: true } : raw;
    // A signed but malformed record is quarantined, not thrown: the sender would only re-send the same bytes.
    const result = transformRecord(type.kind, data, this.#mappings);
    if (result.ok) event.records.push(result.record);
    else event.quarantined.push(result.quarantined);
    return event;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

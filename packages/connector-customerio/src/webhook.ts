/**
 * Customer.io reporting webhooks: verify (`webhook-signature.ts`), parse, transform. The event's `event_id` (a ULID,
 * kept by Customer.io across its retries) is `WebhookEvent.eventId`, the key the store dedupes deliveries on. A
 * signed body whose event cannot become a record is quarantined, not thrown: Customer.io would only send the same
 * bytes again, for up to 7 days, and hold every later event behind it (deliveries are ordered).
 */
import { createHash } from "node:crypto";
import {
  type FieldMapping,
  type WebhookCapability,
  type WebhookEvent,
  type WebhookRequest,
} from "@gtm-clarity/core";
import { activityMappings } from "./transform/message-event.js";
import { personMappings } from "./transform/person.js";
import { transformWebhookEvent } from "./transform/webhook-event.js";
import { verifyCioSignature } from "./webhook-signature.js";

export interface CustomerioWebhookOptions {
  /** Default 1 MiB (`MAX_WEBHOOK_BODY_BYTES`). */
  maxBodyBytes?: number;
  /** Default 300 s either way. */
  toleranceSeconds?: number;
  mappings?: readonly FieldMapping[];
}

/** The event's id; for a signed body without one, a hash of the body, so a re-sent copy still dedupes. */
function eventIdOf(body: unknown, raw: Buffer): string {
  if (body !== null && typeof body === "object") {
    const id = (body as Record<string, unknown>)["event_id"];
    if (typeof id === "string" && id !== "" && id.length <= 256) return id;
  }
  return `body-sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

export class CustomerioWebhooks implements WebhookCapability {
  readonly #options: CustomerioWebhookOptions;

  constructor(options: CustomerioWebhookOptions = {}) {
    this.#options = options;
  }

  async handle(request: WebhookRequest): Promise<WebhookEvent> {
    const verified = verifyCioSignature(request, this.#options);
    const text = verified.body.toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // Signed, so Customer.io sent it: quarantined with the text as it came (at most the capped body size), never
      // refused, since a refusal would only bring the same bytes back and hold every later event behind them.
      const eventId = eventIdOf(undefined, verified.body);
      return { eventId, records: [], documents: [], quarantined: [{ raw: text, reasons: [{ path: "", message: "the body is not JSON" }] }] };
    }
    const eventId = eventIdOf(body, verified.body);
    const mappings = this.#options.mappings;
    const result = transformWebhookEvent(body, {
      person: mappings?.filter((mapping) => mapping.kind === "person") ?? personMappings,
      activity: mappings?.filter((mapping) => mapping.kind === "activity") ?? activityMappings,
    });
    return result.ok
      ? { eventId, records: [result.record], documents: [], quarantined: [] }
      : { eventId, records: [], documents: [], quarantined: [result.quarantined] };
  }
}

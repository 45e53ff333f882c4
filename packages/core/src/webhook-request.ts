/**
 * The first two steps of every Standard Webhooks handler: check the signature over the raw bytes, then parse the
 * body as JSON. What the body means is the connector's business; this only guarantees it came signed and is JSON.
 */
import type { WebhookRequest } from "./connector.js";
import { SchemaError } from "./errors.js";
import { assertStandardWebhook } from "./signatures.js";

export interface ReadWebhookOptions {
  /** Names the source in error messages, e.g. "Fathom". */
  source: string;
  /** Replay window either way; the Standard Webhooks spec (and Fathom) use 5 minutes. */
  toleranceSeconds?: number;
}

export interface SignedWebhook {
  /** `webhook-id`: the sender keeps it when it re-sends a message, so it is the dedupe key. */
  id: string;
  timestamp: number;
  body: unknown;
}

/** Throws SignatureError for a forged, stale or unsigned request and SchemaError for a signed body that is not JSON. */
export function readStandardWebhook(request: WebhookRequest, options: ReadWebhookOptions): SignedWebhook {
  const { id, timestamp } = assertStandardWebhook({
    headers: request.headers,
    rawBody: request.rawBody,
    secret: request.secret,
    toleranceSeconds: options.toleranceSeconds ?? 5 * 60,
    ...(request.now === undefined ? {} : { now: request.now }),
  });
  const text = typeof request.rawBody === "string" ? request.rawBody : Buffer.from(request.rawBody).toString("utf8");
  try {
    return { id, timestamp, body: JSON.parse(text) as unknown };
  } catch (error) {
    throw new SchemaError(`${options.source} webhook body is not JSON`, [{ path: "", message: "invalid JSON" }], {
      cause: error,
      details: { eventId: id },
    });
  }
}

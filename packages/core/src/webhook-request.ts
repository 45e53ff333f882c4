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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * Throws SignatureError for a forged, stale, oversized or unsigned request (a missing or non-object request
 * included), ConfigError when the configured secret is missing or weak, and SchemaError for a signed body that is
 * not JSON. Never a TypeError, whatever a caller passes.
 */
export function readStandardWebhook(request: WebhookRequest, options: ReadWebhookOptions): SignedWebhook {
  // Nothing is dereferenced before verification, which accepts any value at runtime and fails closed.
  const given = (isObject(request) ? request : {}) as WebhookRequest;
  const settings: Partial<ReadWebhookOptions> = isObject(options) ? options : {};
  const source = typeof settings.source === "string" && settings.source !== "" ? settings.source : "Webhook";
  const { id, timestamp } = assertStandardWebhook({ ...given, toleranceSeconds: settings.toleranceSeconds ?? 5 * 60 });
  // Verification succeeded, so the body is a string or bytes.
  const text = typeof given.rawBody === "string" ? given.rawBody : Buffer.from(given.rawBody).toString("utf8");
  try {
    return { id, timestamp, body: JSON.parse(text) as unknown };
  } catch (error) {
    throw new SchemaError(`${source} webhook body is not JSON`, [{ path: "", message: "invalid JSON" }], {
      cause: error,
      details: { eventId: id },
    });
  }
}

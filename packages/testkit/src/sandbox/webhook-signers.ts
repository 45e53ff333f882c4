/**
 * Webhook signers, written from the vendors' specifications with node:crypto and nothing of core's: a connector's
 * verification (built on core) is then tested against an independent implementation, so a mistake shared by signer
 * and verifier cannot hide.
 *
 * - Standard Webhooks (Svix; Fathom): `webhook-id`, `webhook-timestamp` (unix seconds) and
 *   `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, where the key is the base64
 *   decoding of the secret after its `whsec_` prefix.
 * - Customer.io reporting webhooks: `X-CIO-Timestamp` (unix seconds) and `X-CIO-Signature`, the lower-case hex
 *   HMAC-SHA256 of `v0:<timestamp>:<body>` keyed with the signing secret's UTF-8 bytes as they are.
 */
import { createHmac, randomBytes } from "node:crypto";

export interface WebhookMessage {
  id: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact bytes sent, as a string. */
  body: string;
}

export interface WebhookSigner {
  /** e.g. "standard-webhooks", "customer-io". */
  readonly scheme: string;
  /** The headers that carry the signature (and the id and time, where the scheme sends them). */
  headers(message: WebhookMessage): Record<string, string>;
}

const STANDARD_PREFIX = "whsec_";

/** A secret in the Standard Webhooks format: `whsec_` + base64 of random bytes (24 by default, as Svix's). */
export function createStandardWebhookSecret(bytes = 24): string {
  return `${STANDARD_PREFIX}${randomBytes(bytes).toString("base64")}`;
}

/** A plain signing secret (Customer.io's kind): hex of random bytes. */
export function createSigningSecret(bytes = 32): string {
  return randomBytes(bytes).toString("hex");
}

/** A message id in Svix's style: `msg_` + 27 letters and digits. */
export function createWebhookId(): string {
  return `msg_${randomBytes(30).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 27).padEnd(27, "0")}`;
}

export function standardWebhooksSigner(secret: string): WebhookSigner {
  if (!secret.startsWith(STANDARD_PREFIX)) throw new Error("a Standard Webhooks secret starts with whsec_");
  const key = Buffer.from(secret.slice(STANDARD_PREFIX.length), "base64");
  if (key.length === 0) throw new Error("the Standard Webhooks secret has no key after whsec_");
  return {
    scheme: "standard-webhooks",
    headers({ id, timestamp, body }) {
      const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
      return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${signature}` };
    },
  };
}

export function customerIoSigner(secret: string): WebhookSigner {
  if (secret === "") throw new Error("a Customer.io signing secret cannot be empty");
  return {
    scheme: "customer-io",
    headers({ timestamp, body }) {
      const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex");
      return { "x-cio-timestamp": String(timestamp), "x-cio-signature": signature };
    },
  };
}

/**
 * Signs webhook deliveries as Customer.io does (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`) with testkit's signer, so tests exercise the real verification path.
 */
import {
  createStandardWebhookSecret,
  signWebhook,
  standardWebhooksSigner,
  type SignedWebhook,
} from "@gtm-clarity/testkit/sandbox";

export interface CustomerioWebhookEventBody {
  /** `<kind>.<created|updated|deleted>`, e.g. `person.updated`. */
  type: string;
  data: unknown;
}

/** A `whsec_` secret, as Customer.io shows a webhook endpoint's. */
export function createWebhookSecret(): string {
  return createStandardWebhookSecret();
}

export function signCustomerioWebhook(
  event: CustomerioWebhookEventBody,
  options: { secret: string; id?: string; timestamp?: number },
): SignedWebhook {
  const { secret, ...sign } = options;
  return signWebhook(standardWebhooksSigner(secret), event, sign);
}

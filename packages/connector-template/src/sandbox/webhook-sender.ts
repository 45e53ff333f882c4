/**
 * Signs webhook deliveries as Template does (Standard Webhooks: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64>`) with testkit's signer, so tests exercise the real verification path.
 */
import {
  createStandardWebhookSecret,
  signWebhook,
  standardWebhooksSigner,
  type SignedWebhook,
} from "@gtm-clarity/testkit/sandbox";

export interface TemplateWebhookEventBody {
  /** `<kind>.<created|updated|deleted>`, e.g. `person.updated`. */
  type: string;
  data: unknown;
}

/** A `whsec_` secret, as Template shows a webhook endpoint's. */
export function createWebhookSecret(): string {
  return createStandardWebhookSecret();
}

export function signTemplateWebhook(
  event: TemplateWebhookEventBody,
  options: { secret: string; id?: string; timestamp?: number },
): SignedWebhook {
  const { secret, ...sign } = options;
  return signWebhook(standardWebhooksSigner(secret), event, sign);
}

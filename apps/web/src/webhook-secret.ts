/**
 * A connection's webhook signing secret. The app makes it (`whsec_` + 32 random bytes, base64: the Standard
 * Webhooks form Fathom verifies with, and a plain HMAC key string for Customer.io) and shows it once; the connection
 * keeps only core's AES-GCM ciphertext of it, bound to tenant and connection, in its settings under `webhookSecret`
 * (connector settings schemas drop unknown keys, so a connector never sees it). Rotating replaces it at once.
 */
import { randomBytes } from "node:crypto";
import { decryptSecret, encryptSecret, type KeyRing } from "@gtm-clarity/core";
import { z } from "zod";

export const WEBHOOK_SECRET_SETTING = "webhookSecret";

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

export function sealWebhookSecret(secret: string, binding: { tenantId: string; connectionId: string }, keyRing?: KeyRing): string {
  return encryptSecret(secret, binding, keyRing);
}

const Sealed = z.object({ [WEBHOOK_SECRET_SETTING]: z.string().min(1) });

/** The connection's secret, or undefined when none was made (or it cannot be opened: treated as none). */
export function openWebhookSecret(
  settings: unknown,
  binding: { tenantId: string; connectionId: string },
  keyRing?: KeyRing,
): string | undefined {
  const parsed = Sealed.safeParse(settings);
  if (!parsed.success) return undefined;
  try {
    return decryptSecret(parsed.data[WEBHOOK_SECRET_SETTING], binding, keyRing);
  } catch {
    return undefined;
  }
}

export function hasWebhookSecret(settings: unknown): boolean {
  return Sealed.safeParse(settings).success;
}

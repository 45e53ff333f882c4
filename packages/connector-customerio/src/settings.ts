/**
 * A Customer.io connection's settings, apart from its secrets. Every field has a default, so `{}` parses; keys that
 * are not settings are dropped. The App API key is a secret (`auth.ts`); the reporting webhook's signing secret is the
 * connection's webhook secret, handed to `webhooks.handle` by the app.
 */
import { z } from "zod";

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** The App API per data-centre region (customerio-node `lib/regions.ts`). */
export const CUSTOMERIO_APP_API_URLS = {
  us: "https://api.customer.io",
  eu: "https://api-eu.customer.io",
} as const;

export const CustomerioSettingsSchema = z.object({
  region: z
    .enum(["us", "eu"])
    .default("us")
    .describe("Your workspace's data centre: us (api.customer.io) or eu (api-eu.customer.io)"),
  baseUrl: httpUrl
    .optional()
    .describe("Overrides the region's App API host (the sandbox sets it); paths start with /v1"),
  syncPeople: z
    .boolean()
    .default(true)
    .describe("Pull people (search, then attributes in batches of 100) besides the activity log"),
  peopleSegmentId: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Only pull the people in this segment; default: everyone in the workspace"),
});
export type CustomerioSettings = z.output<typeof CustomerioSettingsSchema>;
/** Settings as stored or typed in: every field optional. */
export type CustomerioSettingsInput = z.input<typeof CustomerioSettingsSchema>;

/** Where a connection's App API requests go: the override when set, else its region's host. */
export function appApiUrl(settings: CustomerioSettings): string {
  return settings.baseUrl ?? CUSTOMERIO_APP_API_URLS[settings.region];
}

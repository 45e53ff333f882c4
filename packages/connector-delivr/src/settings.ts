/**
 * A Delivr.ai connection's settings, apart from its secrets: where the APIs are, which pixel, project or organisation
 * the visitor events come from, and how far back and how fast a sync reads. Secrets (the API key and secret) never go
 * here: `authenticate` returns them as the credentials the store keeps encrypted.
 */
import { z } from "zod";

export const DELIVR_BASE_URL = "https://apiv3.delivr.ai";
/** The older data API, which still hosts the taxonomy (vendor-apis.md §5.1). */
export const DELIVR_TAXONOMY_URL = "https://apiv2.delivr.ai";
/** The Events API refuses a time range longer than this (vendor-apis.md §5.2). */
export const MAX_WINDOW_HOURS = 25;
export const STREAM_NAMES = ["visits", "intent"] as const;
export type StreamName = (typeof STREAM_NAMES)[number];

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });
const scopeId = z.string().trim().min(1).max(200).regex(/^[\w.:-]+$/, "letters, digits, '.', ':', '_' or '-' only");

/**
 * Every field has a default or is optional, so `{}` parses (a connection can be created before anyone opens its
 * settings); a sync without a pixel, project or organisation fails with a ConfigError naming them. Each
 * `.describe()` becomes a form field and a `connections add` flag.
 */
export const DelivrSettingsSchema = z.object({
  baseUrl: httpUrl.default(DELIVR_BASE_URL).describe("Delivr.ai data API (events, audiences); only the sandbox overrides it"),
  taxonomyUrl: httpUrl.default(DELIVR_TAXONOMY_URL).describe("Delivr.ai taxonomy API (intent topic names)"),
  pixelId: scopeId.optional().describe("Read the visitor events of this pixel (takes precedence over project and organisation)"),
  projectId: scopeId.optional().describe("Read the visitor events of this project; also scopes audiences"),
  organizationId: scopeId.optional().describe("Read the visitor events of the whole organisation"),
  eventsApi: z.enum(["v1", "v2"]).default("v1").describe("Events endpoint version: /api/v1/events or /api/v2/events?source=pixel"),
  streams: z
    .array(z.enum(STREAM_NAMES))
    .min(1)
    .default([...STREAM_NAMES])
    .describe("What to sync: website visits (events) and intent (audiences)"),
  backfillDays: z.number().int().min(1).max(365).default(90).describe("How far back the first sync reads"),
  windowHours: z
    .number()
    .int()
    .min(1)
    .max(MAX_WINDOW_HOURS)
    .default(MAX_WINDOW_HOURS)
    .describe("Hours per Events API request window (Delivr allows at most 25)"),
  pageSize: z.number().int().min(1).max(1000).default(300).describe("Events per request (`limit`; Delivr's default is 300)"),
  lookbackMinutes: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(60)
    .describe("Each incremental sync re-reads this much before the last one ended, for events Delivr resolves late"),
  resolvedOnly: z.boolean().default(false).describe("Read only resolved (identified) visits: `filter=resolved:eq:true`"),
});
export type DelivrSettings = z.output<typeof DelivrSettingsSchema>;
/** Settings as stored or typed in: every field optional. */
export type DelivrSettingsInput = z.input<typeof DelivrSettingsSchema>;

/** The events scope, by the API's own precedence: pixel > project > organisation. */
export type EventScope = { param: "pixel_id" | "project_id" | "organization_id"; id: string };

export function eventScope(settings: DelivrSettings): EventScope | undefined {
  if (settings.pixelId !== undefined) return { param: "pixel_id", id: settings.pixelId };
  if (settings.projectId !== undefined) return { param: "project_id", id: settings.projectId };
  if (settings.organizationId !== undefined) return { param: "organization_id", id: settings.organizationId };
  return undefined;
}

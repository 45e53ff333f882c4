/**
 * A Microsoft 365 connection's settings, apart from its secrets (MSAL's token cache lives in the credentials, which
 * the store encrypts). Every field has a default, so `{}` parses.
 */
import { z } from "zod";

export const GRAPH_BASE_URL = "https://graph.microsoft.com/v1.0";

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

export const O365SettingsSchema = z.object({
  baseUrl: httpUrl.default(GRAPH_BASE_URL).describe("Microsoft Graph's v1.0 endpoint; only the sandbox overrides it"),
  includeSubjects: z
    .boolean()
    .default(false)
    .describe("Keep email and meeting subjects (off by default: subjects can carry personal data)"),
  calendarPastDays: z.number().int().min(0).max(365).default(30).describe("Days of past meetings in the calendar window"),
  calendarFutureDays: z
    .number()
    .int()
    .min(0)
    .max(365)
    .default(30)
    .describe("Days of upcoming meetings in the calendar window"),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .describe("Items per Graph page asked for with Prefer: odata.maxpagesize (Graph may send fewer)"),
});
export type O365Settings = z.output<typeof O365SettingsSchema>;
export type O365SettingsInput = z.input<typeof O365SettingsSchema>;

/**
 * A Salesforce connection's settings, apart from its secrets. Settings are what anyone may read (where the API is);
 * secrets (an API key, OAuth tokens) never go here: `authenticate` returns them as the credentials the store keeps
 * encrypted, and `sync` and `healthCheck` get the settings as `options.settings`.
 */
import { z } from "zod";
import { SALESFORCE_BASE_URL } from "./client.js";

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/**
 * Every field has a default, so `{}` parses: a connection works before anyone opens its settings. Not strict: keys
 * that are not settings are dropped. Each `.describe()` becomes a form field and a `connections add` flag.
 */
export const SalesforceSettingsSchema = z.object({
  baseUrl: httpUrl.default(SALESFORCE_BASE_URL).describe("Salesforce's API; only the sandbox overrides it"),
});
export type SalesforceSettings = z.output<typeof SalesforceSettingsSchema>;
/** Settings as stored or typed in: every field optional. */
export type SalesforceSettingsInput = z.input<typeof SalesforceSettingsSchema>;

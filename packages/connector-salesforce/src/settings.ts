/**
 * A Salesforce connection's settings, apart from its secrets. Settings are what anyone may read (which login host,
 * which API version, which objects, how much of the org's daily API allocation a sync may use); the tokens and the
 * instance URL Salesforce hands out live in the credentials (`auth/oauth.ts`), which the store keeps encrypted.
 */
import { z } from "zod";
import { SOBJECT_NAMES } from "./objects/index.js";

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** Production logins. A sandbox org logs in at `https://test.salesforce.com`, a My Domain at its own host. */
export const SALESFORCE_LOGIN_URL = "https://login.salesforce.com";
/**
 * The REST API version every call uses. Pinned, so that a Salesforce release never changes what a sync reads;
 * v66.0 is in the range vendor-apis.md §1.2 documents, and sObject Collections upsert needs v46.0 or later.
 */
export const SALESFORCE_API_VERSION = "v66.0";

/**
 * Every field has a default, so `{}` parses. Not strict: keys that are not settings are dropped. Each
 * `.describe()` becomes a connect-form field and a `connections add` flag.
 */
export const SalesforceSettingsSchema = z.object({
  loginUrl: httpUrl
    .default(SALESFORCE_LOGIN_URL)
    .describe(
      "Where users log in: https://login.salesforce.com (production), https://test.salesforce.com (sandbox orgs) or the org's My Domain URL",
    ),
  apiVersion: z
    .string()
    .regex(/^v\d{2,3}\.0$/, "must look like v66.0")
    .default(SALESFORCE_API_VERSION)
    .describe("REST API version, pinned per connection"),
  objects: z
    .array(z.enum(SOBJECT_NAMES))
    .min(1, "sync at least one object")
    .default([...SOBJECT_NAMES])
    .transform((objects) => SOBJECT_NAMES.filter((name) => objects.includes(name)))
    .describe("Objects to sync: Account, Contact, Lead, Opportunity, Task, Event"),
  externalIdField: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, "must be a field API name, e.g. GTM_Id__c")
    .optional()
    .describe(
      "Writeback: upsert by this external-id field (e.g. GTM_Id__c); absent, writeback updates records by their Salesforce Id",
    ),
  apiShareLimit: z
    .number()
    .min(1)
    .max(100)
    .default(50)
    .describe("Percent of the org's daily API allocation a sync may use before it pauses (default 50)"),
  leadContactMatching: z
    .boolean()
    .default(true)
    .describe("Flag Leads whose email matches a Contact (one extra query per page of Leads)"),
  organizationId: z.string().optional().describe("The org (00D…) the connection was authorised for; set on connect"),
  userId: z.string().optional().describe("The user (005…) who authorised the connection; set on connect"),
});
export type SalesforceSettings = z.output<typeof SalesforceSettingsSchema>;
/** Settings as stored or typed in: every field optional. */
export type SalesforceSettingsInput = z.input<typeof SalesforceSettingsSchema>;

/**
 * What a Salesforce connection's credentials hold: the tokens, and where to use them. The store keeps them encrypted
 * (core's AES-256-GCM, bound to the tenant and the connection). `instanceUrl` is the org's own host, the base of every
 * REST call (orgs move: every token response may update it); `loginUrl` is where the tokens were issued, so a
 * refresh and a revoke go back there.
 */
import { parseCredentials, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export const SALESFORCE_AUTH_METHOD = "oauth";

export const SalesforceCredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
  instanceUrl: z.url({ protocol: /^https?$/ }),
  loginUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** The identity URL (`id` of the token response). */
  identityUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** When the access token was issued: epoch milliseconds as Salesforce sends it, a string. */
  issuedAt: z.string().regex(/^\d+$/).optional(),
  organizationId: z.string().optional(),
  userId: z.string().optional(),
});
export type SalesforceCredentials = z.output<typeof SalesforceCredentialsSchema>;

/** Never echoes a value: the message names the fields only. */
export function parseSalesforceCredentials(credentials: Credentials): SalesforceCredentials {
  return parseCredentials("Salesforce", SalesforceCredentialsSchema, credentials);
}

/** The non-secret facts of a connection a web app keeps in its settings after the OAuth callback. */
export function connectionSettingsFrom(credentials: Credentials): {
  loginUrl?: string;
  organizationId?: string;
  userId?: string;
} {
  const parsed = parseSalesforceCredentials(credentials);
  return {
    ...(parsed.loginUrl === undefined ? {} : { loginUrl: parsed.loginUrl }),
    ...(parsed.organizationId === undefined ? {} : { organizationId: parsed.organizationId }),
    ...(parsed.userId === undefined ? {} : { userId: parsed.userId }),
  };
}

/**
 * OAuth 2.0 for Salesforce. The tokens come from the OAuth flow (`oauth-flow.ts`: `exchangeCode`, `refresh`) and are
 * the credentials, which the store keeps encrypted (core's AES-256-GCM, bound to the tenant and the connection).
 * There is no `secretsSchema`: nobody types a secret in. Nothing secret goes into the connection's settings.
 */
import { ConfigError, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import type { SalesforceClientOptions } from "../client.js";
import { SalesforceOAuth, type SalesforceOAuthOptions } from "./oauth-flow.js";
import { parseCredentialsWith, type SalesforceAuth } from "./shared.js";

export const SALESFORCE_AUTH_METHOD = "oauth";

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the tokens only. */
export const SalesforceCredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
});
export type SalesforceCredentials = z.output<typeof SalesforceCredentialsSchema>;

export function parseSalesforceCredentials(credentials: Credentials): SalesforceCredentials {
  return parseCredentialsWith(SalesforceCredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: SalesforceCredentials): Record<string, string> {
  return { Authorization: `Bearer ${credentials.accessToken}` };
}

export interface SalesforceAuthOptions extends Pick<SalesforceClientOptions, "fetch"> {
  /** The OAuth client; by default configured from the environment (see `oauth-flow.ts`). */
  oauth?: SalesforceOAuthOptions;
}

export function createSalesforceAuth(options: SalesforceAuthOptions = {}): SalesforceAuth & { readonly oauth: SalesforceOAuth } {
  const oauth = new SalesforceOAuth({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...options.oauth });
  return {
    oauth,
    async authenticate(secrets, verify) {
      // The tokens `exchangeCode` returned, as the app that ran the flow passes them on.
      if (secrets === undefined) {
        throw new ConfigError("Salesforce connects through its OAuth flow: pass the tokens exchangeCode returned");
      }
      const stored = parseSalesforceCredentials(secrets);
      // Access tokens are short-lived: authenticate always refreshes, and hands back the (possibly rotated) tokens,
      // which the caller stores before using them.
      const tokens = await oauth.refresh({
        accessToken: stored.accessToken,
        ...(stored.refreshToken === undefined ? {} : { refreshToken: stored.refreshToken }),
      });
      await verify(tokens.credentials);
      return tokens;
    },
  };
}

export { SalesforceOAuth, SalesforceTokenResponseSchema, SALESFORCE_DEFAULT_SCOPES, SALESFORCE_OAUTH_ENV } from "./oauth-flow.js";
export type { SalesforceOAuthOptions } from "./oauth-flow.js";

/**
 * OAuth 2.0 for Microsoft 365. The tokens come from the OAuth flow (`oauth-flow.ts`: `exchangeCode`, `refresh`) and are
 * the credentials, which the store keeps encrypted (core's AES-256-GCM, bound to the tenant and the connection).
 * There is no `secretsSchema`: nobody types a secret in. Nothing secret goes into the connection's settings.
 */
import { ConfigError, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import type { O365ClientOptions } from "../client.js";
import { O365OAuth, type O365OAuthOptions } from "./oauth-flow.js";
import { parseCredentialsWith, type O365Auth } from "./shared.js";

export const O365_AUTH_METHOD = "oauth";

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the tokens only. */
export const O365CredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
});
export type O365Credentials = z.output<typeof O365CredentialsSchema>;

export function parseO365Credentials(credentials: Credentials): O365Credentials {
  return parseCredentialsWith(O365CredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: O365Credentials): Record<string, string> {
  return { Authorization: `Bearer ${credentials.accessToken}` };
}

export interface O365AuthOptions extends Pick<O365ClientOptions, "fetch"> {
  /** The OAuth client; by default configured from the environment (see `oauth-flow.ts`). */
  oauth?: O365OAuthOptions;
}

export function createO365Auth(options: O365AuthOptions = {}): O365Auth & { readonly oauth: O365OAuth } {
  const oauth = new O365OAuth({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...options.oauth });
  return {
    oauth,
    async authenticate(secrets, verify) {
      // The tokens `exchangeCode` returned, as the app that ran the flow passes them on.
      if (secrets === undefined) {
        throw new ConfigError("Microsoft 365 connects through its OAuth flow: pass the tokens exchangeCode returned");
      }
      const stored = parseO365Credentials(secrets);
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

export { O365OAuth, O365TokenResponseSchema, O365_DEFAULT_SCOPES, O365_OAUTH_ENV } from "./oauth-flow.js";
export type { O365OAuthOptions } from "./oauth-flow.js";

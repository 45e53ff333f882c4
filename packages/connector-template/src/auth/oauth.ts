/**
 * OAuth 2.0 for Template. The tokens come from the OAuth flow (`oauth-flow.ts`: `exchangeCode`, `refresh`) and are
 * the credentials, which the store keeps encrypted (core's AES-256-GCM, bound to the tenant and the connection).
 * There is no `secretsSchema`: nobody types a secret in. Nothing secret goes into the connection's settings.
 */
import { ConfigError, parseCredentials, type ConnectorAuth, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import type { TemplateClientOptions } from "../client.js";
import { TemplateOAuth, type TemplateOAuthOptions } from "./oauth-flow.js";

export const TEMPLATE_AUTH_METHOD = "oauth";

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the tokens only. */
export const TemplateCredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
});
export type TemplateCredentials = z.output<typeof TemplateCredentialsSchema>;

export function parseTemplateCredentials(credentials: Credentials): TemplateCredentials {
  return parseCredentials("Template", TemplateCredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: TemplateCredentials): Record<string, string> {
  return { Authorization: `Bearer ${credentials.accessToken}` };
}

export interface TemplateAuthOptions extends Pick<TemplateClientOptions, "fetch"> {
  /** The OAuth client; by default configured from the environment (see `oauth-flow.ts`). */
  oauth?: TemplateOAuthOptions;
}

export function createTemplateAuth(options: TemplateAuthOptions = {}): ConnectorAuth & { readonly oauth: TemplateOAuth } {
  const oauth = new TemplateOAuth({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...options.oauth });
  return {
    oauth,
    async authenticate(secrets, verify) {
      // The tokens `exchangeCode` returned, as the app that ran the flow passes them on.
      if (secrets === undefined) {
        throw new ConfigError("Template connects through its OAuth flow: pass the tokens exchangeCode returned");
      }
      const stored = parseTemplateCredentials(secrets);
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

export { TemplateOAuth, TemplateTokenResponseSchema, TEMPLATE_DEFAULT_SCOPES, TEMPLATE_OAUTH_ENV } from "./oauth-flow.js";
export type { TemplateOAuthOptions } from "./oauth-flow.js";

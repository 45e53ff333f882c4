/**
 * OAuth 2.0 for Template. The tokens are stored encrypted by core (AES-256-GCM, bound to the tenant, the connection
 * and the purpose "oauth-tokens"); this module says where they live in a connection's settings and what the
 * credentials hold. No cryptography here: core owns it. The flow itself is in `oauth-flow.ts`.
 */
import {
  decryptCredentials,
  encryptCredentials,
  type ConnectorConfig,
  type Credentials,
} from "@gtm-clarity/core";
import { z } from "zod";
import { TEMPLATE_BASE_URL, type TemplateClientOptions } from "../client.js";
import { TemplateOAuth, type TemplateOAuthOptions } from "./oauth-flow.js";
import {
  httpUrl,
  parseCredentialsWith,
  parseSettingsWith,
  type ConnectionBinding,
  type TemplateAuth,
} from "./shared.js";

export const TEMPLATE_AUTH_METHOD = "oauth";

/** What a Template connection keeps in `config.settings`. */
export const TemplateSettingsSchema = z.object({
  /** `encryptTemplateTokens(tokens.credentials, { tenantId, connectionId })`, written after the OAuth callback. */
  encryptedTokens: z.string().min(1, "encryptedTokens is required"),
  /** Defaults to the production API; the sandbox (and only it) overrides this. */
  baseUrl: httpUrl.optional(),
});
export type TemplateSettings = z.output<typeof TemplateSettingsSchema>;

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted). */
export const TemplateCredentialsSchema = z.object({
  accessToken: z.string().trim().min(1, "accessToken is required"),
  refreshToken: z.string().min(1).optional(),
  baseUrl: httpUrl.default(TEMPLATE_BASE_URL),
});
export type TemplateCredentials = z.output<typeof TemplateCredentialsSchema>;

export function parseTemplateSettings(settings: unknown): TemplateSettings {
  return parseSettingsWith(TemplateSettingsSchema, settings);
}

export function parseTemplateCredentials(credentials: Credentials): TemplateCredentials {
  return parseCredentialsWith(TemplateCredentialsSchema, credentials);
}

/** Separates the token ciphertext from any other secret of the same connection. */
export const TOKENS_PURPOSE = "oauth-tokens";

/** Encrypts the tokens from `exchangeCode`/`refresh` for `settings.encryptedTokens`. */
export function encryptTemplateTokens(tokens: Credentials, binding: ConnectionBinding): string {
  return encryptCredentials(tokens, { ...binding, purpose: TOKENS_PURPOSE });
}

/** Decrypts the stored tokens (CryptoError if they were bound to another tenant/connection or tampered with). */
export function decryptTemplateTokens(config: ConnectorConfig): Credentials {
  const settings = parseTemplateSettings(config.settings);
  return decryptCredentials(settings.encryptedTokens, {
    tenantId: config.tenantId,
    connectionId: config.connectionId,
    purpose: TOKENS_PURPOSE,
  });
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: TemplateCredentials): Record<string, string> {
  return { Authorization: `Bearer ${credentials.accessToken}` };
}

export interface TemplateAuthOptions extends Pick<TemplateClientOptions, "fetch"> {
  /** The OAuth client; by default configured from the environment (see `oauth-flow.ts`). */
  oauth?: TemplateOAuthOptions;
}

export function createTemplateAuth(options: TemplateAuthOptions = {}): TemplateAuth & { readonly oauth: TemplateOAuth } {
  const oauth = new TemplateOAuth({ ...(options.fetch === undefined ? {} : { fetch: options.fetch }), ...options.oauth });
  return {
    oauth,
    async authenticate(config, verify) {
      const settings = parseTemplateSettings(config.settings);
      // Access tokens are short-lived: authenticate always refreshes, and hands back the (possibly rotated) tokens,
      // which the caller stores before using them.
      const tokens = await oauth.refresh(decryptTemplateTokens(config));
      const credentials: Credentials = { ...tokens.credentials, baseUrl: settings.baseUrl ?? TEMPLATE_BASE_URL };
      await verify(credentials);
      return { ...tokens, credentials };
    },
  };
}

export { TemplateOAuth, TemplateTokenResponseSchema, TEMPLATE_DEFAULT_SCOPES, TEMPLATE_OAUTH_ENV } from "./oauth-flow.js";
export type { TemplateOAuthOptions } from "./oauth-flow.js";

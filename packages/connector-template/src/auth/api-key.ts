/**
 * API-key auth for Template. A person connects with `secrets: { apiKey }` (`TemplateSecretsSchema`); `authenticate`
 * checks the key against the API and returns it as the credentials, which the store keeps encrypted (core's
 * AES-256-GCM, bound to the tenant and the connection). The key never goes into the connection's settings.
 */
import { ConfigError, parseCredentials } from "@gtm-clarity/core";
import type { ConnectorAuth, Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export const TEMPLATE_AUTH_METHOD = "api-key";

/** What a person types in to connect: the key from Template's API settings. */
export const TemplateSecretsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required").describe("Template API key"),
});

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the key only. */
export const TemplateCredentialsSchema = TemplateSecretsSchema;
export type TemplateCredentials = z.output<typeof TemplateCredentialsSchema>;

export function parseTemplateCredentials(credentials: Credentials): TemplateCredentials {
  return parseCredentials("Template", TemplateCredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: TemplateCredentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey };
}

/** Nothing to configure: the key comes from the connection. The same shape as the OAuth variant's options. */
export type TemplateAuthOptions = Record<never, never>;

export function createTemplateAuth(_options: TemplateAuthOptions = {}): ConnectorAuth {
  return {
    secretsSchema: TemplateSecretsSchema,
    async authenticate(secrets, verify) {
      // Field names only: a value could be the key itself.
      const parsed = TemplateSecretsSchema.safeParse(secrets ?? {});
      if (!parsed.success) throw new ConfigError("Template connects with an API key: secrets must hold apiKey");
      const credentials: Credentials = { apiKey: parsed.data.apiKey };
      await verify(credentials);
      return { credentials };
    },
  };
}

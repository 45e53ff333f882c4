/**
 * API-key auth for Delivr.ai. A person connects with `secrets: { apiKey }` (`DelivrSecretsSchema`); `authenticate`
 * checks the key against the API and returns it as the credentials, which the store keeps encrypted (core's
 * AES-256-GCM, bound to the tenant and the connection). The key never goes into the connection's settings.
 */
import { ConfigError } from "@gtm-clarity/core";
import type { Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import { parseCredentialsWith, type DelivrAuth } from "./shared.js";

export const DELIVR_AUTH_METHOD = "api-key";

/** What a person types in to connect: the key from Delivr.ai's API settings. */
export const DelivrSecretsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required").describe("Delivr.ai API key"),
});

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the key only. */
export const DelivrCredentialsSchema = DelivrSecretsSchema;
export type DelivrCredentials = z.output<typeof DelivrCredentialsSchema>;

export function parseDelivrCredentials(credentials: Credentials): DelivrCredentials {
  return parseCredentialsWith(DelivrCredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: DelivrCredentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey };
}

/** Nothing to configure: the key comes from the connection. The same shape as the OAuth variant's options. */
export type DelivrAuthOptions = Record<never, never>;

export function createDelivrAuth(_options: DelivrAuthOptions = {}): DelivrAuth {
  return {
    secretsSchema: DelivrSecretsSchema,
    async authenticate(secrets, verify) {
      // Field names only: a value could be the key itself.
      const parsed = DelivrSecretsSchema.safeParse(secrets ?? {});
      if (!parsed.success) throw new ConfigError("Delivr.ai connects with an API key: secrets must hold apiKey");
      const credentials: Credentials = { apiKey: parsed.data.apiKey };
      await verify(credentials);
      return { credentials };
    },
  };
}

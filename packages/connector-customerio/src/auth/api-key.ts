/**
 * API-key auth for Customer.io. A person connects with `secrets: { apiKey }` (`CustomerioSecretsSchema`); `authenticate`
 * checks the key against the API and returns it as the credentials, which the store keeps encrypted (core's
 * AES-256-GCM, bound to the tenant and the connection). The key never goes into the connection's settings.
 */
import { ConfigError } from "@gtm-clarity/core";
import type { Credentials } from "@gtm-clarity/core";
import { z } from "zod";
import { parseCredentialsWith, type CustomerioAuth } from "./shared.js";

export const CUSTOMERIO_AUTH_METHOD = "api-key";

/** What a person types in to connect: the key from Customer.io's API settings. */
export const CustomerioSecretsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required").describe("Customer.io API key"),
});

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted): the key only. */
export const CustomerioCredentialsSchema = CustomerioSecretsSchema;
export type CustomerioCredentials = z.output<typeof CustomerioCredentialsSchema>;

export function parseCustomerioCredentials(credentials: Credentials): CustomerioCredentials {
  return parseCredentialsWith(CustomerioCredentialsSchema, credentials);
}

/** The header that authenticates an API request. */
export function authHeaders(credentials: CustomerioCredentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey };
}

/** Nothing to configure: the key comes from the connection. The same shape as the OAuth variant's options. */
export type CustomerioAuthOptions = Record<never, never>;

export function createCustomerioAuth(_options: CustomerioAuthOptions = {}): CustomerioAuth {
  return {
    secretsSchema: CustomerioSecretsSchema,
    async authenticate(secrets, verify) {
      // Field names only: a value could be the key itself.
      const parsed = CustomerioSecretsSchema.safeParse(secrets ?? {});
      if (!parsed.success) throw new ConfigError("Customer.io connects with an API key: secrets must hold apiKey");
      const credentials: Credentials = { apiKey: parsed.data.apiKey };
      await verify(credentials);
      return { credentials };
    },
  };
}

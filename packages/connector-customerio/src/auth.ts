/**
 * App API key auth. A person connects with `secrets: { apiKey }` (an App API key from Settings > API Credentials);
 * `authenticate` checks it with one cheap App API call and returns it as the credentials the store keeps encrypted.
 * Requests send `Authorization: Bearer <key>` (the Track API's Basic site id:key is a different API, never used here).
 * Validation messages name fields, never values: a value could be the key itself.
 */
import { ConfigError, parseCredentials, type Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export const CUSTOMERIO_AUTH_METHOD = "api-key";

export const CustomerioSecretsSchema = z.object({
  apiKey: z.string().trim().min(1, "apiKey is required").describe("Customer.io App API key (Bearer)"),
});
export const CustomerioCredentialsSchema = CustomerioSecretsSchema;
export type CustomerioCredentials = z.output<typeof CustomerioCredentialsSchema>;

/** `config.secrets` -> the credentials to store; ConfigError (naming fields only) when they are not an API key. */
export function parseCustomerioSecrets(secrets: Credentials | undefined): Credentials {
  const parsed = CustomerioSecretsSchema.safeParse(secrets ?? {});
  if (!parsed.success) throw new ConfigError("Customer.io connects with an App API key: secrets must hold apiKey");
  return { apiKey: parsed.data.apiKey };
}

export function parseCustomerioCredentials(credentials: Credentials): CustomerioCredentials {
  return parseCredentials("Customer.io", CustomerioCredentialsSchema, credentials);
}

/** The App API's header. */
export function authHeaders(credentials: CustomerioCredentials): Record<string, string> {
  return { Authorization: `Bearer ${credentials.apiKey}` };
}

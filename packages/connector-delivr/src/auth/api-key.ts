/**
 * Delivr.ai's current data-API auth (vendor-apis.md §5.1): `X-Api-Key: dlvr_…` plus `X-Api-Secret`, both created in
 * the dashboard (the secret is shown once). A person connects with `secrets: { apiKey, apiSecret }`;
 * `authenticate` checks the pair with a cheap call and returns both as the credentials, which the store keeps
 * encrypted (core's AES-256-GCM, bound to the tenant and the connection). Neither goes into the settings.
 */
import { ConfigError, parseCredentials } from "@gtm-clarity/core";
import type { ConnectorAuth, Credentials } from "@gtm-clarity/core";
import { z } from "zod";

export const DELIVR_AUTH_METHOD = "api-key";

/** Header values must be one printable line: a pasted newline would otherwise split a header. */
const headerValue = z
  .string()
  .trim()
  .min(1)
  .max(512)
  .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

/** What a person types in to connect: the key and secret from Delivr.ai's Settings → API keys. */
export const DelivrSecretsSchema = z.object({
  apiKey: headerValue.describe("Delivr.ai API key (dlvr_…)"),
  apiSecret: headerValue.describe("Delivr.ai API secret (shown once when the key is created)"),
});

/** What `authenticate` returns and `sync`/`healthCheck` receive (the store keeps them encrypted). */
export const DelivrCredentialsSchema = DelivrSecretsSchema;
export type DelivrCredentials = z.output<typeof DelivrCredentialsSchema>;

export function parseDelivrCredentials(credentials: Credentials): DelivrCredentials {
  return parseCredentials("Delivr.ai", DelivrCredentialsSchema, credentials);
}

/** The headers that authenticate a data-API request. */
export function authHeaders(credentials: DelivrCredentials): Record<string, string> {
  return { "X-Api-Key": credentials.apiKey, "X-Api-Secret": credentials.apiSecret };
}

/** Nothing to configure: the key comes from the connection. */
export type DelivrAuthOptions = Record<never, never>;

export function createDelivrAuth(_options: DelivrAuthOptions = {}): ConnectorAuth {
  return {
    secretsSchema: DelivrSecretsSchema,
    async authenticate(secrets, verify) {
      const parsed = DelivrSecretsSchema.safeParse(secrets ?? {});
      if (!parsed.success) {
        // Field names only: a value could be the secret itself.
        const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? "secrets")))];
        throw new ConfigError(`Delivr.ai connects with an API key and secret: check ${fields.join(", ")}`);
      }
      const credentials: Credentials = { apiKey: parsed.data.apiKey, apiSecret: parsed.data.apiSecret };
      await verify(credentials);
      return { credentials };
    },
  };
}

/**
 * What every way of authenticating with Microsoft 365 has in common: credentials are validated with zod, and a
 * validation message names the fields but never their values (a value could be the secret itself). Settings (the
 * base URL) are not auth's business: the connector parses them (`src/settings.ts`) and hands auth a `verify` call.
 */
import {
  AuthError,
  toSchemaIssues,
  type AuthenticateResult,
  type Credentials,
  type OAuthCapability,
} from "@gtm-clarity/core";
import type { z } from "zod";

export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

/** One way of turning what a person connected with into the credentials `sync` takes (secrets only). */
export interface O365Auth {
  /** What a person types in to connect (`config.secrets`); absent when connecting goes through an OAuth flow. */
  readonly secretsSchema?: z.ZodType<Credentials>;
  /**
   * `secrets` is `config.secrets` (checked with `secretsSchema` when there is one). `verify` makes the cheapest
   * authenticated call against the connection's base URL, so a secret the API refuses fails here with an AuthError.
   */
  authenticate(
    secrets: Credentials | undefined,
    verify: (credentials: Credentials) => Promise<void>,
  ): Promise<AuthenticateResult>;
  /** Present when connecting goes through an OAuth flow; the connector exposes it as its `oauth` capability. */
  readonly oauth?: OAuthCapability;
}

export function parseCredentialsWith<T>(schema: z.ZodType<T>, credentials: Credentials): T {
  const parsed = schema.safeParse(credentials);
  if (!parsed.success) {
    const fields = [...new Set(toSchemaIssues(parsed.error.issues).map((issue) => issue.path || "(credentials)"))];
    throw new AuthError(`Invalid Microsoft 365 credentials (check ${fields.join(", ")}): reconnect the connection`);
  }
  return parsed.data;
}

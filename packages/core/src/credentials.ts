/**
 * A connection's credentials at the connector's boundary, and the shape of one way of authenticating. Stored
 * credentials are secrets, so a credential that does not parse is named by its fields, never by its value (a value
 * could be the secret itself), and it means the connection must be connected again: an AuthError, never retried.
 */
import type { z } from "zod";
import type { AuthenticateResult, Credentials, OAuthCapability } from "./connector.js";
import { AuthError, toSchemaIssues } from "./errors.js";

/** Which tenant's connection a credential belongs to. */
export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

/** One way of turning what a person connected with into the credentials `sync` takes (secrets only). */
export interface ConnectorAuth {
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

/**
 * `credentials` checked with `schema`; otherwise an AuthError "Invalid <vendorName> credentials (check <fields>):
 * reconnect the connection" that names the fields only.
 */
export function parseCredentials<T>(vendorName: string, schema: z.ZodType<T>, credentials: Credentials): T {
  const parsed = schema.safeParse(credentials);
  if (!parsed.success) {
    const fields = [...new Set(toSchemaIssues(parsed.error.issues).map((issue) => issue.path || "(credentials)"))];
    throw new AuthError(`Invalid ${vendorName} credentials (check ${fields.join(", ")}): reconnect the connection`);
  }
  return parsed.data;
}

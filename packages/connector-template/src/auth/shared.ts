/**
 * What every way of authenticating with Template has in common: settings and credentials are validated with zod,
 * and a validation message names the fields but never their values (a value could be the secret itself).
 */
import {
  AuthError,
  ConfigError,
  toSchemaIssues,
  type AuthenticateResult,
  type ConnectorConfig,
  type Credentials,
  type OAuthCapability,
} from "@gtm-clarity/core";
import { z } from "zod";

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

export interface ConnectionBinding {
  tenantId: string;
  connectionId: string;
}

/** One way of turning a connection's stored secret into the credentials `sync` takes. */
export interface TemplateAuth {
  /** `verify` makes the cheapest authenticated call, so a secret the API refuses fails here with an AuthError. */
  authenticate(config: ConnectorConfig, verify: (credentials: Credentials) => Promise<void>): Promise<AuthenticateResult>;
  /** Present when connecting goes through an OAuth flow; the connector exposes it as its `oauth` capability. */
  readonly oauth?: OAuthCapability;
}

export function parseSettingsWith<T>(schema: z.ZodType<T>, settings: unknown): T {
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    const fields = toSchemaIssues(parsed.error.issues).map((issue) => `${issue.path || "(settings)"}: ${issue.message}`);
    throw new ConfigError(`Invalid Template connection settings (${fields.join("; ")})`);
  }
  return parsed.data;
}

export function parseCredentialsWith<T>(schema: z.ZodType<T>, credentials: Credentials): T {
  const parsed = schema.safeParse(credentials);
  if (!parsed.success) {
    const fields = [...new Set(toSchemaIssues(parsed.error.issues).map((issue) => issue.path || "(credentials)"))];
    throw new AuthError(`Invalid Template credentials (check ${fields.join(", ")}): reconnect the connection`);
  }
  return parsed.data;
}
